import { afterEach, describe, expect, it } from 'vitest';
import { InvalidResponseError, ServerError } from '../../../../src/errors/errors.js';
import { openai, openaiCompatible } from '../../../../src/providers/openai/openai-adapter.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
import { readFixture } from '../../../helpers/fixtures.js';
import { startReplayServer, type ReplayServer } from '../../../helpers/replay-server.js';
import { callContext } from './call-context.js';

let server: ReplayServer | undefined;
let transport: UndiciTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

const REQUEST = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Hi' }] };

async function generateFrom(body: string, headers: Record<string, string> = {}, compatible = false) {
  server = await startReplayServer([{ headers: { 'content-type': 'application/json', ...headers }, chunks: [body] }]);
  transport = new UndiciTransport();
  const adapter = compatible
    ? openaiCompatible({ baseURL: `${server.url}/v1` })
    : openai({ apiKey: 'sk-test-generate-key', baseURL: `${server.url}/v1` });
  return adapter.doGenerate(REQUEST, callContext(transport));
}

function completion(message: Record<string, unknown>, finishReason: string, usage?: Record<string, unknown>): string {
  return JSON.stringify({ id: 'chatcmpl-x', model: 'gpt-4o-2024', choices: [{ index: 0, message, finish_reason: finishReason }], usage });
}

describe('OpenAI doGenerate', () => {
  it('parses the recorded two-parallel-tool-calls response', async () => {
    const result = await generateFrom(readFixture('openai/openai-python__nonstream-two-parallel-tool-calls.json'), {
      'x-request-id': 'req_fixture',
    });
    expect(result).toEqual({
      text: '',
      reasoning: [],
      toolCalls: [
        { id: 'call_fdNz3vOBKYgOIpMdWotB9MjY', name: 'GetWeatherArgs', args: { city: 'Edinburgh', country: 'GB', units: 'c' } },
        { id: 'call_h1DWI1POMJLb0KwIyQHWXD4p', name: 'get_stock_price', args: { ticker: 'AAPL', exchange: 'NASDAQ' } },
      ],
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_calls',
      usage: { inputTokens: 149, outputTokens: 60, totalTokens: 209, reasoningTokens: 0 },
      model: 'gpt-4o-2024-08-06',
      requestId: 'req_fixture',
      responseId: 'chatcmpl-ABfvyvfNWKcl7Ohqos4UFrmMs1v4C',
    });
  });

  it('reads text, refusal, cached and reasoning tokens', async () => {
    const result = await generateFrom(
      completion({ role: 'assistant', content: 'Hello', refusal: 'partly refused' }, 'content_filter', {
        prompt_tokens: 100,
        completion_tokens: 40,
        total_tokens: 140,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 30 },
      }),
    );
    expect(result).toMatchObject({
      text: 'Hello',
      refusal: 'partly refused',
      finishReason: 'content-filter',
      usage: { inputTokens: 100, outputTokens: 40, totalTokens: 140, cachedInputTokens: 64, reasoningTokens: 30 },
    });
  });

  it('keeps a call with invalid JSON arguments as args {} plus argsText', async () => {
    const result = await generateFrom(
      completion(
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a": 1,}' } }] },
        'tool_calls',
      ),
    );
    expect(result.toolCalls).toEqual([{ id: 'call_1', name: 'f', args: {}, argsText: '{"a": 1,}' }]);
    expect(result.incompleteToolCalls).toBeUndefined();
  });

  it('reports a call cut by max_tokens as incomplete', async () => {
    const result = await generateFrom(
      completion(
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a": "lo' } }] },
        'length',
      ),
    );
    expect(result.toolCalls).toEqual([]);
    expect(result.incompleteToolCalls).toEqual([{ id: 'call_1', name: 'f', argsText: '{"a": "lo' }]);
    expect(result.finishReason).toBe('length');
  });

  it('maps every finish reason', async () => {
    const expected: Record<string, string> = {
      stop: 'stop',
      length: 'length',
      tool_calls: 'tool-calls',
      function_call: 'tool-calls',
      content_filter: 'content-filter',
      something_new: 'other',
    };
    server = await startReplayServer((_request, index) => ({
      headers: { 'content-type': 'application/json' },
      chunks: [completion({ role: 'assistant', content: 'x' }, Object.keys(expected)[index]!)],
    }));
    transport = new UndiciTransport();
    const adapter = openai({ apiKey: 'sk-test-generate-key', baseURL: `${server.url}/v1` });
    for (const [raw, mapped] of Object.entries(expected)) {
      const result = await adapter.doGenerate(REQUEST, callContext(transport));
      expect([result.rawFinishReason, result.finishReason]).toEqual([raw, mapped]);
    }
  });

  it('reads reasoning_content and array content from compatible servers', async () => {
    const result = await generateFrom(
      completion({ role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], reasoning_content: 'why' }, 'stop'),
      {},
      true,
    );
    expect(result.text).toBe('ab');
    expect(result.reasoning).toEqual([{ type: 'reasoning', text: 'why' }]);
  });

  it('throws the typed error for an error envelope sent with HTTP 200', async () => {
    const error = await generateFrom(JSON.stringify({ error: { message: 'upstream failed', type: 'server_error', code: null } })).catch(
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ hasEmittedOutput: false, providerCode: 'server_error' });
  });

  it('throws InvalidResponseError for a body that is not JSON or has no choices', async () => {
    await expect(generateFrom('<html>oops</html>')).rejects.toBeInstanceOf(InvalidResponseError);
    await transport?.close();
    await server?.close();
    await expect(generateFrom(JSON.stringify({ id: 'x', choices: [] }))).rejects.toThrow(/no choices\[0\]\.message/);
  });
});
