import { afterEach, describe, expect, it } from 'vitest';
import { errorFromHttp } from '../../../src/errors/error-from-http.js';
import {
  contentPolicy,
  contextLengthExceeded,
  createProviderServer,
  DEFAULT_REPLY_TEXT,
  httpError,
  rateLimit,
  type ProviderServer,
} from '../../../src/testing/index.js';
import { readFixture } from '../../helpers/fixtures.js';
import { decodeSse } from '../../../src/transport/sse.js';
import { createWireClient, payloads, readSse, shapeOf } from './wire-client.js';

let server: ProviderServer | undefined;
let client: ReturnType<typeof createWireClient> | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function start(script: Parameters<typeof createProviderServer>[0]) {
  server = await createProviderServer(script);
  client = createWireClient();
  return { server, client };
}

/** Chunk shapes without the fields newer captures add and older ones lack. */
async function fixtureChunkShapes(path: string): Promise<Set<string>> {
  const shapes = new Set<string>();
  async function* bytes() {
    yield Buffer.from(readFixture(path));
  }
  for await (const event of decodeSse(bytes())) {
    if (event.data === '[DONE]') continue;
    shapes.add(JSON.stringify(shapeOf(normalizeChunk(JSON.parse(event.data)))));
  }
  return shapes;
}

function normalizeChunk(chunk: Record<string, unknown>): Record<string, unknown> {
  const { obfuscation: _obfuscation, service_tier: _tier, ...rest } = chunk;
  if (rest.usage === null) delete rest.usage;
  return rest;
}

describe('createProviderServer: OpenAI Chat Completions', () => {
  it('streams text as chat.completion.chunk events with a usage chunk and [DONE] when include_usage is set', async () => {
    const { server, client } = await start({ script: { 'gpt-x': [{ text: 'Hello there, world' }] } });
    const response = await client.post(`${server.baseURL('openai')}/chat/completions`, {
      model: 'gpt-x',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['x-request-id']).toMatch(/^req_/);
    const { raw, events } = await readSse(response.body);
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(raw).not.toContain('\r');
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = payloads(events);
    expect(chunks[0]?.choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello there, world');
    expect(chunks.slice(1, 4).map((chunk) => chunk.choices[0].delta.content)).toEqual(['Hello', ' there,', ' world']);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage.total_tokens).toBe(usage.usage.prompt_tokens + usage.usage.completion_tokens);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'gpt-x')).toBe(true);
    expect(server.requests[0]).toMatchObject({ protocol: 'openai', operation: 'chat', model: 'gpt-x', isStream: true, step: 'reply' });
    expect((server.requests[0]?.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('sends no usage chunk when include_usage is not requested', async () => {
    const { server, client } = await start({});
    const response = await client.post(`${server.url}/v1/chat/completions`, { model: 'm', stream: true, messages: [] });
    const chunks = payloads((await readSse(response.body)).events);
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(DEFAULT_REPLY_TEXT);
  });

  it('streams tool calls keyed by index with id and name only in the first fragment, shaped like the recorded API', async () => {
    const { server, client } = await start({
      script: {
        default: [
          {
            toolCalls: [
              { name: 'get_capital', args: { country: 'UK' } },
              { name: 'get_time', argsText: '{"zone":"Europe/London"}', id: 'call_fixed' },
            ],
          },
        ],
      },
    });
    const response = await client.post(`${server.baseURL('openai')}/chat/completions`, {
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [],
    });
    const chunks = payloads((await readSse(response.body)).events);
    const fragments = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    const heads = fragments.filter((fragment) => fragment.id !== undefined);
    expect(heads.map((head) => [head.index, head.function.name, head.function.arguments])).toEqual([
      [0, 'get_capital', ''],
      [1, 'get_time', ''],
    ]);
    expect(heads[0].id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(heads[1].id).toBe('call_fixed');
    const argsFor = (index: number) =>
      fragments.filter((fragment) => fragment.index === index).map((fragment) => fragment.function.arguments).join('');
    expect(JSON.parse(argsFor(0))).toEqual({ country: 'UK' });
    expect(argsFor(1)).toBe('{"zone":"Europe/London"}');
    expect(fragments.filter((fragment) => fragment.id === undefined).every((fragment) => fragment.function.name === undefined)).toBe(true);
    expect(chunks[0]?.choices[0].delta).toMatchObject({ role: 'assistant', content: null });
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('tool_calls');

    const known = new Set([
      ...(await fixtureChunkShapes('openai/pydantic-ai/stream-tool-roundtrip-include-usage.0.response.sse')),
      ...(await fixtureChunkShapes('openai/openai-python__two-parallel-tool-calls-stream.sse')),
    ]);
    for (const chunk of chunks) expect(known).toContain(JSON.stringify(shapeOf(normalizeChunk(chunk))));
  });

  it('shapes text chunks like the recorded gpt-4o stream', async () => {
    const { server, client } = await start({});
    const response = await client.post(`${server.url}/v1/chat/completions`, { model: 'gpt-4o', stream: true, messages: [] });
    const chunks = payloads((await readSse(response.body)).events);
    const known = await fixtureChunkShapes('openai/openai-python__text-stream-gpt4o.sse');
    for (const chunk of chunks) expect(known).toContain(JSON.stringify(shapeOf(normalizeChunk(chunk))));
  });

  it('answers a non-streaming request with a pretty-printed chat.completion carrying the recorded fields', async () => {
    const { server, client } = await start({
      script: { 'gpt-x': [{ text: 'Checking.', toolCalls: [{ name: 'lookup', args: { q: 'x' } }], usage: { inputTokens: 7, outputTokens: 3 } }] },
    });
    const response = await client.post(`${server.url}/v1/chat/completions`, { model: 'gpt-x', messages: [] });
    expect(response.headers['content-type']).toBe('application/json');
    const text = await response.body.text();
    expect(text.startsWith('{\n  "id": "chatcmpl-')).toBe(true);
    const body = JSON.parse(text);
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.content).toBe('Checking.');
    expect(body.choices[0].message.tool_calls[0].function).toEqual({ name: 'lookup', arguments: '{"q":"x"}' });
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    const recorded = JSON.parse(readFixture('openai/openai-python__nonstream-two-parallel-tool-calls.json'));
    for (const key of Object.keys(recorded)) expect(body).toHaveProperty(key);
    for (const key of Object.keys(recorded.choices[0].message)) expect(body.choices[0].message).toHaveProperty(key);
    expect(Object.keys(body.usage)).toEqual(expect.arrayContaining(Object.keys(recorded.usage)));
  });

  it('answers embeddings as floats, or as little-endian float32 base64 when asked', async () => {
    const { server, client } = await start({});
    const floats = await (
      await client.post(`${server.baseURL('openai')}/embeddings`, { model: 'text-embedding-3-small', input: ['a cat', 'a dog'], dimensions: 8 })
    ).body.json() as { data: { index: number; embedding: number[] }[]; object: string; usage: { prompt_tokens: number } };
    expect(floats.object).toBe('list');
    expect(floats.data.map((item) => item.index)).toEqual([0, 1]);
    expect(floats.data[0]?.embedding).toHaveLength(8);
    const base64 = await (
      await client.post(`${server.baseURL('openai')}/embeddings`, {
        model: 'text-embedding-3-small',
        input: 'a cat',
        dimensions: 8,
        encoding_format: 'base64',
      })
    ).body.json() as { data: { embedding: string }[] };
    const bytes = Buffer.from(base64.data[0]!.embedding, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(floats.data[0]?.embedding);
    expect(server.requests.map((request) => request.operation)).toEqual(['embed', 'embed']);
  });

  it('replies with the OpenAI error envelope that errorFromHttp maps to the right kind', async () => {
    const { server, client } = await start({
      script: { 'gpt-x': [rateLimit({ retryAfterSeconds: 2 }), rateLimit({ retryAfterMs: 150, resetMs: 120 }), contextLengthExceeded(), contentPolicy(), httpError(401)] },
    });
    const replies = [];
    for (let index = 0; index < 5; index++) {
      const response = await client.post(`${server.url}/v1/chat/completions`, { model: 'gpt-x', stream: true, messages: [] });
      replies.push({ status: response.statusCode, headers: response.headers, body: (await response.body.json()) as { error: Record<string, string | null> } });
    }
    expect(replies.map((reply) => reply.status)).toEqual([429, 429, 400, 400, 401]);
    expect(replies[0]?.headers['retry-after']).toBe('2');
    expect(replies[0]?.headers['retry-after-ms']).toBeUndefined();
    expect(replies[1]?.headers['retry-after']).toBeUndefined();
    expect(replies[1]?.headers['retry-after-ms']).toBe('150');
    expect(replies[1]?.headers['x-ratelimit-reset-requests']).toBe('120ms');
    for (const reply of replies) expect(Object.keys(reply.body.error)).toEqual(['message', 'type', 'param', 'code']);
    const kinds = replies.map((reply) =>
      errorFromHttp({
        status: reply.status,
        message: String(reply.body.error.message),
        ...(reply.body.error.code ? { providerCode: reply.body.error.code } : {}),
      }).code,
    );
    expect(kinds).toEqual(['RLLM_RATE_LIMITED', 'RLLM_RATE_LIMITED', 'RLLM_CONTEXT_WINDOW_EXCEEDED', 'RLLM_CONTENT_FILTERED', 'RLLM_AUTHENTICATION']);
    expect(server.requests.map((request) => request.step)).toEqual(['rate-limit', 'rate-limit', 'context-length-exceeded', 'content-policy', 'http-error']);
  });

  it('sends a custom error body and headers as given', async () => {
    const { server, client } = await start({ script: { default: [httpError(418, { body: 'teapot', headers: { 'x-custom': '1' } })] } });
    const response = await client.post(`${server.url}/v1/chat/completions`, { model: 'm', messages: [] });
    expect(response.statusCode).toBe(418);
    expect(response.headers['x-custom']).toBe('1');
    expect(await response.body.text()).toBe('teapot');
  });
});
