import { expect, it } from 'vitest';
import { resumableFeed } from '../../../src/relay/resumable-feed.js';
import type { ResumableStreamStore } from '../../../src/relay/resumable-stream-store.js';
import type { WirePart } from '../../../src/relay/wire-part.js';

/** A store under test, and how to let time pass for its TTL (a fake clock, or real time for Redis). */
export type StoreHarness = {
  readonly store: ResumableStreamStore;
  elapse(ms: number): Promise<void>;
};

export type MakeStore = (options: { readonly ttlMs?: number; readonly maxPartsPerStream?: number }) => Promise<StoreHarness> | StoreHarness;

export const textPart = (streamId: string, seq: number, text = `t${seq}`): WirePart => ({ id: `${streamId}:${seq}`, type: 'text-delta', text });

const finishPart = (streamId: string, seq: number): WirePart => ({
  id: `${streamId}:${seq}`,
  type: 'finish',
  finishReason: 'stop',
  usage: { inputTokens: 9, outputTokens: 2, totalTokens: 11, cachedInputTokens: 4 },
  cost: 0.0000019,
  alias: 'fast',
  provider: 'openai',
  model: 'gpt-4o-mini',
});

export async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const startedAt = performance.now();
  while (!condition() && performance.now() - startedAt < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Reads a whole stream through `resumableFeed`, as the relay does. */
async function readAll(store: ResumableStreamStore, streamId: string, afterSeq: number, isNew: boolean): Promise<string[]> {
  const feed = await resumableFeed(store, streamId, afterSeq, () => undefined, { isNew });
  if (!feed) return [];
  const ids: string[] = [];
  for (let part = await feed.next(); part !== undefined; part = await feed.next()) ids.push(part.id);
  return ids;
}

/**
 * The behaviour every `ResumableStreamStore` shares, run on the memory store and on Redis through
 * both clients. Call inside a `describe`.
 */
export function resumableStreamStoreContract(make: MakeStore): void {
  it('returns the parts after a sequence number, exactly as appended', async () => {
    const { store } = await make({});
    const parts = [{ id: 's:1', type: 'start', alias: 'fast', provider: 'openai', model: 'gpt-4o-mini' } as const, textPart('s', 2, 'héllo "✓"\n'), finishPart('s', 3)];
    for (const part of parts) await store.append('s', part);
    expect(await store.read('s', 0)).toEqual({ parts, isEnded: true });
    expect(await store.read('s', 1)).toEqual({ parts: parts.slice(1), isEnded: true });
    expect(await store.read('s', 3)).toEqual({ parts: [], isEnded: true });
  });

  it('marks a stream ended only after its finish or error part', async () => {
    const { store } = await make({});
    await store.append('e', textPart('e', 1));
    expect(await store.read('e', 0)).toEqual({ parts: [textPart('e', 1)], isEnded: false });
    await store.append('e', { id: 'e:2', type: 'error', code: 'RLLM_CANCELLED', message: 'cancelled' });
    expect((await store.read('e', 1))?.isEnded).toBe(true);
  });

  it('knows nothing of a stream never written', async () => {
    const { store } = await make({});
    expect(await store.read('never', 0)).toBeUndefined();
  });

  it('tells each subscriber of every part appended after it subscribed, until it unsubscribes', async () => {
    const { store } = await make({});
    await store.append('p', textPart('p', 1));
    const first: string[] = [];
    const second: string[] = [];
    const unsubscribeFirst = await store.subscribe('p', (part) => first.push(part.id));
    const unsubscribeSecond = await store.subscribe('p', (part) => second.push(part.id));
    await store.append('p', textPart('p', 2));
    await until(() => first.length === 1 && second.length === 1);
    unsubscribeFirst();
    await store.append('p', textPart('p', 3));
    await until(() => second.length === 2);
    unsubscribeSecond();
    unsubscribeSecond();
    expect(first).toEqual(['p:2']);
    expect(second).toEqual(['p:2', 'p:3']);
  });

  it('keeps a stream ttlMs after its last part, then forgets it', async () => {
    const { store, elapse } = await make({ ttlMs: 1_000 });
    await store.append('t', textPart('t', 1));
    await elapse(600);
    await store.append('t', textPart('t', 2));
    await elapse(600);
    expect((await store.read('t', 0))?.parts).toHaveLength(2);
    await elapse(1_500);
    expect(await store.read('t', 0)).toBeUndefined();
  });

  it('stops offering a stream longer than maxPartsPerStream (no resume with a hole), while subscribers still get its parts', async () => {
    const { store } = await make({ maxPartsPerStream: 2 });
    const seen: string[] = [];
    await store.subscribe('x', (part) => seen.push(part.id));
    for (let seq = 1; seq <= 3; seq++) await store.append('x', textPart('x', seq));
    expect(await store.read('x', 0)).toBeUndefined();
    await store.append('x', finishPart('x', 4));
    await until(() => seen.length === 4);
    expect(seen).toEqual(['x:1', 'x:2', 'x:3', 'x:4']);
    expect(await store.read('x', 3)).toBeUndefined();
  });

  it('gives readers that join while parts are appended every part once and in order (subscribe, then read)', async () => {
    const { store } = await make({});
    const total = 120;
    const readers: Promise<string[]>[] = [readAll(store, 'c', 0, true)];
    for (let seq = 1; seq <= total; seq++) {
      await store.append('c', seq === total ? finishPart('c', seq) : textPart('c', seq));
      if (seq % 10 === 0) readers.push(readAll(store, 'c', seq - 3, false));
    }
    const results = await Promise.all(readers);
    expect(results).toHaveLength(13);
    results.forEach((ids, index) => {
      const from = index === 0 ? 1 : index * 10 - 2;
      expect(ids).toEqual(Array.from({ length: total - from + 1 }, (_, offset) => `c:${from + offset}`));
    });
  });
}
