import type { StateBackend, StateEntry, StateWrite } from '../state/synced-state-store.js';
import { MemoryStateStore } from '../state/state-store.js';

/**
 * A `StateBackend` in memory, standing in for Redis in tests: give one to several
 * `SyncedStateStore`s (one per simulated process). Counts its round trips and can fail on demand.
 */
export class MemoryStateBackend implements StateBackend {
  /** The shared values. */
  readonly store = new MemoryStateStore();
  /** Round trips served. */
  syncs = 0;
  /** While set, `sync` rejects with this error. */
  failWith: Error | undefined;
  /** The keys the last round trip pulled. */
  lastKeys: readonly string[] = [];

  async sync(writes: readonly StateWrite[], keys: readonly string[]): Promise<readonly StateEntry[]> {
    await Promise.resolve(); // asynchronous, like a network round trip
    if (this.failWith) throw this.failWith;
    this.syncs += 1;
    this.lastKeys = [...keys];
    for (const write of writes) {
      if (write.op === 'set') this.store.set(write.key, write.value, write.ttlMs);
      else if (write.op === 'increment') this.store.increment(write.key, write.by, write.ttlMs);
      else if (write.op === 'max') this.store.raise(write.key, write.value, write.ttlMs);
      else this.store.delete(write.key);
    }
    return keys.map((key) => {
      const value = this.store.get(key);
      if (value === undefined) return undefined;
      const ttlMs = this.store.remainingTtlMs(key);
      return ttlMs === undefined ? { value } : { value, ttlMs };
    });
  }
}
