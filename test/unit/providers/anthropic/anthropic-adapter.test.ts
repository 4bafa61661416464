import { afterEach, describe, expect, it } from 'vitest';
import type { AssistantMessage, ReasoningPart, ToolCall } from '../../../../src/client/types.js';
import {
  AuthenticationError,
  BadRequestError,
  ContextWindowExceededError,
  InvalidArgumentError,
  InvalidResponseError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from '../../../../src/errors/errors.js';
import type { ResilientLLMError } from '../../../../src/errors/resilient-llm-error.js';
import { anthropic } from '../../../../src/providers/anthropic/anthropic-adapter.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
import { startReplayServer, type ReplayServer, type ScriptedReply } from '../../../helpers/replay-server.js';
import {
  blockDelta,
  blockStart,
  blockStop,
  callContext,
  collectParts,
  MESSAGE_STOP,
  messageDelta,
  messageStart,
  summarizeParts,
  TEST_API_KEY,
  textStream,
} from './anthropic-test-helpers.js';

let server: ReplayServer | undefined;
let transport: UndiciTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

async function setup(replies: readonly ScriptedReply[]) {
  server = await startReplayServer(replies);
  transport = new UndiciTransport();
  const adapter = anthropic({ apiKey: TEST_API_KEY, baseURL: `${server.url}/v1`, headers: { 'anthropic-beta': 'test-beta' } });
  return { server, adapter, context: callContext(transport) };
}

function jsonReply(body: unknown, status = 200, headers: Record<string, string> = {}): ScriptedReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, chunks: [JSON.stringify(body)] };
}

const TEXT_MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-test-20250101',
  content: [{ type: 'text', text: 'Hello!' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 12, cache_creation_input_tokens: 3, cache_read_input_tokens: 5, output_tokens: 29 },
};

describe('anthropic adapter: requests', () => {
  it('posts the mapped body with key, version and accept headers to /v1/messages', async () => {
    const { server, adapter, context } = await setup([jsonReply(TEXT_MESSAGE)]);
    await adapter.doGenerate(
      {
        model: 'claude-test',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        temperature: 0.5,
      },
      context,
    );
    const [recorded] = server.requests;
    expect(recorded?.method).toBe('POST');
    expect(recorded?.url).toBe('/v1/messages');
    expect(recorded?.headers['x-api-key']).toBe(TEST_API_KEY);
    expect(recorded?.headers['anthropic-version']).toBe('2023-06-01');
    expect(recorded?.headers['anthropic-beta']).toBe('test-beta');
    expect(recorded?.headers['content-type']).toBe('application/json');
    expect(recorded?.headers['accept']).toBe('application/json');
    expect(JSON.parse(recorded?.body ?? '')).toEqual({
      model: 'claude-test',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.5,
      stream: false,
    });
  });

  it('asks for an event stream, sends stream: true and adds per-call headers', async () => {
    server = await startReplayServer([{ chunks: textStream('Hi') }]);
    transport = new UndiciTransport();
    const adapter = anthropic({ apiKey: TEST_API_KEY, baseURL: `${server.url}/v1/`, version: '2099-01-01', defaultMaxTokens: 123 });
    await collectParts(
      await adapter.doStream(
        { model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] },
        callContext(transport, undefined, { 'x-trace': 'abc' }),
      ),
    );
    const [recorded] = server.requests;
    expect(recorded?.url).toBe('/v1/messages');
    expect(recorded?.headers['accept']).toBe('text/event-stream');
    expect(recorded?.headers['anthropic-version']).toBe('2099-01-01');
    expect(recorded?.headers['x-trace']).toBe('abc');
    expect(JSON.parse(recorded?.body ?? '')).toMatchObject({ stream: true, max_tokens: 123 });
  });

  it('describes itself as an anthropic adapter that supports prefill but not embeddings', () => {
    const adapter = anthropic({ apiKey: TEST_API_KEY });
    expect(adapter.kind).toBe('anthropic');
    expect(adapter.origins).toEqual(['https://api.anthropic.com']);
    expect(adapter.capabilities).toEqual({ tools: true, images: true, jsonOutput: true, prefill: true, embeddings: false });
    expect(adapter.embed).toBeUndefined();
  });

  it('rejects missing or invalid options eagerly', () => {
    const saved = process.env['ANTHROPIC_API_KEY'];
    delete process.env['ANTHROPIC_API_KEY'];
    try {
      expect(() => anthropic({})).toThrow(InvalidArgumentError);
      expect(() => anthropic({ apiKey: TEST_API_KEY, defaultMaxTokens: 0 })).toThrow(/defaultMaxTokens/);
      expect(() => anthropic({ apiKey: TEST_API_KEY, baseURL: 'api.anthropic.com' })).toThrow(/baseURL/);
    } finally {
      if (saved !== undefined) process.env['ANTHROPIC_API_KEY'] = saved;
    }
  });
});

describe('anthropic adapter: doGenerate', () => {
  it('maps text, usage with cache buckets, model, response id and request id', async () => {
    const { adapter, context } = await setup([jsonReply(TEXT_MESSAGE, 200, { 'request-id': 'req_abc' })]);
    const result = await adapter.doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context);
    expect(result).toEqual({
      text: 'Hello!',
      reasoning: [],
      toolCalls: [],
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      usage: { inputTokens: 20, cachedInputTokens: 5, cacheWriteInputTokens: 3, outputTokens: 29, totalTokens: 49 },
      model: 'claude-test-20250101',
      requestId: 'req_abc',
      responseId: 'msg_1',
    });
  });

  it('maps thinking, redacted thinking and tool_use blocks, skipping unknown block types', async () => {
    const { adapter, context } = await setup([
      jsonReply({
        ...TEXT_MESSAGE,
        content: [
          { type: 'thinking', thinking: 'Hmm.', signature: 'sig-1' },
          { type: 'redacted_thinking', data: 'REDACTED' },
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
        stop_reason: 'tool_use',
      }),
    ]);
    const result = await adapter.doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context);
    expect(result.text).toBe('Let me look.');
    expect(result.reasoning).toEqual([
      { type: 'reasoning', text: 'Hmm.', signature: 'sig-1', provider: 'anthropic' },
      { type: 'reasoning', text: '', redactedData: 'REDACTED', provider: 'anthropic' },
    ]);
    expect(result.toolCalls).toEqual([{ id: 'toolu_1', name: 'get_weather', args: { city: 'Paris' } }]);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('reports a trailing tool_use cut by max_tokens as incomplete, never as a call', async () => {
    const { adapter, context } = await setup([
      jsonReply({
        ...TEXT_MESSAGE,
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'a', input: { done: true } },
          { type: 'tool_use', id: 'toolu_2', name: 'b', input: {} },
        ],
        stop_reason: 'max_tokens',
      }),
    ]);
    const result = await adapter.doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context);
    expect(result.finishReason).toBe('length');
    expect(result.toolCalls).toEqual([{ id: 'toolu_1', name: 'a', args: { done: true } }]);
    expect(result.incompleteToolCalls).toEqual([{ id: 'toolu_2', name: 'b', argsText: '{}' }]);
  });

  it.each([
    ['refusal', 'content-filter'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['model_context_window_exceeded', 'length'],
    ['something_new', 'other'],
  ])('maps stop_reason %s to %s', async (stopReason, finishReason) => {
    const { adapter, context } = await setup([jsonReply({ ...TEXT_MESSAGE, stop_reason: stopReason })]);
    const result = await adapter.doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context);
    expect(result.finishReason).toBe(finishReason);
    expect(result.rawFinishReason).toBe(stopReason);
  });

  it('rejects a 200 body that is not JSON with InvalidResponseError', async () => {
    const { adapter, context } = await setup([{ status: 200, headers: { 'content-type': 'application/json' }, chunks: ['<html>oops'] }]);
    await expect(adapter.doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context)).rejects.toBeInstanceOf(
      InvalidResponseError,
    );
  });
});

describe('anthropic adapter: thinking round trip', () => {
  it('sends thinking and redacted thinking back unchanged, with their signatures, before tool calls', async () => {
    const signature = 'EvMCCkYICxgCKkCHP2cS+/=';
    const { server, adapter, context } = await setup([
      {
        chunks: [
          messageStart(),
          blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
          blockDelta(0, { type: 'thinking_delta', thinking: 'Need the ' }),
          blockDelta(0, { type: 'thinking_delta', thinking: 'weather.' }),
          blockDelta(0, { type: 'thinking_delta', thinking: '' }),
          blockDelta(0, { type: 'signature_delta', signature }),
          blockStop(0),
          blockStart(1, { type: 'redacted_thinking', data: 'REDACTED-BLOB' }),
          blockStop(1),
          blockStart(2, { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: {} }),
          blockDelta(2, { type: 'input_json_delta', partial_json: '{"city":"Paris"}' }),
          blockStop(2),
          messageDelta('tool_use'),
          MESSAGE_STOP,
        ],
      },
      jsonReply(TEXT_MESSAGE),
    ]);
    const thinking = { anthropic: { thinking: { type: 'enabled', budget_tokens: 1024 } } };
    const parts = await collectParts(
      await adapter.doStream({ model: 'claude-test', messages: [{ role: 'user', content: 'Weather?' }], providerOptions: thinking }, context),
    );
    const summary = summarizeParts(parts);
    const reasoning: ReasoningPart[] = summary.reasoning;
    const toolCalls: ToolCall[] = summary.toolCalls;
    const assistant: AssistantMessage = { role: 'assistant', content: summary.text, toolCalls, reasoning };
    await adapter.doGenerate(
      {
        model: 'claude-test',
        messages: [{ role: 'user', content: 'Weather?' }, assistant, { role: 'tool', toolCallId: 'toolu_9', content: 'Sunny' }],
        providerOptions: thinking,
      },
      context,
    );
    const sent = JSON.parse(server.requests[1]?.body ?? '');
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(sent.messages).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need the weather.', signature },
          { type: 'redacted_thinking', data: 'REDACTED-BLOB' },
          { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'Sunny' }] },
    ]);
  });
});

function envelope(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: 'req_err_1' };
}

describe('anthropic adapter: errors', () => {
  it.each([
    [400, 'invalid_request_error', 'max_tokens: must be positive', BadRequestError, 'RLLM_BAD_REQUEST', false],
    [400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum', ContextWindowExceededError, 'RLLM_CONTEXT_WINDOW_EXCEEDED', false],
    [401, 'authentication_error', `invalid x-api-key ${TEST_API_KEY}`, AuthenticationError, 'RLLM_AUTHENTICATION', false],
    [403, 'permission_error', 'Your API key does not have permission', PermissionDeniedError, 'RLLM_PERMISSION_DENIED', false],
    [404, 'not_found_error', 'model: claude-nope', NotFoundError, 'RLLM_NOT_FOUND', false],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes', BadRequestError, 'RLLM_BAD_REQUEST', false],
    [429, 'rate_limit_error', 'Number of request tokens has exceeded your rate limit', RateLimitError, 'RLLM_RATE_LIMITED', true],
    [500, 'api_error', 'Internal server error', ServerError, 'RLLM_SERVER_ERROR', true],
    [529, 'overloaded_error', 'Overloaded', OverloadedError, 'RLLM_OVERLOADED', true],
  ] as const)('maps HTTP %i %s to a typed error', async (status, type, message, errorClass, code, isRetryable) => {
    const { adapter, context } = await setup([jsonReply(envelope(type, message), status, { 'request-id': 'req_header' })]);
    const error = (await adapter
      .doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context)
      .catch((caught: unknown) => caught)) as ResilientLLMError;
    expect(error).toBeInstanceOf(errorClass);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.providerCode).toBe(type);
    expect(error.requestId).toBe('req_err_1');
    expect(error.provider).toBe('anthropic');
    expect(error.model).toBe('claude-test');
    expect(error.isRetryable).toBe(isRetryable);
    expect(error.message).toContain(`(HTTP ${status})`);
    expect(error.message).not.toContain(TEST_API_KEY);
    expect(JSON.stringify(error.toJSON())).not.toContain(TEST_API_KEY);
  });

  it('rejects doStream with the typed error before any part when the status is not 2xx', async () => {
    const { adapter, context } = await setup([jsonReply(envelope('overloaded_error', 'Overloaded'), 529)]);
    const error = await adapter.doStream({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as OverloadedError).status).toBe(529);
  });

  it('reads retry-after on a 429', async () => {
    const { adapter, context } = await setup([jsonReply(envelope('rate_limit_error', 'slow down'), 429, { 'retry-after': '7' })]);
    const error = (await adapter
      .doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context)
      .catch((caught: unknown) => caught)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(7000);
  });

  it('waits for the exhausted bucket’s reset on a 429 without retry-after', async () => {
    const now = Date.now();
    const { adapter, context } = await setup([
      jsonReply(envelope('rate_limit_error', 'slow down'), 429, {
        'anthropic-ratelimit-requests-remaining': '10',
        'anthropic-ratelimit-requests-reset': new Date(now + 2_000).toISOString(),
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': new Date(now + 30_000).toISOString(),
      }),
    ]);
    const error = (await adapter
      .doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context)
      .catch((caught: unknown) => caught)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBeGreaterThan(20_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('maps a non-JSON error body by status alone', async () => {
    const { adapter, context } = await setup([{ status: 502, headers: { 'content-type': 'text/html' }, chunks: ['<html>Bad gateway</html>'] }]);
    const error = (await adapter
      .doGenerate({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context)
      .catch((caught: unknown) => caught)) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.status).toBe(502);
    expect(error.providerCode).toBeUndefined();
  });
});
