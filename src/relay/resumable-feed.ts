import type { PartFeed } from './part-feed.js';
import type { ResumableStreamStore } from './resumable-stream-store.js';
import { isTerminalPart, splitPartId, type WirePart } from './wire-part.js';

/**
 * The parts of a stored stream after `afterSeq`: first those already stored, then each new one as
 * it is appended, each exactly once and in order, until the terminal part. Resolves to undefined
 * when the store does not know the stream.
 */
export async function resumableFeed(store: ResumableStreamStore, streamId: string, afterSeq: number, onClose: () => void): Promise<PartFeed | undefined> {
  let highest = afterSeq;
  const queue: WirePart[] = [];
  // Parts appended while the backlog loads wait here, then pass the same `seq` filter.
  let early: WirePart[] | undefined = [];
  let isEnded = false;
  let isClosed = false;
  let wake: (() => void) | undefined;
  const accept = (part: WirePart) => {
    const seq = splitPartId(part.id)?.seq ?? 0;
    if (seq !== highest + 1) return;
    highest = seq;
    queue.push(part);
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const unsubscribe = store.subscribe(streamId, (part) => (early ? early.push(part) : accept(part)));
  const close = () => {
    if (isClosed) return;
    isClosed = true;
    unsubscribe();
    onClose();
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  let backlog;
  try {
    backlog = await store.read(streamId, afterSeq);
  } catch (error) {
    close();
    throw error;
  }
  if (backlog === undefined) {
    close();
    return undefined;
  }
  for (const part of backlog.parts) accept(part);
  for (const part of early) accept(part);
  early = undefined;
  return {
    async next() {
      for (;;) {
        const part = queue.shift();
        if (part !== undefined) {
          if (isTerminalPart(part)) {
            isEnded = true;
            close();
          }
          return part;
        }
        if (isEnded || isClosed) return undefined;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    close,
  };
}
