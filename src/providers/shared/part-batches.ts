import type { ProviderStreamPart } from '../spec/index.js';

/**
 * The key under which a built-in adapter's stream also offers its parts one network read at a
 * time. Internal: the client takes this path when present (one async step per read instead of one
 * per part); everyone else iterates the stream part by part, as the adapter contract says.
 */
export const partBatches: unique symbol = Symbol('llm-resilience.partBatches');

/** An adapter stream that can also be read as batches of parts (never an empty batch). */
export type BatchedPartStream = AsyncIterable<ProviderStreamPart> & {
  [partBatches](): AsyncIterable<readonly ProviderStreamPart[]>;
};

/** Whether `stream` came from a built-in adapter that offers its parts in batches. */
export function isBatchedPartStream(stream: AsyncIterable<ProviderStreamPart>): stream is BatchedPartStream {
  return typeof (stream as Partial<BatchedPartStream>)[partBatches] === 'function';
}

/**
 * Wraps a generator of part batches so it reads as the plain part-by-part stream of the adapter
 * contract, and as batches for the client. Either view may be taken, once; ending either early
 * (`break`, `return()`) ends the generator, which closes the response.
 */
export function batchedPartStream(batches: AsyncGenerator<readonly ProviderStreamPart[]>): BatchedPartStream {
  return {
    [partBatches]: () => batches,
    [Symbol.asyncIterator]: () => flatten(batches),
  };
}

async function* flatten(batches: AsyncGenerator<readonly ProviderStreamPart[]>): AsyncGenerator<ProviderStreamPart> {
  for await (const batch of batches) yield* batch;
}
