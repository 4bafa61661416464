import { afterEach, describe, expect, it } from 'vitest';
import type { AssistantMessage, GenerateResult, ProviderRequest } from '../../../../src/client/types.js';
import {
  AuthenticationError,
  BadRequestError,
  ContentFilterError,
  InvalidArgumentError,
  InvalidResponseError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from '../../../../src/errors/errors.js';
import { ResilientLLMError } from '../../../../src/errors/resilient-llm-error.js';
import { gemini } from '../../../../src/providers/gemini/gemini-adapter.js';
import { fetchTransport } from '../../../../src/transport/fetch-transport.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
import { startMswReplay } from '../../../helpers/msw-replay.js';
import { startReplayServer, type ReplayServer, type ScriptedReply } from '../../../helpers/replay-server.js';
import { callContext, sequentialIds, TEST_API_KEY, textResponse } from './gemini-test-kit.js';

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): ScriptedReply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  chunks: [JSON.stringify(body)],
});

let server: ReplayServer | undefined;
let transport: UndiciTransport | undefined;
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  await transport?.close();
  await server?.close();
  server = undefined;
  transport = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(replies: ScriptedReply[], options: { generateId?: () => string; headers?: Record<string, string> } = {}) {
  server = await startReplayServer(replies);
  transport = new UndiciTransport();
  const adapter = gemini({ apiKey: TEST_API_KEY, baseURL: `${server.url}/v1beta`, ...options });
  return { adapter, server, context: callContext(transport) };
}

const request: ProviderRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] };

/** The assistant turn a client would append from a result (what `ChatResponse.message` holds). */
function assistantMessage(result: GenerateResult): AssistantMessage {
  return { role: 'assistant', content: result.text, toolCalls: result.toolCalls, reasoning: result.reasoning };
}

describe('gemini()', () => {
  it('validates options eagerly', () => {
    expect(() => gemini({ apiKey: '' })).toThrow(InvalidArgumentError);
    expect(() => gemini({ apiKey: TEST_API_KEY, baseURL: 'ftp://x' })).toThrow(/baseURL/);
  });

  it('describes itself as a gemini adapter with its capabilities', () => {
    const adapter = gemini({ apiKey: TEST_API_KEY });
    expect(adapter.kind).toBe('gemini');
    expect(adapter.specificationVersion).toBe('v1');
    expect(adapter.capabilities).toEqual({ tools: true, images: true, jsonOutput: true, prefill: false, embeddings: true });
    expect(adapter.origins).toEqual(['https://generativelanguage.googleapis.com']);
  });
});

describe('gemini doGenerate', () => {
  it('posts to models/{model}:generateContent with the key in x-goog-api-key, never in the URL', async () => {
    const { adapter, server, context } = await setup([json(textResponse('Hello'))], { headers: { 'x-team': 'blue' } });
    await adapter.doGenerate(request, { ...context, headers: { 'x-trace': 't1' } });
    const recorded = server.requests[0]!;
    expect(recorded.method).toBe('POST');
    expect(recorded.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(recorded.url).not.toContain(TEST_API_KEY);
    expect(recorded.url).not.toContain('key=');
    expect(recorded.headers['x-goog-api-key']).toBe(TEST_API_KEY);
    expect(recorded.headers['content-type']).toBe('application/json');
    expect(recorded.headers['x-team']).toBe('blue');
    expect(recorded.headers['x-trace']).toBe('t1');
    expect(JSON.parse(recorded.body)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('keeps a model path that already names its collection', async () => {
    const { adapter, server, context } = await setup([json(textResponse('x'))]);
    await adapter.doGenerate({ ...request, model: 'tunedModels/my-model' }, context);
    expect(server.requests[0]!.url).toBe('/v1beta/tunedModels/my-model:generateContent');
  });

  it('maps text, thoughts with their signature, usage, model and response id', async () => {
    const { adapter, context } = await setup([
      json({
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'Considering. ', thought: true },
                { text: 'Done.', thought: true },
                { text: 'The answer', thoughtSignature: 'c2lnLTE=' },
                { text: ' is 4.' },
              ],
            },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: {
          promptTokenCount: 10,
          toolUsePromptTokenCount: 2,
          cachedContentTokenCount: 4,
          candidatesTokenCount: 5,
          thoughtsTokenCount: 7,
          totalTokenCount: 24,
        },
        modelVersion: 'gemini-2.5-pro',
        responseId: 'abc',
      }),
    ]);
    const result = await adapter.doGenerate(request, context);
    expect(result).toEqual({
      text: 'The answer is 4.',
      reasoning: [{ type: 'reasoning', text: 'Considering. Done.', signature: 'c2lnLTE=', provider: 'gemini' }],
      toolCalls: [],
      finishReason: 'stop',
      rawFinishReason: 'STOP',
      usage: { inputTokens: 12, outputTokens: 12, totalTokens: 24, cachedInputTokens: 4, reasoningTokens: 7 },
      model: 'gemini-2.5-pro',
      responseId: 'abc',
    });
  });

  it('reports STOP with function calls as tool-calls, with a unique id per part even for identical calls', async () => {
    const call = { functionCall: { name: 'get_weather', args: { city: 'Paris' } } };
    const { adapter, context } = await setup(
      [
        json({
          candidates: [{ content: { role: 'model', parts: [{ ...call, thoughtSignature: 'sig' }, call, { functionCall: { name: 'x', args: {}, id: 'given' } }] }, finishReason: 'STOP' }],
        }),
      ],
      { generateId: sequentialIds('gen') },
    );
    const result = await adapter.doGenerate(request, context);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toEqual([
      { id: 'gen-1', name: 'get_weather', args: { city: 'Paris' }, providerMetadata: { thoughtSignature: 'sig' } },
      { id: 'gen-2', name: 'get_weather', args: { city: 'Paris' } },
      { id: 'given', name: 'x', args: {} },
    ]);
    expect(result.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
  });

  it('generates unique ids with the default generator', async () => {
    const call = { functionCall: { name: 'f', args: {} } };
    const { adapter, context } = await setup([json({ candidates: [{ content: { parts: [call, call] }, finishReason: 'STOP' }] })]);
    const result = await adapter.doGenerate(request, context);
    const ids = result.toolCalls.map((toolCall) => toolCall.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => id.length > 8)).toBe(true);
  });

  it('sends a tool round trip back with ids, signatures and wrapped results', async () => {
    const { adapter, server, context } = await setup(
      [
        json({
          candidates: [
            {
              content: { role: 'model', parts: [{ functionCall: { name: 'get_capital', args: { country: 'France' } }, thoughtSignature: 'U0lH' }] },
              finishReason: 'STOP',
            },
          ],
          modelVersion: 'gemini-3-pro-preview',
        }),
        json(textResponse('Paris it is.')),
      ],
      { generateId: sequentialIds('call') },
    );
    const tools = [{ name: 'get_capital', description: 'Capital', parameters: { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] } }];
    const first: ProviderRequest = { model: 'gemini-3-pro-preview', messages: [{ role: 'user', content: 'Capital of France?' }], tools };
    const result = await adapter.doGenerate(first, context);
    const second: ProviderRequest = {
      ...first,
      messages: [...first.messages, assistantMessage(result), { role: 'tool', toolCallId: result.toolCalls[0]!.id, content: 'Paris' }],
    };
    await adapter.doGenerate(second, context);
    expect(JSON.parse(server.requests[1]!.body)).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Capital of France?' }] },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'get_capital', args: { country: 'France' }, id: 'call-1' }, thoughtSignature: 'U0lH' }],
        },
        { role: 'user', parts: [{ functionResponse: { name: 'get_capital', id: 'call-1', response: { return_value: 'Paris' } } }] },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: 'get_capital', description: 'Capital', parameters: { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] } },
          ],
        },
      ],
    });
  });

  it('throws ContentFilterError for a blocked prompt (200 with no candidates)', async () => {
    const { adapter, context } = await setup([json({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 3 } })]);
    const error = await adapter.doGenerate(request, context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ providerCode: 'PROHIBITED_CONTENT', provider: 'gemini', model: 'gemini-2.5-flash', isRetryable: false });
  });

  it('throws ContentFilterError for empty candidates with only a blockReasonMessage', async () => {
    const { adapter, context } = await setup([json({ candidates: [], promptFeedback: { blockReasonMessage: 'Blocked for safety.' } })]);
    await expect(adapter.doGenerate(request, context)).rejects.toThrow(/Blocked for safety/);
  });

  it('throws InvalidResponseError for a 200 body that is not a response', async () => {
    const { adapter, context } = await setup([{ status: 200, chunks: ['<html>oops'] }]);
    await expect(adapter.doGenerate(request, context)).rejects.toBeInstanceOf(InvalidResponseError);
    const second = await setupAgain([json({ usageMetadata: {} })]);
    await expect(second.adapter.doGenerate(request, second.context)).rejects.toThrow(/no candidates/);
  });

  it('works over fetchTransport with msw', async () => {
    const baseURL = 'https://gemini.test/v1beta';
    const { server: mswServer, requests } = startMswReplay(baseURL, () => ({
      headers: { 'content-type': 'application/json' },
      chunks: [JSON.stringify(textResponse('Via msw'))],
    }));
    cleanups.push(() => mswServer.close());
    const adapter = gemini({ apiKey: TEST_API_KEY, baseURL });
    const result = await adapter.doGenerate(request, callContext(fetchTransport()));
    expect(result.text).toBe('Via msw');
    expect(requests[0]!.url).toBe(`${baseURL}/models/gemini-2.5-flash:generateContent`);
    expect(requests[0]!.headers.get('x-goog-api-key')).toBe(TEST_API_KEY);
  });
});

/** A second server in the same test (the first is closed by afterEach too). */
async function setupAgain(replies: ScriptedReply[]) {
  const second = await startReplayServer(replies);
  const secondTransport = new UndiciTransport();
  cleanups.push(() => secondTransport.close(), () => second.close());
  return { adapter: gemini({ apiKey: TEST_API_KEY, baseURL: `${second.url}/v1beta` }), context: callContext(secondTransport) };
}

describe('gemini errors', () => {
  const envelope = (code: number, status: string, message: string, details: unknown[] = []) => ({ error: { code, message, status, details } });

  const cases: { name: string; reply: ScriptedReply; type: new (...args: never[]) => ResilientLLMError; expected: Record<string, unknown> }[] = [
    {
      name: '400 INVALID_ARGUMENT as BadRequestError',
      reply: json(envelope(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'), 400),
      type: BadRequestError,
      expected: { status: 400, providerCode: 'INVALID_ARGUMENT', isRetryable: false },
    },
    {
      name: '400 API_KEY_INVALID as AuthenticationError',
      reply: json(
        envelope(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
        ]),
        400,
      ),
      type: AuthenticationError,
      expected: { status: 400, code: 'RLLM_AUTHENTICATION', isRetryable: false },
    },
    {
      name: '403 PERMISSION_DENIED as PermissionDeniedError',
      reply: json(envelope(403, 'PERMISSION_DENIED', 'Permission denied.'), 403),
      type: PermissionDeniedError,
      expected: { status: 403, providerCode: 'PERMISSION_DENIED' },
    },
    {
      name: '404 NOT_FOUND as NotFoundError',
      reply: json(envelope(404, 'NOT_FOUND', 'models/nope is not found for API version v1beta'), 404),
      type: NotFoundError,
      expected: { status: 404 },
    },
    {
      name: '429 with RetryInfo as RateLimitError with retryAfterMs',
      reply: json(
        envelope(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'PerMinute' }] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' },
        ]),
        429,
      ),
      type: RateLimitError,
      expected: { status: 429, retryAfterMs: 34_400, isRetryable: true, providerCode: 'RESOURCE_EXHAUSTED' },
    },
    {
      name: '429 without RetryInfo reads the retry-after header',
      reply: json(envelope(429, 'RESOURCE_EXHAUSTED', 'Slow down.'), 429, { 'retry-after': '3' }),
      type: RateLimitError,
      expected: { retryAfterMs: 3000 },
    },
    {
      name: '500 INTERNAL as ServerError',
      reply: json(envelope(500, 'INTERNAL', 'An internal error has occurred.'), 500),
      type: ServerError,
      expected: { status: 500, isRetryable: true },
    },
    {
      name: '503 UNAVAILABLE as OverloadedError',
      reply: json(envelope(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'), 503),
      type: OverloadedError,
      expected: { status: 503, isRetryable: true, providerCode: 'UNAVAILABLE' },
    },
    {
      name: 'an array-wrapped envelope',
      reply: json([envelope(429, 'RESOURCE_EXHAUSTED', 'Quota.')], 429),
      type: RateLimitError,
      expected: { providerCode: 'RESOURCE_EXHAUSTED' },
    },
    {
      name: 'a non-JSON body by status alone',
      reply: { status: 502, headers: { 'content-type': 'text/html' }, chunks: ['<html>Bad Gateway</html>'] },
      type: ServerError,
      expected: { status: 502 },
    },
  ];

  for (const testCase of cases) {
    it(`maps ${testCase.name}`, async () => {
      const { adapter, context } = await setup([testCase.reply]);
      const error = await adapter.doGenerate(request, context).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(testCase.type);
      expect(error).toMatchObject({ provider: 'gemini', model: 'gemini-2.5-flash', ...testCase.expected });
    });
  }

  it('maps errors of a streaming call before the stream starts', async () => {
    const { adapter, server, context } = await setup([json(envelope(503, 'UNAVAILABLE', 'Overloaded.'), 503)]);
    await expect(adapter.doStream(request, context)).rejects.toBeInstanceOf(OverloadedError);
    expect(server.requests[0]!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('never puts the key in an error message or its JSON, even when the server echoes it', async () => {
    const { adapter, context } = await setup([
      json(envelope(400, 'INVALID_ARGUMENT', `API key not valid: ${TEST_API_KEY}`, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }]), 400),
    ]);
    const error = (await adapter.doGenerate(request, context).catch((caught: unknown) => caught)) as ResilientLLMError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).not.toContain(TEST_API_KEY);
    expect(JSON.stringify(error.toJSON())).not.toContain(TEST_API_KEY);
    expect(JSON.stringify(error)).not.toContain(TEST_API_KEY);
  });
});

describe('gemini embed', () => {
  it('embeds one input with embedContent and outputDimensionality', async () => {
    const { adapter, server, context } = await setup([json({ embedding: { values: [0.25, -0.5, 1] } })]);
    const result = await adapter.embed!({ model: 'gemini-embedding-001', input: ['hello'], dimensions: 3 }, context);
    expect(server.requests[0]!.url).toBe('/v1beta/models/gemini-embedding-001:embedContent');
    expect(server.requests[0]!.headers['x-goog-api-key']).toBe(TEST_API_KEY);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ content: { parts: [{ text: 'hello' }] }, outputDimensionality: 3 });
    expect(result.embeddings).toHaveLength(1);
    expect(result.embeddings[0]).toBeInstanceOf(Float32Array);
    expect([...result.embeddings[0]!]).toEqual([0.25, -0.5, 1]);
  });

  it('embeds several inputs with batchEmbedContents, in order', async () => {
    const { adapter, server, context } = await setup([json({ embeddings: [{ values: [1, 0] }, { values: [0, 1] }] })]);
    const result = await adapter.embed!({ model: 'gemini-embedding-001', input: ['a', 'b'] }, context);
    expect(server.requests[0]!.url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(JSON.parse(server.requests[0]!.body)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] } },
      ],
    });
    expect(result.embeddings.map((embedding) => [...embedding])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('fails with InvalidResponseError when the batch answer has the wrong count', async () => {
    const { adapter, context } = await setup([json({ embeddings: [{ values: [1] }] })]);
    await expect(adapter.embed!({ model: 'm', input: ['a', 'b'] }, context)).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('maps embedding errors like any other call', async () => {
    const { adapter, context } = await setup([json({ error: { code: 429, message: 'Quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }] } }, 429)]);
    await expect(adapter.embed!({ model: 'm', input: ['a'] }, context)).rejects.toMatchObject({ retryAfterMs: 2000, model: 'm' });
  });
});
