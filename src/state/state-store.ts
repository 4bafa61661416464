import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import { expectInteger } from '../policy/validate-option.js';

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
   * Keeps the larger of the number at `key` and `value` (a max register) and returns it. Unlike a
   * `set`, writes from many processes merge in any order to the largest of them, so a value that
   * only ever grows (a token bucket's waste mark) is never lowered by a process with a stale view.
   * Optional: a store without it is treated as seeing every write at once, where read-then-`set` is
   * the same thing.
   */
  raise?(key: string, value: number, ttlMs?: number): number;
  /**
   * For stores that mirror a shared backend: pushes local writes and pulls the keys read so far.
   * `llm.warmup()` reads every deployment's state, then calls this, so that a new process knows
   * what the others know (open circuits, cooldowns, spent limits) before its first call.
   */
  sync?(): Promise<void>;
  /**
   * For stores that mirror a shared backend: how many milliseconds back from now the value of
   * `key` may still miss other processes' writes (every write made before that is in it), or
   * `undefined` while `key` has not been pulled since this process first read it (its value then
   * holds this process's writes only). Components that derive state from a shared counter use it
   * to build only on what every process has pushed. A store without it sees every write at once.
   */
  unsyncedMs?(key: string): number | undefined;
  /**
   * For stores that mirror a shared backend: stops pulling `key`, which this process will not
   * read again (a time-sliced counter whose time has passed). Writes already made are still pushed.
   */
  forget?(key: string): void;
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

type Entry = {
  value: number | string;
  /** Clock time at which the entry is gone; `Infinity` without a TTL. */
  expiresAt: number;
  /** When it was last read or written, as a count of operations: the least recently used go first. */
  usedAt: number;
};

/** Beyond `maxEntries`, this share of the entries is dropped at once, so eviction is rare. */
const EVICT_FRACTION = 0.1;

/**
 * The default `StateStore`: one process, in memory, bounded, TTLs on the injected clock. A read
 * is a map lookup (plus a clock read only for keys with a TTL), and an increment updates the entry
 * in place: the client reads it several times per request.
 */
export class MemoryStateStore implements StateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly clock: Clock;
  private operations = 0;

  constructor(options: MemoryStateStoreOptions = {}) {
    if (options.maxEntries !== undefined) expectInteger('maxEntries', options.maxEntries, 1);
    this.maxEntries = options.maxEntries ?? 10_000;
    this.clock = options.clock ?? systemClock;
  }

  get(key: string): number | string | undefined {
    return this.live(key)?.value;
  }

  set(key: string, value: number | string, ttlMs?: number): void {
    const expiresAt = ttlMs === undefined ? Infinity : this.clock.now() + ttlMs;
    const entry = this.entries.get(key);
    if (entry) {
      entry.value = value;
      entry.expiresAt = expiresAt;
      entry.usedAt = ++this.operations;
    } else {
      this.add(key, { value, expiresAt, usedAt: ++this.operations });
    }
  }

  increment(key: string, by: number, ttlMs?: number): number {
    const entry = this.live(key);
    if (entry) {
      // An existing key keeps its expiry; one that held a string starts again from 0.
      const next = (typeof entry.value === 'number' ? entry.value : 0) + by;
      entry.value = next;
      return next;
    }
    this.add(key, { value: by, expiresAt: ttlMs === undefined ? Infinity : this.clock.now() + ttlMs, usedAt: ++this.operations });
    return by;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  raise(key: string, value: number, ttlMs?: number): number {
    const current = this.live(key)?.value;
    if (typeof current === 'number' && current >= value) return current;
    this.set(key, value, ttlMs);
    return value;
  }

  /** The milliseconds `key` has left; `undefined` when it has no expiry or is absent. */
  remainingTtlMs(key: string): number | undefined {
    const entry = this.live(key);
    return entry === undefined || entry.expiresAt === Infinity ? undefined : entry.expiresAt - this.clock.now();
  }

  /** The entry at `key` if it has not expired (an expired one is dropped), marked as used. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== Infinity && entry.expiresAt < this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    entry.usedAt = ++this.operations;
    return entry;
  }

  private add(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.evict();
  }

  /** Drops expired entries, then, if still too many, the least recently used: a tenth of the room at once. */
  private evict(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt < now) this.entries.delete(key);
    if (this.entries.size <= this.maxEntries) return;
    const target = this.maxEntries - Math.floor(this.maxEntries * EVICT_FRACTION);
    const byUse = [...this.entries].sort((left, right) => left[1].usedAt - right[1].usedAt);
    for (let index = 0; index < byUse.length - target; index++) this.entries.delete(byUse[index]![0]);
  }
}
