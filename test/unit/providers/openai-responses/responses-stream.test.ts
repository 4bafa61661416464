import { describe, expect, it } from 'vitest';
import type { ProviderStreamPart } from '../../../../src/client/types.js';
import { ContentFilterError, InvalidResponseError, OverloadedError, RateLimitError, ServerError } from '../../../../src/errors/errors.js';
import { responsesStream } from '../../../../src/providers/openai-responses/responses-stream.js';
import type { TransportResponse } from '../../../../src/transport/transport.js';

function sse(events: readonly Record<string, unknown>[]): string {
  return events.map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}

function reply(body: string): TransportResponse & { cancelled: number } {
  const response = {
    cancelled: 0,
    status: 200,
    header: () => undefined,
    body: (async function* () {
      yield Buffer.from(body);
    })(),
    text: async () => body,
    cancel() {
      response.cancelled++;
    },
  };
  return response;
}

async function collect(body: string): Promise<{ parts: ProviderStreamPart[]; error?: unknown; cancelled: number }> {
  const response = reply(body);
  const parts: ProviderStreamPart[] = [];
  try {
    for await (const part of responsesStream(response, { context: { provider: 'openai-responses', model: 'gpt-5' }, requestId: 'req_1' })) parts.push(part);
    return { parts, cancelled: response.cancelled };
  } catch (error) {
    return { parts, error, cancelled: response.cancelled };
  }
}

const created = { type: 'response.created', response: { id: 'resp_1', model: 'gpt-5', status: 'in_progress', output: [], usage: null } };
const textItem = [
  { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } },
  { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hel' },
  { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'lo' },
];
const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 30 };

describe('responsesStream: terminal events', () => {
  it('ends a response.incomplete (max_output_tokens) as a length finish, never a clean one', async () => {
    const { parts, error, cancelled } = await collect(
      sse([created, ...textItem, { type: 'response.incomplete', response: { id: 'resp_1', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage } }]),
    );
    expect(error).toBeUndefined();
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'length',
      rawFinishReason: 'max_output_tokens',
      usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30, cachedInputTokens: 4, reasoningTokens: 5 },
    });
    expect(cancelled).toBe(1);
  });

  it('maps response.incomplete for content_filter to a content-filter finish', async () => {
    const { parts } = await collect(sse([created, { type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'content_filter' } } }]));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'content-filter' });
  });

  it('reports a function call cut by response.incomplete as incomplete, not as a call', async () => {
    const { parts } = await collect(
      sse([
        created,
        { type: 'response.output_item.added', output_index: 0, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '' } },
        { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '{"city":"Par' },
        { type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } },
      ]),
    );
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([]);
    expect(parts.find((part) => part.type === 'tool-call-incomplete')).toEqual({ type: 'tool-call-incomplete', toolCall: { id: 'call_1', name: 'lookup', argsText: '{"city":"Par' } });
  });

  it.each([
    ['rate_limit_exceeded', RateLimitError, 429],
    ['server_error', ServerError, 500],
    ['server_is_overloaded', OverloadedError, 503],
    ['content_filter', ContentFilterError, 400],
  ] as const)('turns response.failed with %s into the typed error of its HTTP twin', async (code, errorClass, status) => {
    const { parts, error } = await collect(
      sse([created, ...textItem, { type: 'response.failed', response: { id: 'resp_1', status: 'failed', error: { code, message: `failed: ${code}` } } }]),
    );
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ status, providerCode: code, hasEmittedOutput: true, requestId: 'req_1' });
    // What arrived before the failure still reaches the consumer.
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part as { text: string }).text).join('')).toBe('Hello');
  });

  it('turns an in-stream error event into a typed, retryable error', async () => {
    const { error, cancelled } = await collect(sse([created, { type: 'error', code: 'rate_limit_exceeded', message: 'Slow down', param: null, sequence_number: 2 }]));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, hasEmittedOutput: false, isRetryable: true });
    expect(cancelled).toBe(1);
  });

  it('throws InvalidResponseError when the body ends before a terminal event', async () => {
    const { error } = await collect(sse([created, ...textItem]));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/response\.completed/);
  });

  it('ignores unknown event types, SSE comments and a trailing [DONE]', async () => {
    const body = `: keep-alive\n\n${sse([created, { type: 'response.future_thing', payload: { x: 1 } }, ...textItem, { type: 'response.completed', response: { status: 'completed', usage } }])}data: [DONE]\n\n`;
    const { parts, error } = await collect(body);
    expect(error).toBeUndefined();
    expect(parts.map((part) => part.type)).toEqual(['response-metadata', 'text-delta', 'text-delta', 'response-metadata', 'finish']);
    expect(parts[3]).toEqual({ type: 'response-metadata', messageMetadata: { openaiResponseId: 'resp_1', openaiItemId: 'msg_1' } });
  });

  it('streams reasoning summaries as reasoning-delta and keeps the finished item for the next turn', async () => {
    const { parts } = await collect(
      sse([
        created,
        { type: 'response.output_item.added', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'enc-early' } },
        { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'Think' },
        { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'ing' },
        { type: 'response.output_item.done', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking' }], encrypted_content: 'enc-final' } },
        { type: 'response.completed', response: { status: 'completed', usage } },
      ]),
    );
    expect(parts.filter((part) => part.type === 'reasoning-delta')).toEqual([
      { type: 'reasoning-delta', text: 'Think' },
      { type: 'reasoning-delta', text: 'ing' },
    ]);
    expect(parts.find((part) => part.type === 'reasoning-part')).toEqual({
      type: 'reasoning-part',
      reasoning: { type: 'reasoning', text: 'Thinking', provider: 'openai-responses', signature: 'enc-final', providerMetadata: { openaiItemId: 'rs_1' } },
    });
  });
});

describe('openaiResponses options', () => {
  it('rejects bad options with InvalidArgumentError naming the field', async () => {
    const { openaiResponses } = await import('../../../../src/providers/openai-responses/openai-responses-adapter.js');
    expect(() => openaiResponses({ apiKey: '' })).toThrow(/apiKey/);
    expect(() => openaiResponses({ apiKey: 'sk-test-options-key', baseURL: 'ftp://x' })).toThrow(/baseURL/);
    expect(() => openaiResponses({ apiKey: 'sk-test-options-key', reasoning: { effort: 'extreme' as never } })).toThrow(/reasoning\.effort/);
    expect(() => openaiResponses({ apiKey: 'sk-test-options-key', store: 'yes' as never })).toThrow(/`store`/);
    expect(() => openaiResponses({ apiKey: 'sk-test-options-key', usePreviousResponseId: 1 as never })).toThrow(/usePreviousResponseId/);
    expect(openaiResponses({ apiKey: 'sk-test-options-key' }).kind).toBe('openai-responses');
  });
});
