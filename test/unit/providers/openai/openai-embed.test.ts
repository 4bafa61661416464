import { afterEach, describe, expect, it } from 'vitest';
import { InvalidResponseError, RateLimitError } from '../../../../src/errors/errors.js';
import { openai } from '../../../../src/providers/openai/openai-adapter.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
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

function base64Floats(values: readonly number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer.toString('base64');
}

async function embedWith(reply: Record<string, unknown> | string, status = 200) {
  server = await startReplayServer([
    { status, headers: { 'content-type': 'application/json' }, chunks: [typeof reply === 'string' ? reply : JSON.stringify(reply)] },
  ]);
  transport = new UndiciTransport();
  return openai({ apiKey: 'sk-test-embed-key', baseURL: `${server.url}/v1` });
}

describe('OpenAI embed', () => {
  it('requests base64 by default, decodes little-endian float32 and orders by index', async () => {
    const adapter = await embedWith({
      object: 'list',
      data: [
        { object: 'embedding', index: 1, embedding: base64Floats([0.5, -1.25]) },
        { object: 'embedding', index: 0, embedding: base64Floats([0.125, 2]) },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
    const result = await adapter.embed!({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 2 }, callContext(transport!));
    expect(JSON.parse(server!.requests[0]!.body)).toEqual({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'base64',
      dimensions: 2,
    });
    expect(server!.requests[0]!.url).toBe('/v1/embeddings');
    expect(result.embeddings.map((vector) => [...vector])).toEqual([
      [0.125, 2],
      [0.5, -1.25],
    ]);
    expect(result.embeddings[0]).toBeInstanceOf(Float32Array);
    expect(result.model).toBe('text-embedding-3-small');
    expect(result.usage).toEqual({ inputTokens: 7 });
  });

  it('accepts float arrays when asked for float encoding', async () => {
    const adapter = await embedWith({ data: [{ index: 0, embedding: [0.25, -0.5, 1] }], model: 'm', usage: { prompt_tokens: 2 } });
    const result = await adapter.embed!({ model: 'm', input: ['x'], encoding: 'float' }, callContext(transport!));
    expect(JSON.parse(server!.requests[0]!.body)).toMatchObject({ encoding_format: 'float' });
    expect([...result.embeddings[0]!]).toEqual([0.25, -0.5, 1]);
  });

  it('rejects a reply with the wrong number of embeddings', async () => {
    const adapter = await embedWith({ data: [{ index: 0, embedding: [1] }] });
    await expect(adapter.embed!({ model: 'm', input: ['x', 'y'] }, callContext(transport!))).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('maps an HTTP error to the typed error', async () => {
    const adapter = await embedWith({ error: { message: 'Slow down', type: 'requests', code: 'rate_limit_exceeded' } }, 429);
    await expect(adapter.embed!({ model: 'm', input: ['x'] }, callContext(transport!))).rejects.toBeInstanceOf(RateLimitError);
  });
});
