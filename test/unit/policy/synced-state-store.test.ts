import { afterEach, describe, expect, it } from 'vitest';
import { SyncedStateStore } from '../../../src/policy/synced-state-store.js';
import { MemoryStateBackend } from '../../../src/testing/index.js';

const stores: SyncedStateStore[] = [];
function process(backend: MemoryStateBackend, options: { syncIntervalMs?: number; onError?: (error: unknown) => void } = {}): SyncedStateStore {
  const store = new SyncedStateStore({ backend, syncIntervalMs: options.syncIntervalMs ?? 60_000, ...(options.onError ? { onError: options.onError } : {}) });
  stores.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

describe('SyncedStateStore', () => {
  it('answers reads from its mirror at once and adds up increments from every process once synced', async () => {
    const backend = new MemoryStateBackend();
    const first = process(backend);
    const second = process(backend);

    expect(first.increment('requests', 3)).toBe(3);
    expect(second.increment('requests', 4)).toBe(4); // not synced yet: its own count only
    await first.sync();
    await second.sync(); // pushes +4, pulls 7
    await first.sync(); // pulls 7
    expect(first.get('requests')).toBe(7);
    expect(second.get('requests')).toBe(7);
    expect(backend.store.get('requests')).toBe(7);
  });

  it('pulls keys other processes set, with their remaining TTL, and drops keys they deleted', async () => {
    const backend = new MemoryStateBackend();
    const first = process(backend);
    const second = process(backend);
    expect(second.get('opened-at')).toBeUndefined(); // a read makes the key one to pull

    first.set('opened-at', 1234, 60_000);
    await first.sync();
    await second.sync();
    expect(second.get('opened-at')).toBe(1234);
    expect(backend.store.remainingTtlMs('opened-at')).toBeGreaterThan(59_000);

    first.delete('opened-at');
    await first.sync();
    await second.sync();
    expect(second.get('opened-at')).toBeUndefined();
  });

  it('keeps a local write made during a sync instead of the value that sync pulled', async () => {
    const backend = new MemoryStateBackend();
    const first = process(backend);
    const second = process(backend);
    second.set('cooldown', 1, 60_000);
    await second.sync();
    first.get('cooldown');

    const syncing = first.sync();
    first.set('cooldown', 2, 60_000); // written while the round trip is out
    await syncing;
    expect(first.get('cooldown')).toBe(2);
    await first.sync();
    expect(backend.store.get('cooldown')).toBe(2);
  });

  it('keeps the writes of a failed sync, reports the error and pushes them with the next sync', async () => {
    const backend = new MemoryStateBackend();
    const errors: unknown[] = [];
    const store = process(backend, { onError: (error) => errors.push(error) });
    store.increment('tokens', 100);
    backend.failWith = new Error('connection refused');
    await store.sync();
    store.increment('tokens', 50);
    expect(errors).toEqual([backend.failWith]);
    expect(backend.store.get('tokens')).toBeUndefined();

    backend.failWith = undefined;
    await store.sync();
    expect(backend.store.get('tokens')).toBe(150);
    expect(store.get('tokens')).toBe(150);
  });

  it('syncs on its timer, and close() stops the timer and pushes the last writes', async () => {
    const backend = new MemoryStateBackend();
    const store = process(backend, { syncIntervalMs: 5 });
    store.increment('calls', 1);
    await expect.poll(() => backend.store.get('calls'), { timeout: 2_000 }).toBe(1);
    const syncsBeforeClose = backend.syncs;
    expect(syncsBeforeClose).toBeGreaterThanOrEqual(1);

    store.increment('calls', 1);
    await store.close();
    expect(backend.store.get('calls')).toBe(2);
    const syncsAfterClose = backend.syncs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(backend.syncs).toBe(syncsAfterClose); // no timer left running
  });

  it('rejects a backend without a sync method and a bad interval', () => {
    expect(() => new SyncedStateStore({ backend: {} as never })).toThrow('Expected `backend` to have a `sync(writes, keys)` method.');
    expect(() => new SyncedStateStore({ backend: new MemoryStateBackend(), syncIntervalMs: 0 })).toThrow('syncIntervalMs');
  });
});
