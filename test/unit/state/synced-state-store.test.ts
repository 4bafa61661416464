import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import { SyncedStateStore, type StateWrite } from '../../../src/state/synced-state-store.js';
import { MemoryStateBackend } from '../../../src/testing/index.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
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

  it('merges raises from every process to the largest, so a process with a stale view cannot lower a value', async () => {
    const backend = new MemoryStateBackend();
    const ahead = process(backend);
    const behind = process(backend);
    expect(ahead.raise('mark', 2)).toBe(2);
    await ahead.sync();
    expect(behind.raise('mark', 0.5)).toBe(0.5); // not pulled yet: it knows only its own raise
    await behind.sync(); // pushes 0.5, which must not replace 2
    expect(backend.store.get('mark')).toBe(2);
    expect(behind.get('mark')).toBe(2);
    expect(ahead.raise('mark', 1)).toBe(2); // lower than what it holds: nothing to push
    behind.raise('mark', 3);
    await ahead.sync(); // pulls 2 while behind's 3 waits: a raise never goes down
    await behind.sync();
    await ahead.sync();
    expect([ahead.get('mark'), behind.get('mark'), backend.store.get('mark')]).toEqual([3, 3, 3]);
  });

  it('keeps a raise made during a sync on top of the value that sync pulled', async () => {
    const backend = new MemoryStateBackend();
    const other = process(backend);
    const store = process(backend);
    other.raise('mark', 5);
    await other.sync();
    store.get('mark');
    const pulling = store.sync();
    store.raise('mark', 7); // made while the round trip is out: not in what it pulls
    await pulling;
    expect(store.get('mark')).toBe(7);
    await store.sync();
    expect(backend.store.get('mark')).toBe(7);
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

  it('adds increments made during a sync on top of the value it pulled, so a busy counter still sees the others', async () => {
    const backend = new MemoryStateBackend();
    const busy = process(backend);
    const other = process(backend);
    other.increment('spent', 10);
    await other.sync();

    busy.increment('spent', 1);
    const syncing = busy.sync();
    busy.increment('spent', 1); // made while the round trip is out: not in what it pulls
    await syncing;
    expect(busy.get('spent')).toBe(12); // 11 pulled + 1 not yet pushed
    await busy.sync();
    expect(backend.store.get('spent')).toBe(12);
    expect(busy.get('spent')).toBe(12);
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

  it('pulls keys read for the first time at once, in one round trip, instead of on the next tick', async () => {
    const backend = new MemoryStateBackend();
    const other = process(backend);
    other.set('circuit-opened-at', 1234, 60_000);
    other.set('cooldown-until', 5678, 60_000);
    await other.sync();
    const syncsBefore = backend.syncs;

    const fresh = process(backend); // a new process: its timer would first sync in 60 s
    expect(fresh.get('circuit-opened-at')).toBeUndefined(); // nothing local yet
    expect(fresh.get('cooldown-until')).toBeUndefined();
    await expect.poll(() => fresh.get('circuit-opened-at'), { timeout: 1_000, interval: 1 }).toBe(1234);
    expect(fresh.get('cooldown-until')).toBe(5678);
    expect(backend.syncs - syncsBefore).toBe(1); // both first reads shared one round trip

    fresh.get('circuit-opened-at'); // a key read before is not pulled early again
    await delay(10);
    expect(backend.syncs - syncsBefore).toBe(1);
  });

  it('lets a new process read, sync once and see what others wrote before its first decision', async () => {
    const backend = new MemoryStateBackend();
    const other = process(backend);
    other.set('circuit-opened-at', 1234, 60_000);
    other.increment('rpm-taken', 5);
    await other.sync();

    const fresh = process(backend);
    fresh.get('circuit-opened-at');
    fresh.get('rpm-taken');
    await fresh.sync();
    expect(fresh.get('circuit-opened-at')).toBe(1234);
    expect(fresh.get('rpm-taken')).toBe(5);
  });

  it('resolves sync() only once keys read while another sync was in flight are pulled too', async () => {
    const backend = new MemoryStateBackend();
    const other = process(backend);
    other.set('late-key', 'open', 60_000);
    await other.sync();

    const store = process(backend);
    store.get('early-key');
    const first = store.sync(); // in flight: carries early-key only
    store.get('late-key');
    await store.sync();
    expect(store.get('late-key')).toBe('open');
    await first;
  });

  it('resolves sync() only once writes made while another sync was in flight are pushed, and close() waits for them', async () => {
    const backend = new MemoryStateBackend();
    const store = process(backend);
    store.increment('calls', 1);
    const first = store.sync();
    store.increment('calls', 1); // made after the round trip in flight took its writes
    await store.sync();
    expect(backend.store.get('calls')).toBe(2);
    await first;

    // A backend slower than a few microtasks, like a network.
    const slowBackend = { sync: (writes: readonly StateWrite[], keys: readonly string[]) => delay(5).then(() => backend.sync(writes, keys)) };
    const closing = new SyncedStateStore({ backend: slowBackend, syncIntervalMs: 60_000 });
    stores.push(closing);
    closing.increment('calls', 1);
    void closing.sync();
    closing.increment('calls', 1);
    void closing.sync(); // queued behind the one in flight
    await closing.close();
    expect(backend.store.get('calls')).toBe(4);
  });

  it('keeps pulling a key read once for minutes of syncs, and stops after five minutes without a read', async () => {
    const backend = new MemoryStateBackend();
    let now = 0;
    const clock = { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined };
    const other = process(backend);
    const store = new SyncedStateStore({ backend, clock, syncIntervalMs: 20 });
    stores.push(store);
    store.get('rpm');
    for (let tick = 0; tick < 100; tick++) {
      now += 20; // 100 syncs of 20 ms: a deployment called every few seconds must not go stale
      await store.sync();
    }
    other.set('rpm', 42, 60_000);
    await other.sync();
    await store.sync();
    expect(backend.lastKeys).toEqual(['rpm']);
    expect(store.get('rpm')).toBe(42);
    await store.sync(); // the last read is known to be before this sync

    now += 5 * 60_000 + 1;
    await store.sync();
    expect(backend.lastKeys).toEqual([]);
  });

  it('rejects a backend without a sync method and a bad interval', () => {
    expect(() => new SyncedStateStore({ backend: {} as never })).toThrow(InvalidArgumentError);
    expect(() => new SyncedStateStore({ backend: {} as never })).toThrow('Expected `backend` to have a `sync(writes, keys)` method.');
    expect(() => new SyncedStateStore({ backend: new MemoryStateBackend(), syncIntervalMs: 0 })).toThrow('syncIntervalMs');
  });
});
