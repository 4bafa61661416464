import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderStreamPart } from '../../../../src/client/types.js';
import { InvalidResponseError, OverloadedError, RateLimitError, ServerError } from '../../../../src/errors/errors.js';
import { openai, openaiCompatible } from '../../../../src/providers/openai/openai-adapter.js';
import { isBatchedPartStream, partBatches } from '../../../../src/providers/shared/part-batches.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
import { startReplayServer, type ReplayServer, type ScriptedReply } from '../../../helpers/replay-server.js';
import { callContext, chunk, collectParts, sseData, USAGE_CHUNK } from './call-context.js';

let server: ReplayServer | undefined;
let transport: UndiciTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

const REQUEST = { model: 'gpt-test', messages: [{ role: 'user' as const, content: 'Hi' }] };

async function streamFrom(replies: readonly ScriptedReply[], adapterKind: 'openai' | 'lenient' = 'openai', signal?: AbortSignal) {
  server = await startReplayServer(replies);
  transport = new UndiciTransport();
  const adapter =
    adapterKind === 'openai'
      ? openai({ apiKey: 'sk-test-stream-key', baseURL: `${server.url}/v1` })
      : openaiCompatible({ baseURL: `${server.url}/v1`, requireDone: false });
  return adapter.doStream(REQUEST, callContext(transport, signal));
}

/** A stream exercising most of the protocol: Azure preamble, n>1 noise, text, refusal, two tool calls. */
const RICH_STREAM = [
  sseData({ id: '', model: '', created: 0, choices: [], prompt_filter_results: [{ prompt_index: 0 }] }),
  sseData(chunk({ role: 'assistant', content: '', refusal: null })),
  sseData(chunk({ content: 'Héllo ' })),
  sseData(chunk({ content: 'ignored: choice 1' }, null, 1)),
  sseData(chunk({ content: 'wörld' })),
  sseData(chunk({ refusal: 'No.' })),
  sseData(chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] })),
  sseData(chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"zo' } }] })),
  sseData(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })),
  sseData(chunk({ tool_calls: [{ index: 1, function: { arguments: 'ne":"CET"}' } }] })),
  sseData(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })),
  sseData(chunk({}, 'tool_calls')),
  sseData(chunk({}, 'stop', 1)),
  sseData(USAGE_CHUNK),
  sseData('[DONE]'),
];

const RICH_PARTS: ProviderStreamPart[] = [
  { type: 'response-metadata', model: 'gpt-test', requestId: 'req_rich', responseId: 'chatcmpl-test' },
  { type: 'text-delta', text: 'Héllo ' },
  { type: 'text-delta', text: 'wörld' },
  { type: 'refusal-delta', text: 'No.' },
  { type: 'tool-call-delta', index: 0, id: 'call_a', name: 'get_weather', argsTextDelta: '' },
  { type: 'tool-call-delta', index: 1, id: 'call_b', name: 'get_time', argsTextDelta: '{"zo' },
  { type: 'tool-call-delta', index: 0, id: 'call_a', name: 'get_weather', argsTextDelta: '{"city":' },
  { type: 'tool-call-delta', index: 1, id: 'call_b', name: 'get_time', argsTextDelta: 'ne":"CET"}' },
  { type: 'tool-call-delta', index: 0, id: 'call_a', name: 'get_weather', argsTextDelta: '"Paris"}' },
  // Reported as soon as the usage chunk arrives, before [DONE]: billed even if the stream then breaks.
  { type: 'usage', usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cachedInputTokens: 4, reasoningTokens: 2 } },
  { type: 'tool-call', toolCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } } },
  { type: 'tool-call', toolCall: { id: 'call_b', name: 'get_time', args: { zone: 'CET' } } },
  {
    type: 'finish',
    finishReason: 'tool-calls',
    rawFinishReason: 'tool_calls',
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cachedInputTokens: 4, reasoningTokens: 2 },
  },
];

const RICH_HEADERS = { 'content-type': 'text/event-stream', 'x-request-id': 'req_rich' };

describe('OpenAI stream decoding', () => {
  it('yields metadata, choice-0 deltas, tool calls assembled by index, then one finish with usage', async () => {
    const parts = await collectParts(await streamFrom([{ headers: RICH_HEADERS, chunks: RICH_STREAM }]));
    expect(parts).toEqual(RICH_PARTS);
  });

  it('decodes CRLF line endings the same way', async () => {
    const crlf = RICH_STREAM.map((event) => event.replaceAll('\n', '\r\n'));
    expect(await collectParts(await streamFrom([{ headers: RICH_HEADERS, chunks: crlf }]))).toEqual(RICH_PARTS);
  });

  it('decodes events split across network reads, one byte at a time, inside multi-byte characters', async () => {
    const bytes = Buffer.from(RICH_STREAM.join(''), 'utf8');
    const pieces = Array.from({ length: bytes.length }, (_, index) => bytes.subarray(index, index + 1));
    expect(await collectParts(await streamFrom([{ headers: RICH_HEADERS, chunks: pieces }]))).toEqual(RICH_PARTS);
  });

  it('joins multi-line data fields before parsing', async () => {
    const multiLine = `data: {"id":"chatcmpl-test","model":"gpt-test",\ndata: "choices":[{"index":0,"delta":{"content":"two lines"},"finish_reason":"stop"}]}\n\n`;
    const parts = await collectParts(await streamFrom([{ chunks: [multiLine, sseData('[DONE]')] }]));
    expect(parts).toEqual([
      { type: 'response-metadata', model: 'gpt-test', responseId: 'chatcmpl-test' },
      { type: 'text-delta', text: 'two lines' },
      { type: 'finish', finishReason: 'stop', rawFinishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } },
    ]);
  });

  it('throws InvalidResponseError and yields no finish when the body ends without [DONE]', async () => {
    const stream = await streamFrom([{ chunks: [sseData(chunk({ content: 'cut' }, 'stop')), sseData(USAGE_CHUNK)] }]);
    const parts: ProviderStreamPart[] = [];
    const error = await (async () => {
      for await (const part of stream) parts.push(part);
    })().catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).message).toContain('without data: [DONE]');
    expect((error as InvalidResponseError).hasEmittedOutput).toBe(true);
    // The usage that arrived before the cut is reported (it was billed); no finish ever is.
    expect(parts.map((part) => part.type)).toEqual(['response-metadata', 'text-delta', 'usage']);
  });

  it('accepts EOF after a finish reason when requireDone is false, but not EOF before one', async () => {
    const accepted = await collectParts(
      await streamFrom([{ chunks: [sseData(chunk({ content: 'ok' })), sseData(chunk({}, 'stop'))] }], 'lenient'),
    );
    expect(accepted.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    });
    await server?.close();
    await transport?.close();
    const cut = await streamFrom([{ chunks: [sseData(chunk({ content: 'ok' }))] }], 'lenient');
    await expect(collectParts(cut)).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('maps an in-band error before any output to a typed error with hasEmittedOutput false', async () => {
    const stream = await streamFrom([
      {
        headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req_inband' },
        chunks: [
          sseData(chunk({ role: 'assistant', content: '' })),
          sseData({ error: { message: 'The server had an error processing your request.', type: 'server_error', param: null, code: null } }),
          sseData('[DONE]'),
        ],
      },
    ]);
    const error = await collectParts(stream).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({
      code: 'RLLM_SERVER_ERROR',
      isRetryable: true,
      hasEmittedOutput: false,
      providerCode: 'server_error',
      requestId: 'req_inband',
      status: 500,
    });
  });

  it('maps an in-band error after text to a typed error with hasEmittedOutput true', async () => {
    const stream = await streamFrom([
      {
        chunks: [
          sseData(chunk({ content: 'partial' })),
          sseData({ error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }),
        ],
      },
    ]);
    const error = await collectParts(stream).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ hasEmittedOutput: true, status: 429, providerCode: 'rate_limit_exceeded' });
  });

  it('uses a numeric in-band error code as the status', async () => {
    const stream = await streamFrom([{ chunks: [sseData({ error: { message: 'Overloaded', code: 503 } })] }]);
    const error = await collectParts(stream).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ status: 503, hasEmittedOutput: false });
  });

  it('maps a bare JSON error line (no data: prefix) to a typed error', async () => {
    const stream = await streamFrom([
      { chunks: [sseData(chunk({ content: 'x' })), '{"error":{"message":"boom","type":"server_error","code":null}}\n\n'] },
    ]);
    await expect(collectParts(stream)).rejects.toMatchObject({ code: 'RLLM_SERVER_ERROR', hasEmittedOutput: true });
  });

  it('maps a named error event (event: error) to a typed error', async () => {
    const stream = await streamFrom([
      { chunks: ['event: error\ndata: {"message":"Service unavailable","type":"overloaded_error","code":null}\n\n'] },
    ]);
    await expect(collectParts(stream)).rejects.toMatchObject({ code: 'RLLM_OVERLOADED', providerCode: 'overloaded_error', hasEmittedOutput: false });
  });

  it('throws InvalidResponseError for a malformed chunk, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const stream = await streamFrom([
        { chunks: [sseData(chunk({ content: 'a' })), 'data: {"id":"chatcmpl-test","choices":[{"ind\n\n', sseData('[DONE]')] },
      ]);
      const error = await collectParts(stream).catch((rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(error).toMatchObject({ code: 'RLLM_INVALID_RESPONSE', hasEmittedOutput: true });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('yields a call cut by max_tokens as tool-call-incomplete, never as tool-call', async () => {
    const parts = await collectParts(
      await streamFrom([
        {
          chunks: [
            sseData(chunk({ tool_calls: [{ index: 0, id: 'call_done', function: { name: 'a', arguments: '{}' } }] })),
            sseData(chunk({ tool_calls: [{ index: 1, id: 'call_cut', function: { name: 'b', arguments: '{"text":"abc' } }] })),
            sseData(chunk({}, 'length')),
            sseData('[DONE]'),
          ],
        },
      ]),
    );
    expect(parts.filter((part) => part.type === 'tool-call' || part.type === 'tool-call-incomplete')).toEqual([
      { type: 'tool-call', toolCall: { id: 'call_done', name: 'a', args: {} } },
      { type: 'tool-call-incomplete', toolCall: { id: 'call_cut', name: 'b', argsText: '{"text":"abc' } },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'length' });
  });

  it('keeps a complete call with invalid JSON arguments as a tool call with argsText for repair', async () => {
    const parts = await collectParts(
      await streamFrom([
        {
          chunks: [
            sseData(chunk({ tool_calls: [{ index: 0, id: 'call_bad', function: { name: 'f', arguments: "{city: 'Paris'}" } }] })),
            sseData(chunk({}, 'tool_calls')),
            sseData('[DONE]'),
          ],
        },
      ]),
    );
    expect(parts.find((part) => part.type === 'tool-call')).toEqual({
      type: 'tool-call',
      toolCall: { id: 'call_bad', name: 'f', args: {}, argsText: "{city: 'Paris'}" },
    });
  });

  it('reads reasoning_content deltas of compatible servers as reasoning', async () => {
    const parts = await collectParts(
      await streamFrom([{ chunks: [sseData(chunk({ reasoning_content: 'think' })), sseData(chunk({ content: 'answer' }, 'stop')), sseData('[DONE]')] }]),
    );
    expect(parts.slice(1, 3)).toEqual([
      { type: 'reasoning-delta', text: 'think' },
      { type: 'text-delta', text: 'answer' },
    ]);
  });
});

describe('OpenAI stream cancellation', () => {
  const slowStream = (): ScriptedReply => ({
    chunks: Array.from({ length: 200 }, (_, index) => sseData(chunk({ content: `t${index} ` }))),
    chunkDelayMs: 20,
  });

  it('closes the socket when the consumer breaks out of for-await', async () => {
    const stream = await streamFrom([slowStream()]);
    const seen: string[] = [];
    for await (const part of stream) {
      if (part.type === 'text-delta') seen.push(part.text);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['t0 ', 't1 ']);
    await vi.waitFor(() => expect(server!.closedEarly()).toBe(1), { timeout: 5_000, interval: 10 });
  });

  it('closes the socket and rejects with the reason when the signal is aborted mid-stream', async () => {
    const controller = new AbortController();
    const stream = await streamFrom([slowStream()], 'openai', controller.signal);
    const reason = new Error('caller gave up');
    const error = await (async () => {
      for await (const part of stream) {
        if (part.type === 'text-delta') controller.abort(reason);
      }
    })().catch((rejection: unknown) => rejection);
    expect(error).toBe(reason);
    await vi.waitFor(() => expect(server!.closedEarly()).toBe(1), { timeout: 5_000, interval: 10 });
  });
});

describe('OpenAI stream batches (the client path)', () => {
  async function collectBatches(stream: AsyncIterable<ProviderStreamPart>): Promise<(readonly ProviderStreamPart[])[]> {
    if (!isBatchedPartStream(stream)) throw new Error('expected a batched stream');
    const batches: (readonly ProviderStreamPart[])[] = [];
    for await (const batch of stream[partBatches]()) batches.push(batch);
    return batches;
  }

  it('yields the same parts as the part-by-part stream, in non-empty batches', async () => {
    const events = [sseData(chunk({ content: 'a' })), sseData(chunk({ content: 'b' })), sseData(chunk({}, 'stop')), 'data: [DONE]\n\n'];
    const parts = await collectParts(await streamFrom([{ chunks: events }]));
    await transport?.close();
    await server?.close();
    const batches = await collectBatches(await streamFrom([{ chunks: [events.slice(0, 2).join(''), events.slice(2).join('')] }]));
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
    expect(batches.flat()).toEqual(parts);
  });

  it('hands over the parts read before an in-band error of the same read, then throws it', async () => {
    const stream = await streamFrom([
      { chunks: [sseData(chunk({ content: 'partial' })) + sseData({ error: { message: 'Overloaded', code: 503 } })] },
    ]);
    if (!isBatchedPartStream(stream)) throw new Error('expected a batched stream');
    const seen: ProviderStreamPart[] = [];
    const error = await (async () => {
      for await (const batch of stream[partBatches]()) seen.push(...batch);
    })().catch((rejection: unknown) => rejection);
    expect(seen.map((part) => part.type)).toEqual(['response-metadata', 'text-delta']);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ hasEmittedOutput: true });
  });

  it('closes the socket when the reader of batches stops early', async () => {
    const stream = await streamFrom([
      { chunks: Array.from({ length: 200 }, (_, index) => sseData(chunk({ content: `t${index} ` }))), chunkDelayMs: 20 },
    ]);
    if (!isBatchedPartStream(stream)) throw new Error('expected a batched stream');
    for await (const batch of stream[partBatches]()) if (batch.some((part) => part.type === 'text-delta')) break;
    await vi.waitFor(() => expect(server!.closedEarly()).toBe(1), { timeout: 5_000, interval: 10 });
  });
});
