import type { PartFeed } from './part-feed.js';
import type { ResumableStreamStore, StoredParts } from './resumable-stream-store.js';
import { isTerminalPart, splitPartId, type WirePart } from './wire-part.js';

const seqOf = (part: WirePart): number => splitPartId(part.id)?.seq ?? 0;

/** How long a reader waits for a part before it checks the store. */
export const DEFAULT_POLL_MS = 5_000;

export type ResumableFeedOptions = {
  /** The stream was just started: a store that does not know it yet reads as empty. @default false */
  readonly isNew?: boolean;
  /** With no part for this long, read the store: a part whose notification was lost arrives, and a stream that expired ends. @default 5_000 */
  readonly pollMs?: number;
};

/**
 * The parts of a stored stream after `afterSeq`: first those already stored, then each new one as
 * it is appended, each exactly once and in order, until the terminal part. Resolves to undefined
 * when the store does not know the stream; `isNew` says it may not know it yet (a stream just
 * started, no part appended), which then reads as empty.
 *
 * A reader that waits `pollMs` for a part reads the store too.
 *
 * Order matters with a remote store: subscribe (and wait until the subscription is in place), then
 * read; a part appended in between comes both ways and is kept once, by `seq`. A live part past a
 * gap (a message the subscription lost) makes the feed read the store again. A stream that already
 * ended is read once, with no subscription.
 */
export async function resumableFeed(store: ResumableStreamStore, streamId: string, afterSeq: number, onClose: () => void, options: ResumableFeedOptions = {}): Promise<PartFeed | undefined> {
  const isNew = options.isNew ?? false;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  let highest = afterSeq;
  const queue: WirePart[] = [];
  // Live parts wait here while the store is read, then pass the same `seq` filter.
  let buffered: WirePart[] | undefined;
  let isEnded = false;
  let isClosed = false;
  let wake: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const accept = (part: WirePart) => {
    if (seqOf(part) !== highest + 1) return;
    highest++;
    queue.push(part);
    notify();
  };
  const close = () => {
    if (isClosed) return;
    isClosed = true;
    unsubscribe?.();
    onClose();
    notify();
  };
  const catchUp = async (): Promise<StoredParts | undefined> => {
    buffered ??= [];
    try {
      const stored = await store.read(streamId, highest);
      if (stored) for (const part of stored.parts) accept(part);
      return stored;
    } finally {
      const live = buffered;
      buffered = undefined;
      for (const part of live) accept(part);
    }
  };
  const onLive = (part: WirePart) => {
    if (isClosed) return;
    if (buffered) return void buffered.push(part);
    if (seqOf(part) <= highest + 1) return accept(part);
    buffered = [part];
    resync();
  };
  // The store lost the stream (expired, truncated) or failed: end here; the reader reconnects.
  const resync = () => void catchUp().then((stored) => stored ?? close(), close);
  const waitForPart = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        if (!buffered && !isClosed) resync();
        resolve();
      }, pollMs);
      (timer as { unref?: () => void }).unref?.();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const feed: PartFeed = {
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
        await waitForPart();
      }
    },
    close,
  };

  try {
    if (!isNew) {
      const stored = await store.read(streamId, afterSeq);
      if (stored === undefined) {
        close();
        return undefined;
      }
      for (const part of stored.parts) accept(part);
      if (stored.isEnded) return feed;
    }
    buffered = [];
    unsubscribe = await store.subscribe(streamId, onLive);
    if ((await catchUp()) === undefined && !isNew) close();
  } catch (error) {
    close();
    throw error;
  }
  return feed;
}
