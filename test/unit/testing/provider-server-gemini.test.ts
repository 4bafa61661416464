import { afterEach, describe, expect, it } from 'vitest';
import { errorFromHttp } from '../../../src/errors/error-from-http.js';
import { parseDurationMs } from '../../../src/providers/shared/retry-after.js';
import { contextLengthExceeded, createProviderServer, overloaded, rateLimit, rejectPrefill, type ProviderServer } from '../../../src/testing/index.js';
import { decodeSse } from '../../../src/transport/sse.js';
import { readFixture } from '../../helpers/fixtures.js';
import { createWireClient, payloads, readSse, shapeOf } from './wire-client.js';

let server: ProviderServer | undefined;
let client: ReturnType<typeof createWireClient> | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function start(options: Parameters<typeof createProviderServer>[0]) {
  server = await createProviderServer(options);
  client = createWireClient();
  return { server, client };
}

const contents = [{ role: 'user', parts: [{ text: 'What is the capital of France?' }] }];

describe('createProviderServer: Gemini API', () => {
  it('streams CRLF-framed chunks that match the recorded stream field for field, usage snapshot on every chunk', async () => {
    const { server, client } = await start({
      script: { 'gemini-2.0-flash-exp': [{ chunks: ['The', ' capital of France', ' is Paris.\n'], usage: { inputTokens: 13, outputTokens: 8 } }] },
    });
    const response = await client.post(`${server.baseURL('gemini')}/models/gemini-2.0-flash-exp:streamGenerateContent?alt=sse`, { contents });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    const { raw, events } = await readSse(response.body);
    expect(raw.split('\r\n\r\n')).toHaveLength(4);
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
    expect(raw.replaceAll('\r\n', '')).not.toContain('\n\n');
    // Gemini's own serializer: a space after each colon, none after commas.
    expect(raw).toContain('{"candidates": [{"content": {"parts": [{"text": "The"}],"role": "model"}}],"usageMetadata": {');

    const chunks = payloads(events);
    async function* fixture() {
      yield Buffer.from(readFixture('google/pydantic-ai/stream-text.0.response.sse'));
    }
    const recorded = [];
    for await (const event of decodeSse(fixture())) recorded.push(JSON.parse(event.data));
    expect(chunks.map(shapeOf)).toEqual(recorded.map(shapeOf));
    expect(chunks.map((chunk) => chunk.candidates[0].content.parts[0].text)).toEqual(
      recorded.map((chunk) => chunk.candidates[0].content.parts[0].text),
    );
    expect(chunks.at(-1)?.candidates[0].finishReason).toBe('STOP');
    expect(chunks.at(-1)?.usageMetadata).toMatchObject({ promptTokenCount: 13, candidatesTokenCount: 8, totalTokenCount: 21 });
    expect(server.requests[0]).toMatchObject({ protocol: 'gemini', model: 'gemini-2.0-flash-exp', isStream: true, scriptKey: 'gemini-2.0-flash-exp' });
  });

  it('sends whole functionCall parts with STOP, without ids unless the script gives them', async () => {
    const { server, client } = await start({
      script: {
        'gemini-2.0-flash': [{ toolCalls: [{ name: 'get_capital', args: { country: 'France' } }, { name: 'get_capital', args: { country: 'Spain' } }] }],
        'gemini-3': [{ toolCalls: [{ name: 'get_capital', args: { country: 'France' }, id: 'g1bmv6il' }] }],
      },
    });
    const response = await client.post(`${server.url}/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse`, { contents });
    const chunks = payloads((await readSse(response.body)).events);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates[0]).toMatchObject({
      content: {
        role: 'model',
        parts: [{ functionCall: { name: 'get_capital', args: { country: 'France' } } }, { functionCall: { name: 'get_capital', args: { country: 'Spain' } } }],
      },
      finishReason: 'STOP',
    });
    expect(chunks[0]?.candidates[0].content.parts[0].functionCall.id).toBeUndefined();
    async function* fixture() {
      yield Buffer.from(readFixture('google/pydantic-ai/stream-tool-roundtrip-gemini-2.0-flash.0.response.sse'));
    }
    for await (const event of decodeSse(fixture())) expect(shapeOf(chunks[0])).toEqual(shapeOf(JSON.parse(event.data)));

    const withIds = await client.post(`${server.url}/v1beta/models/gemini-3:generateContent`, { contents });
    const body = (await withIds.body.json()) as { candidates: { content: { parts: { functionCall: { id: string } }[] } }[] };
    expect(body.candidates[0]?.content.parts[0]?.functionCall.id).toBe('g1bmv6il');
  });

  it('answers generateContent with a pretty-printed response whose fields match the recorded one', async () => {
    const { server, client } = await start({ script: { default: [{ reasoning: 'Hmm.', text: 'Paris.', usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 2 } }] } });
    const response = await client.post(`${server.url}/v1beta/models/gemini-2.5-flash:generateContent`, { contents });
    const text = await response.body.text();
    expect(text.startsWith('{\n  "candidates": [')).toBe(true);
    const body = JSON.parse(text);
    expect(body.candidates[0].content.parts).toEqual([{ text: 'Hmm.', thought: true }, { text: 'Paris.' }]);
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: 10, candidatesTokenCount: 3, thoughtsTokenCount: 2, totalTokenCount: 15 });
    const recorded = JSON.parse(readFixture('google/pydantic-ai/nonstream-parallel-function-calls.0.response.json'));
    for (const key of Object.keys(body)) expect(recorded).toHaveProperty(key);
    expect(server.requests[0]).toMatchObject({ model: 'gemini-2.5-flash', isStream: false, path: '/v1beta/models/gemini-2.5-flash:generateContent' });
  });

  it('streams one JSON array without alt=sse', async () => {
    const { server, client } = await start({ script: { default: [{ text: 'a b c' }] } });
    const response = await client.post(`${server.url}/v1beta/models/g:streamGenerateContent`, { contents });
    const body = (await response.body.json()) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expect(body.map((chunk) => chunk.candidates[0]?.content.parts[0]?.text).join('')).toBe('a b c');
  });

  it('answers embedContent and batchEmbedContents with deterministic vectors', async () => {
    const { server, client } = await start({});
    const single = (await (
      await client.post(`${server.url}/v1beta/models/text-embedding-004:embedContent`, { content: { parts: [{ text: 'hello world' }] }, outputDimensionality: 16 })
    ).body.json()) as { embedding: { values: number[] } };
    const batch = (await (
      await client.post(`${server.url}/v1beta/models/text-embedding-004:batchEmbedContents`, {
        requests: [
          { model: 'models/text-embedding-004', content: { parts: [{ text: 'hello world' }] }, outputDimensionality: 16 },
          { model: 'models/text-embedding-004', content: { parts: [{ text: 'goodbye' }] }, outputDimensionality: 16 },
        ],
      })
    ).body.json()) as { embeddings: { values: number[] }[] };
    expect(single.embedding.values).toHaveLength(16);
    expect(batch.embeddings).toHaveLength(2);
    expect(batch.embeddings[0]?.values).toEqual(single.embedding.values);
    expect(batch.embeddings[1]?.values).not.toEqual(single.embedding.values);
    expect(server.requests.map((request) => request.operation)).toEqual(['embed', 'batch-embed']);
  });

  it('replies with google.rpc.Status errors: RetryInfo on 429, UNAVAILABLE on 503, INVALID_ARGUMENT for context and prefill', async () => {
    const { server, client } = await start({
      script: { default: [rateLimit({ retryAfterSeconds: 34.4 }), rateLimit(), overloaded(), contextLengthExceeded(), rejectPrefill()] },
    });
    const replies: { status: number; headers: Record<string, unknown>; body: { error: Record<string, any> } }[] = [];
    const prefill = [...contents, { role: 'model', parts: [{ text: 'It is' }] }];
    for (let index = 0; index < 5; index++) {
      const response = await client.post(`${server.url}/v1beta/models/g:streamGenerateContent?alt=sse`, { contents: index === 4 ? prefill : contents });
      const text = await response.body.text();
      expect(text.startsWith('{\n  "error": {\n    "code": ')).toBe(true);
      replies.push({ status: response.statusCode, headers: response.headers, body: JSON.parse(text) as { error: Record<string, any> } });
    }
    expect(replies.map((reply) => reply.status)).toEqual([429, 429, 503, 400, 400]);
    expect(replies.map((reply) => reply.body.error.status)).toEqual(['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED', 'UNAVAILABLE', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
    expect(replies.every((reply) => reply.body.error.code === reply.status && reply.headers['retry-after'] === undefined)).toBe(true);
    const retryInfo = (reply: (typeof replies)[number]) =>
      (reply.body.error.details as { '@type': string; retryDelay?: string }[]).find((detail) => detail['@type'].endsWith('RetryInfo'));
    expect(parseDurationMs(retryInfo(replies[0]!)!.retryDelay!)).toBe(34_400);
    expect(retryInfo(replies[1]!)).toBeUndefined();
    expect(errorFromHttp({ status: 400, message: replies[3]!.body.error.message }).code).toBe('RLLM_CONTEXT_WINDOW_EXCEEDED');
    expect(errorFromHttp({ status: 400, message: replies[4]!.body.error.message }).code).toBe('RLLM_BAD_REQUEST');
  });
});
