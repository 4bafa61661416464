/**
 * An optional, internal fast path of a `TransportResponse`: `text()` that also calls `onChunk` as
 * each body chunk arrives, so a `chat()` attempt's watchdogs see its answer arrive without the
 * body being read through an async iterator (one promise per chunk). The default transport has
 * it; a response without it is read through `body`.
 */
export const textWatched = Symbol('textWatched');

export type WatchableText = {
  /** The body as text, as `text()` reads it (same limit, same errors), calling `onChunk` per chunk. */
  [textWatched](onChunk: () => void): Promise<string>;
};

export function isWatchableText(response: object): response is WatchableText {
  return typeof (response as Partial<WatchableText>)[textWatched] === 'function';
}
