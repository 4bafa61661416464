import { afterEach, describe, expect, it } from 'vitest';
import type { EmbedRequest } from '../../../src/client/types.js';
import { providerEmbedder } from '../../../src/cache/provider-embedder.js';
import type { ProviderAdapter, ProviderCallContext } from '../../../src/providers/provider.js';
import { fetchTransport } from '../../../src/transport/index.js';
import type { Transport } from '../../../src/transport/transport.js';

function adapter(embed: ProviderAdapter['embed']): ProviderAdapter {
  return {
    specificationVersion: 'v1',
    kind: 'stub',
    capabilities: { embeddings: true },
    doGenerate: async () => { throw new Error('unused'); },
    doStream: async () => { throw new Error('unused'); },
    ...(embed ? { embed } : {}),
  };
}

describe('providerEmbedder', () => {
  let transport: Transport | undefined;
  afterEach(async () => {
    await transport?.close();
  });

  it("calls the adapter's embed with the model, texts, transport and signal", async () => {
    const calls: { request: EmbedRequest; context: ProviderCallContext }[] = [];
    transport = fetchTransport();
    const embedder = providerEmbedder({
      provider: adapter(async (request, context) => {
        calls.push({ request, context });
        return { embeddings: request.input.map((_, index) => Float32Array.of(index, 1, 0)) };
      }),
      model: 'text-embedding-3-small',
      dimensions: 3,
      shouldRequestDimensions: true,
      transport,
      headers: { 'x-trace': 'abc' },
    });
    const signal = new AbortController().signal;
    const vectors = await embedder.embed(['a', 'b'], signal);
    expect(vectors.map((vector) => Array.from(vector))).toEqual([[0, 1, 0], [1, 1, 0]]);
    expect(calls[0]?.request).toEqual({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 3 });
    expect(calls[0]?.context.signal).toBe(signal);
    expect(calls[0]?.context.transport).toBe(transport);
    expect(calls[0]?.context.headers).toEqual({ 'x-trace': 'abc' });
    expect(embedder.id).toBe('stub/text-embedding-3-small/3');
  });

  it('learns the dimensions from the first answer and then rejects other lengths', async () => {
    let length = 4;
    transport = fetchTransport();
    const embedder = providerEmbedder({
      provider: adapter(async (request) => ({ embeddings: request.input.map(() => new Float32Array(length)) })),
      model: 'm',
      transport,
    });
    expect(embedder.dimensions).toBe(0);
    await embedder.embed(['a'], new AbortController().signal);
    expect(embedder.dimensions).toBe(4);
    length = 5;
    await expect(embedder.embed(['a'], new AbortController().signal)).rejects.toThrow(expect.objectContaining({ code: 'RLLM_INVALID_RESPONSE', message: 'stub/m: expected 4 dimensions, got 5' }));
  });

  it('rejects an answer with a missing embedding', async () => {
    transport = fetchTransport();
    const embedder = providerEmbedder({ provider: adapter(async () => ({ embeddings: [] })), model: 'm', transport });
    await expect(embedder.embed(['a'], new AbortController().signal)).rejects.toThrow(expect.objectContaining({ code: 'RLLM_INVALID_RESPONSE', message: 'stub/m: expected 1 embeddings, got 0' }));
  });

  it('refuses an unknown option, naming the closest one', () => {
    expect(() => providerEmbedder({ provider: adapter(undefined), model: 'm', dimension: 4 } as never)).toThrow(
      '`embedder.dimension` is not a providerEmbedder option; did you mean `dimensions`?',
    );
  });

  it('refuses an adapter without embed()', () => {
    expect(() => providerEmbedder({ provider: adapter(undefined), model: 'm' })).toThrow(
      'Expected `embedder.provider` to be an adapter that implements embed(), got an object.',
    );
  });
});
