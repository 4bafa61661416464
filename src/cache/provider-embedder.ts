import type { ProviderAdapter } from '../providers/provider.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Transport } from '../transport/transport.js';
import { UndiciTransport } from '../transport/undici-transport.js';
import type { Embedder } from './embedder.js';

export type ProviderEmbedderOptions = {
  /** An adapter whose `embed()` is implemented (OpenAI, Gemini, an OpenAI-compatible gateway). */
  readonly provider: ProviderAdapter;
  /** The vendor's embedding model id, e.g. `text-embedding-3-small`. */
  readonly model: string;
  /** Vector length the model returns (or is asked for); learned from the first answer when omitted. */
  readonly dimensions?: number;
  /** Whether to send `dimensions` to the vendor (OpenAI text-embedding-3 models accept it). @default false */
  readonly shouldRequestDimensions?: boolean;
  /** HTTP transport. @default new UndiciTransport() */
  readonly transport?: Transport;
  /** Extra headers for every embedding call. */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default systemClock */
  readonly clock?: Clock;
};

/** An `Embedder` over a provider adapter's embedding endpoint. */
export function providerEmbedder(options: ProviderEmbedderOptions): Embedder {
  const { provider, model } = options;
  let dimensions = options.dimensions ?? 0;
  if (typeof provider.embed !== 'function') {
    throw new TypeError(`Expected \`provider\` to implement embed(); the ${provider.kind} adapter does not.`);
  }
  if (options.dimensions !== undefined && (!Number.isInteger(dimensions) || dimensions < 1)) {
    throw new RangeError(`Expected \`dimensions\` to be a positive integer, got ${dimensions}.`);
  }
  let transport = options.transport;
  const clock = options.clock ?? systemClock;
  return {
    id: `${provider.kind}/${model}${options.dimensions === undefined ? '' : `/${dimensions}`}`,
    get dimensions() {
      return dimensions;
    },
    async embed(texts, signal) {
      transport ??= new UndiciTransport();
      const result = await provider.embed!(
        { model, input: texts, ...(options.shouldRequestDimensions ? { dimensions } : {}) },
        { signal, transport, clock, ...(options.headers ? { headers: options.headers } : {}) },
      );
      if (result.embeddings.length !== texts.length) {
        throw new RangeError(`${provider.kind}/${model}: expected ${texts.length} embeddings, got ${result.embeddings.length}.`);
      }
      for (const vector of result.embeddings) {
        if (dimensions === 0) dimensions = vector.length;
        if (vector.length !== dimensions) {
          throw new RangeError(`${provider.kind}/${model}: expected ${dimensions} dimensions, got ${vector.length}.`);
        }
      }
      return [...result.embeddings];
    },
  };
}
