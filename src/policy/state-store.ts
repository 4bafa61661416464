import { LRUCache } from 'lru-cache';
import type { Clock } from '../providers/provider.js';
import { systemClock } from '../providers/provider.js';
import { expectInteger } from './validate-option.js';

/**
 * Where state that several processes may want to share lives: each deployment's cooldown, circuit
 * breaker, rate-limit buckets and learned limits, and usage totals. String keys, number or string
 * values, optional time to live.
 *
 * The interface is synchronous on purpose: picking a deployment must cost microseconds, so it can
 * never wait on a network. A shared store (Redis, Valkey) plugs in as a local mirror: reads and
 * writes hit the mirror, and the implementation pushes increments (`INCRBY` with `PEXPIRE`) and
 * pulls the shared values in the background: `SyncedStateStore` does that over any `StateBackend`.
 * Counters are therefore eventually consistent across processes, which is what limits and totals
 * measured over seconds to minutes can afford.
 */
export interface StateStore {
  get(key: string): number | string | undefined;
  /** Stores `value`; it disappears once more than `ttlMs` have passed, when given. */
  set(key: string, value: number | string, ttlMs?: number): void;
  /**
   * Adds `by` to the number at `key` (0 when absent or not a number) and returns the new value. A
   * new key gets `ttlMs`; an existing key keeps its expiry, so a windowed counter resets on time.
   */
  increment(key: string, by: number, ttlMs?: number): number;
  delete(key: string): void;
  /**
   * For stores that mirror a shared backend: pushes local writes and pulls the keys read so far.
   * `llm.warmup()` reads every deployment's state, then calls this, so that a new process knows
   * what the others know (open circuits, cooldowns, spent limits) before its first call.
   */
  sync?(): Promise<void>;
}

export type MemoryStateStoreOptions = {
  /**
   * The most keys kept; the least recently used are dropped beyond it.
   * @default 10000
   */
  readonly maxEntries?: number;
  /** The clock TTLs are measured on. @default the system clock */
  readonly clock?: Clock;
};

/** The default `StateStore`: one process, in memory, bounded (lru-cache), TTLs on the injected clock. */
export class MemoryStateStore implements StateStore {
  private readonly cache: LRUCache<string, number | string>;

  constructor(options: MemoryStateStoreOptions = {}) {
    if (options.maxEntries !== undefined) expectInteger('maxEntries', options.maxEntries, 1);
    const clock = options.clock ?? systemClock;
    this.cache = new LRUCache<string, number | string>({
      max: options.maxEntries ?? 10_000,
      // lru-cache treats a start time of 0 as "no TTL"; an offset keeps a clock that starts at 0 working.
      perf: { now: () => clock.now() + 1 },
      // lru-cache would cache the time (and set a timer) for ttlResolution ms; 0 reads the clock every time.
      ttlResolution: 0,
    });
  }

  get(key: string): number | string | undefined {
    return this.cache.get(key);
  }

  set(key: string, value: number | string, ttlMs?: number): void {
    if (ttlMs === undefined) this.cache.set(key, value);
    else this.cache.set(key, value, { ttl: ttlMs });
  }

  increment(key: string, by: number, ttlMs?: number): number {
    const current = this.cache.get(key);
    const remainingTtl = this.cache.getRemainingTTL(key);
    const next = (typeof current === 'number' ? current : 0) + by;
    if (current !== undefined && Number.isFinite(remainingTtl) && remainingTtl > 0) {
      this.cache.set(key, next, { ttl: remainingTtl });
    } else if (current === undefined && ttlMs !== undefined) {
      this.cache.set(key, next, { ttl: ttlMs });
    } else {
      this.cache.set(key, next);
    }
    return next;
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  /** The milliseconds `key` has left; `undefined` when it has no expiry or is absent. */
  remainingTtlMs(key: string): number | undefined {
    if (!this.cache.has(key)) return undefined;
    const remaining = this.cache.getRemainingTTL(key);
    return Number.isFinite(remaining) && remaining > 0 ? remaining : undefined;
  }
}
