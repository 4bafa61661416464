import type { StreamResult } from '../client/stream-result.js';
import { toWireError, toWirePart } from './to-wire-part.js';
import type { WirePart } from './wire-part.js';

/** Wire parts pulled one at a time, so a slow connection slows the reading (backpressure). */
export type PartFeed = {
  /** The next part, or undefined once the stream ended (after its `finish` or `error`). */
  next(): Promise<WirePart | undefined>;
  /** The reader went away. */
  close(): void;
};

/**
 * The parts of a live stream in wire form, numbered from 1 (`<prefix>:<seq>` with a prefix). A
 * failure becomes a last `error` part. `close()` before the end cancels the call.
 */
export function liveFeed(stream: StreamResult<unknown>, prefix?: string): PartFeed {
  const iterator = stream[Symbol.asyncIterator]();
  let seq = 0;
  let isEnded = false;
  const nextId = () => (prefix === undefined ? String(seq + 1) : `${prefix}:${seq + 1}`);
  return {
    async next() {
      while (!isEnded) {
        let result: IteratorResult<Parameters<typeof toWirePart>[0]>;
        try {
          result = await iterator.next();
        } catch (error) {
          isEnded = true;
          const part = toWireError(error, nextId());
          seq++;
          return part;
        }
        if (result.done) break;
        const part = toWirePart(result.value, nextId());
        if (part === undefined) continue;
        seq++;
        return part;
      }
      isEnded = true;
      return undefined;
    },
    close() {
      if (isEnded) return;
      isEnded = true;
      void iterator.return?.();
    },
  };
}

/** A feed whose source is found asynchronously (a store lookup) on the first `next()`. */
export function lazyFeed(open: () => Promise<PartFeed>): PartFeed {
  let opened: Promise<PartFeed> | undefined;
  let isClosed = false;
  const get = () => (opened ??= open());
  return {
    async next() {
      if (isClosed) return undefined;
      const feed = await get();
      if (isClosed) {
        feed.close();
        return undefined;
      }
      return feed.next();
    },
    close() {
      if (isClosed) return;
      isClosed = true;
      if (opened) void opened.then((feed) => feed.close(), () => undefined);
    },
  };
}
