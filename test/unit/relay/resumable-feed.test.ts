import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import type { PartFeed } from '../../../src/relay/part-feed.js';
import { resumableFeed } from '../../../src/relay/resumable-feed.js';
import { StreamRelay } from '../../../src/relay/stream-relay.js';
import { MemoryResumableStreamStore, type ResumableStreamStore } from '../../../src/relay/resumable-stream-store.js';
import type { WirePart } from '../../../src/relay/wire-part.js';

const text = (seq: number): WirePart => ({ id: `s:${seq}`, type: 'text-delta', text: `t${seq}` });
const finish = (seq: number): WirePart => ({
  id: `s:${seq}`,
  type: 'finish',
  finishReason: 'stop',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  alias: 'a',
  provider: 'p',
  model: 'm',
});

/** A memory store that behaves like a remote one: its subscriptions take effect a tick later, and it counts calls. */
function remoteLike(options: { afterRead?: (memory: MemoryResumableStreamStore) => void; drop?: (part: WirePart) => boolean } = {}) {
  const memory = new MemoryResumableStreamStore();
  const calls = { read: 0, subscribe: 0 };
  const store: ResumableStreamStore = {
    append: (streamId, part) => memory.append(streamId, part),
    async read(streamId, afterSeq) {
      calls.read++;
      await Promise.resolve();
      const stored = memory.read(streamId, afterSeq);
      options.afterRead?.(memory);
      return stored;
    },
    async subscribe(streamId, listener) {
      calls.subscribe++;
      let isActive = false;
      const unsubscribe = memory.subscribe(streamId, (part) => {
        if (isActive && !options.drop?.(part)) listener(part);
      });
      await new Promise((resolve) => setTimeout(resolve, 1));
      isActive = true;
      return unsubscribe;
    },
  };
  return { memory, store, calls };
}

/** Every id the feed yields, or what it had when it stalled for 500 ms. */
async function drain(feed: PartFeed | undefined): Promise<string[]> {
  const ids: string[] = [];
  if (!feed) return ids;
  for (;;) {
    const part = await Promise.race([feed.next(), new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 500))]);
    if (part === 'stalled') return [...ids, 'stalled'];
    if (part === undefined) return ids;
    ids.push(part.id);
  }
}

describe('resumableFeed', () => {
  it('waits for the subscription before reading, so a part appended right after the read still arrives', async () => {
    let next = 2;
    const { memory, store } = remoteLike({
      afterRead: (target) => {
        if (next <= 3) target.append('s', next === 3 ? finish(next++) : text(next++));
      },
    });
    memory.append('s', text(1));
    expect(await drain(await resumableFeed(store, 's', 0, () => undefined))).toEqual(['s:1', 's:2', 's:3']);
  });

  it('reads the store again when a live part comes after a gap (a message the subscription lost)', async () => {
    const { memory, store, calls } = remoteLike({ drop: (part) => part.id === 's:2' });
    memory.append('s', text(1));
    const feed = await resumableFeed(store, 's', 0, () => undefined);
    const reads = calls.read;
    memory.append('s', text(2));
    memory.append('s', text(3));
    memory.append('s', finish(4));
    expect(await drain(feed)).toEqual(['s:1', 's:2', 's:3', 's:4']);
    expect(calls.read).toBe(reads + 1);
  });

  it('reads the store after pollMs with no part, so a last part whose notification was lost still arrives', async () => {
    const { memory, store } = remoteLike({ drop: (part) => part.type === 'finish' });
    memory.append('s', text(1));
    const feed = await resumableFeed(store, 's', 0, () => undefined, { pollMs: 50 });
    memory.append('s', finish(2));
    expect(await drain(feed)).toEqual(['s:1', 's:2']);
  });

  it('ends, with no terminal part, when the stream expired while the reader waited', async () => {
    let now = 0;
    const memory = new MemoryResumableStreamStore({ ttlMs: 1_000, now: () => now });
    memory.append('s', text(1));
    let closed = 0;
    const feed = await resumableFeed(memory, 's', 0, () => closed++, { pollMs: 20 });
    now = 5_000;
    expect(await drain(feed)).toEqual(['s:1']);
    expect(closed).toBe(1);
  });

  it('reads a stream that already ended once, with no subscription', async () => {
    const { memory, store, calls } = remoteLike();
    for (const part of [text(1), text(2), finish(3)]) memory.append('s', part);
    let closed = 0;
    expect(await drain(await resumableFeed(store, 's', 1, () => closed++))).toEqual(['s:2', 's:3']);
    expect(calls).toEqual({ read: 1, subscribe: 0 });
    expect(closed).toBe(1);
  });

  it('resolves to undefined for a stream the store does not know, unless it is new', async () => {
    const { memory, store } = remoteLike();
    let closed = 0;
    expect(await resumableFeed(store, 'gone', 3, () => closed++)).toBeUndefined();
    expect(closed).toBe(1);
    const feed = await resumableFeed(store, 's', 0, () => undefined, { isNew: true });
    memory.append('s', text(1));
    memory.append('s', finish(2));
    expect(await drain(feed)).toEqual(['s:1', 's:2']);
  });

  it('ends, having unsubscribed, when the store fails while subscribing', async () => {
    const { store } = remoteLike();
    const failing: ResumableStreamStore = { ...store, read: async () => ({ parts: [], isEnded: false }), subscribe: async () => Promise.reject(new Error('down')) };
    let closed = 0;
    await expect(resumableFeed(failing, 's', 1, () => closed++)).rejects.toThrow('down');
    expect(closed).toBe(1);
  });
});

describe('StreamRelay options', () => {
  it('rejects a bad storePollMs or maxDetachedMs with InvalidArgumentError', () => {
    expect(() => new StreamRelay({ storePollMs: 0 })).toThrow('Expected `storePollMs` to be a positive number, got 0.');
    expect(() => new StreamRelay({ maxDetachedMs: -1 })).toThrow(InvalidArgumentError);
    expect(new StreamRelay({ storePollMs: 250 }).liveStreams).toBe(0);
  });
});
