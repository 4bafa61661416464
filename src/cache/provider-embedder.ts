import type { ProviderAdapter } from '../providers/provider.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Transport } from '../transport/transport.js';
import { UndiciTransport } from '../transport/undici-transport.js';
import type { Embedder } from './embedder.js';
import { InvalidResponseError } from '../errors/errors.js';
import { expectInteger, expectKnownKeys, expectObject, failOption, optionKeys } from '../policy/validate-option.js';

const EMBEDDER_KEYS = /* @__PURE__ */ optionKeys<ProviderEmbedderOptions>()('provider', 'model', 'dimensions', 'shouldRequestDimensions', 'transport', 'headers', 'clock');

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
  expectObject('embedder', options);
  expectKnownKeys(options, EMBEDDER_KEYS, 'embedder', 'a providerEmbedder option');
  const { provider, model } = options;
  if (typeof provider?.embed !== 'function') failOption('embedder.provider', 'an adapter that implements embed()', provider);
  if (typeof model !== 'string' || model === '') failOption('embedder.model', 'an embedding model id', model);
  if (options.dimensions !== undefined) expectInteger('embedder.dimensions', options.dimensions, 1);
  let dimensions = options.dimensions ?? 0;
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
        throw new InvalidResponseError(`expected ${texts.length} embeddings, got ${result.embeddings.length}`, { provider: provider.kind, model });
      }
      for (const vector of result.embeddings) {
        if (dimensions === 0) dimensions = vector.length;
        if (vector.length !== dimensions) {
          throw new InvalidResponseError(`expected ${dimensions} dimensions, got ${vector.length}`, { provider: provider.kind, model });
        }
      }
      return [...result.embeddings];
    },
  };
}
