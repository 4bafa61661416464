import { InvalidArgumentError } from '../errors/errors.js';
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import { Emitter, type EventListener, type Unsubscribe } from '../events/emitter.js';
import { MemoryStateStore, type StateStore } from './state-store.js';
import { expectInteger, expectNumber } from '../policy/validate-option.js';

/** One write to push to the shared backend, in the order it was made. */
export type StateWrite =
  | { readonly op: 'set'; readonly key: string; readonly value: number | string; readonly ttlMs?: number }
  | { readonly op: 'increment'; readonly key: string; readonly by: number; readonly ttlMs?: number }
  /** Keep the larger of the stored number (0 when absent or not a number) and `value`; `value`'s TTL when it wins. */
  | { readonly op: 'max'; readonly key: string; readonly value: number; readonly ttlMs?: number }
  | { readonly op: 'delete'; readonly key: string };

/** A key's shared value and the milliseconds it has left (`undefined`: no expiry); `undefined` when absent. */
export type StateEntry = { readonly value: number | string; readonly ttlMs?: number } | undefined;

/**
 * The shared side of a `SyncedStateStore`: Redis, Valkey, a database. One call per sync, so that
 * one network round trip carries it (a Redis pipeline or a Lua script):
 * apply `writes` in order, then return the entries of `keys`, in the same order.
 *
 * With Redis: `set` → `SET key value PX ttl`; `increment` → `INCRBYFLOAT key by`, then `PEXPIRE key
 * ttl NX` when a TTL is given (a new key gets it, an existing one keeps its own); `max` → `SET` when
 * the stored number is lower or absent (in a script, so nothing lands in between); `delete` → `DEL`;
 * each read → `GET key` and `PTTL key` (numbers come back as strings: return them as numbers).
 */
export interface StateBackend {
  sync(writes: readonly StateWrite[], keys: readonly string[]): Promise<readonly StateEntry[]>;
}

export type SyncedStateStoreOptions = {
  readonly backend: StateBackend;
  /**
   * How often local writes are pushed and the keys this process reads are pulled. Shorter means
   * processes see each other sooner (an `rpm` shared by N processes overshoots by what they take
   * before seeing each other's takes) for one backend round trip per interval.
   * A key read for the first time is pulled at once instead (at most one extra round trip at a time).
   * @default 250
   */
  readonly syncIntervalMs?: number;
  /**
   * The most keys mirrored locally (least recently used dropped), and the most keys pulled.
   * @default 10000
   */
  readonly maxEntries?: number;
  /**
   * Called when a sync fails; the writes are kept and pushed with the next sync. @default ignore
   * @deprecated Subscribe with `store.on('error', ({ error }) => …)`, which returns the unsubscribe function.
   */
  readonly onError?: (error: unknown) => void;
  /** The clock local TTLs and the sync timer run on. @default the system clock */
  readonly clock?: Clock;
};

/**
 * Keys not read for this long stop being pulled. Long enough that a deployment called once a
 * minute keeps its state fresh. A key read again after that counts as not pulled (`unsyncedMs()`
 * is `undefined`) until the next sync, so nothing builds on its stale value as if it were shared.
 */
const UNWATCH_AFTER_MS = 5 * 60_000;
/** How much earlier than a sync's start the reads of the interval it closes are stamped. */
const READ_STAMP_OFFSET_MS = 0.001;
/** While the backend is unreachable, at most this many writes wait; the oldest are dropped beyond it. */
const MAX_PENDING_WRITES = 100_000;

/** The events a `SyncedStateStore` publishes, by type: `error` when a sync failed (its writes are kept for the next). */
export type SyncedStateStoreEventMap = { readonly error: { readonly error: unknown } };

/**
 * A `StateStore` shared by many processes through an async `backend`, with the synchronous reads
 * the client needs: reads and writes hit a local mirror at once, and every `syncIntervalMs` one
 * round trip pushes this process's writes (increments as deltas, so counts from every process
 * add up) and pulls the current shared values of the keys this process has read. State is
 * therefore eventually consistent, a sync interval behind: enough for limits and totals measured
 * over seconds to minutes, and for circuits opened by one process to be skipped by the others.
 *
 * Increments add up across processes; a `set` is last-writer-wins. The client's state is built
 * for that: every count that must not lose an update (rate-limit takes, learned remaining counts,
 * failures, usage, spend) is an increment, and what is `set` is either a fact whose latest value is
 * the right one (an open circuit, a cooldown, a learned observation) or a value recomputed from
 * increments every process has pushed (`unsyncedMs()` says which), such as a token bucket's
 * wasted-refill mark. What can overshoot is what processes take before seeing each other's takes:
 * see docs/policy.md for the bound.
 *
 * A new process knows nothing until its first sync, and only pulls keys once read. Before its
 * first call, `await llm.warmup()`: it reads every deployment's state and calls `sync()`, so the
 * process skips the deployments other processes know are down (open circuits, cooldowns, spent
 * rate limits).
 *
 * Keys read for the first time later on (a new tenant's usage, a new window) are pulled by a sync
 * that starts at once rather than on the next tick.
 *
 * Call `close()` when done: it stops the timer and pushes the last writes.
 */
export class SyncedStateStore implements StateStore {
  private readonly backend: StateBackend;
  private readonly local: MemoryStateStore;
  private readonly clock: Clock;
  private readonly events = new Emitter<SyncedStateStoreEventMap>();
  private readonly maxEntries: number;
  private pending: StateWrite[] = [];
  /** Keys with writes not yet confirmed by a sync: a pulled value must not overwrite them. */
  private readonly dirty = new Map<string, number>();
  /** Keys read, with the start of the sync interval of their last read (no clock read per `get`). */
  private readonly watched = new Map<string, number>();
  private intervalStartedAt: number;
  /** Keys read for the first time since the last sync started: the next sync is their first pull. */
  private readonly unpulled = new Set<string>();
  /** Watched keys some successful sync has pulled since they were (last) first read. */
  private readonly pulled = new Set<string>();
  /** Clock time the last successful sync started: every write made before it was pushed by then. */
  private lastPulledAt: number | undefined;
  private readonly syncIntervalMs: number;
  private inFlight: Promise<void> | undefined;
  /** A sync queued behind the one in flight, for writes and first reads made after it started. */
  private followUp: Promise<void> | undefined;
  private isPullScheduled = false;
  private timer: unknown;
  private isClosed = false;

  constructor(options: SyncedStateStoreOptions) {
    if (typeof options?.backend?.sync !== 'function') {
      throw new InvalidArgumentError('backend', 'Expected `backend` to have a `sync(writes, keys)` method.');
    }
    const syncIntervalMs = options.syncIntervalMs ?? 250;
    expectNumber('syncIntervalMs', syncIntervalMs, 1);
    if (options.maxEntries !== undefined) expectInteger('maxEntries', options.maxEntries, 1);
    this.backend = options.backend;
    this.clock = options.clock ?? systemClock;
    const onError = options.onError;
    if (onError) this.events.on('error', (event) => onError(event.error));
    this.maxEntries = options.maxEntries ?? 10_000;
    this.syncIntervalMs = syncIntervalMs;
    this.local = new MemoryStateStore({ maxEntries: this.maxEntries, clock: this.clock });
    this.intervalStartedAt = this.clock.now();
    const tick = (): void => {
      this.timer = undefined;
      if (this.isClosed) return;
      void this.sync().finally(() => {
        if (!this.isClosed) this.schedule(tick, syncIntervalMs);
      });
    };
    this.schedule(tick, syncIntervalMs);
  }

  /** Subscribes to the store's events (`error`: a sync failed); returns the function that unsubscribes. */
  on<T extends keyof SyncedStateStoreEventMap>(type: T, listener: EventListener<SyncedStateStoreEventMap, T>): Unsubscribe {
    return this.events.on(type, listener);
  }

  get(key: string): number | string | undefined {
    this.watch(key);
    return this.local.get(key);
  }

  set(key: string, value: number | string, ttlMs?: number): void {
    this.local.set(key, value, ttlMs);
    this.queue(ttlMs === undefined ? { op: 'set', key, value } : { op: 'set', key, value, ttlMs });
  }

  increment(key: string, by: number, ttlMs?: number): number {
    this.watch(key);
    const next = this.local.increment(key, by, ttlMs);
    this.queue(ttlMs === undefined ? { op: 'increment', key, by } : { op: 'increment', key, by, ttlMs });
    return next;
  }

  delete(key: string): void {
    this.local.delete(key);
    this.queue({ op: 'delete', key });
  }

  /** Raises `key` to `value` here and, merged by maximum with every other process's raises, on the backend. */
  raise(key: string, value: number, ttlMs?: number): number {
    this.watch(key);
    const next = this.local.raise(key, value, ttlMs);
    if (next === value) this.queue(ttlMs === undefined ? { op: 'max', key, value } : { op: 'max', key, value, ttlMs });
    return next;
  }

  /**
   * How far back the mirrored value of `key` may miss other processes' writes: the time since the
   * last successful sync started, plus two sync intervals (the others push what they wrote within
   * one interval, and their round trip may take up to another; every process is assumed to use
   * this store's `syncIntervalMs`). `undefined` until a sync has pulled `key` since it was first read.
   */
  unsyncedMs(key: string): number | undefined {
    if (this.lastPulledAt === undefined || !this.pulled.has(key)) return undefined;
    return this.clock.now() - this.lastPulledAt + 2 * this.syncIntervalMs;
  }

  /** Stops pulling `key` (until it is read again) and drops its mirrored value once its writes are pushed. */
  forget(key: string): void {
    this.watched.delete(key);
    this.unpulled.delete(key);
    this.pulled.delete(key);
    if (!this.dirty.has(key)) this.local.delete(key);
  }

  /**
   * Pushes the writes made since the last sync and pulls the keys this process reads. Runs on the
   * timer; call it to sync now, e.g. once at startup (see the class comment). Resolves once every
   * write made and every key read before the call has been pushed or pulled: concurrent calls share
   * one round trip, plus one more when there is something the round trip in flight did not carry.
   */
  sync(): Promise<void> {
    if (this.inFlight === undefined) {
      this.inFlight = this.runSync().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    if (this.pending.length === 0 && this.unpulled.size === 0) return this.inFlight;
    this.followUp ??= this.inFlight.then(() => {
      this.followUp = undefined;
      return this.sync();
    });
    return this.followUp;
  }

  /** Stops the timer and pushes the last writes. */
  async close(): Promise<void> {
    this.isClosed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight !== undefined || this.followUp !== undefined) await (this.followUp ?? this.inFlight);
    if (this.pending.length > 0) await this.sync();
  }

  private async runSync(): Promise<void> {
    const writes = this.pending;
    this.pending = [];
    this.unpulled.clear();
    const now = this.clock.now();
    // Keys read since the last sync started carry its start time, however long ago that was (a
    // timer delayed by a suspended process). They were read before now: stamp them so (a hair
    // earlier, to tell them from the reads of the interval starting now).
    const readSince = this.intervalStartedAt;
    this.intervalStartedAt = now;
    const keys: string[] = [];
    for (const [key, lastReadAt] of this.watched) {
      if (lastReadAt === readSince) {
        this.watched.set(key, now - READ_STAMP_OFFSET_MS);
      } else if (now - lastReadAt > UNWATCH_AFTER_MS) {
        this.watched.delete(key);
        this.pulled.delete(key);
        continue;
      }
      if (keys.length < this.maxEntries) keys.push(key);
    }
    let entries: readonly StateEntry[];
    try {
      entries = await this.backend.sync(writes, keys);
    } catch (error) {
      this.pending = writes.concat(this.pending); // pushed with the next sync, in order
      if (this.pending.length > MAX_PENDING_WRITES) this.settle(this.pending.splice(0, this.pending.length - MAX_PENDING_WRITES));
      // A throwing listener cannot stop the syncs: the emitter isolates it.
      this.events.emit('error', { error });
      return;
    }
    this.settle(writes);
    this.lastPulledAt = now;
    for (const key of keys) if (this.watched.has(key)) this.pulled.add(key);
    // Writes made since this sync started are not in the pulled values. Increments are added on
    // top (so a busy counter still sees other processes' counts); a key set or deleted since keeps
    // its local value until the next sync settles it.
    const unpushed = this.dirty.size === 0 ? undefined : unpushedMerges(this.pending);
    keys.forEach((key, index) => {
      if (!this.watched.has(key)) return; // forgotten while the round trip was out
      const entry = entries[index];
      if (unpushed !== undefined && this.dirty.has(key)) {
        const merge = unpushed.get(key);
        if (merge === undefined || entry === undefined || typeof entry.value !== 'number') return;
        const value = merge.op === 'increment' ? entry.value + merge.by : Math.max(entry.value, merge.value);
        this.local.set(key, value, entry.ttlMs);
      } else if (entry === undefined) {
        this.local.delete(key);
      } else {
        this.local.set(key, entry.value, entry.ttlMs);
      }
    });
  }

  /** Marks `writes` as no longer waiting. */
  private settle(writes: readonly StateWrite[]): void {
    for (const write of writes) {
      const count = (this.dirty.get(write.key) ?? 1) - 1;
      if (count > 0) this.dirty.set(write.key, count);
      else this.dirty.delete(write.key);
    }
  }

  /** Marks `key` as one to pull; a key read for the first time is pulled by a sync starting now. */
  private watch(key: string): void {
    const isFirstRead = !this.watched.has(key);
    this.watched.set(key, this.intervalStartedAt);
    if (!isFirstRead) return;
    this.unpulled.add(key);
    if (this.isPullScheduled || this.isClosed) return;
    // After the current synchronous work, so that the keys read together (a client reading every
    // deployment's state) share one round trip.
    this.isPullScheduled = true;
    queueMicrotask(() => {
      this.isPullScheduled = false;
      if (!this.isClosed && this.unpulled.size > 0) void this.sync();
    });
  }

  private queue(write: StateWrite): void {
    this.pending.push(write);
    this.dirty.set(write.key, (this.dirty.get(write.key) ?? 0) + 1);
  }

  private schedule(callback: () => void, ms: number): void {
    const handle = this.clock.setTimeout(callback, ms);
    // The sync timer must not keep a process alive on its own.
    (handle as { unref?: () => void } | undefined)?.unref?.();
    this.timer = handle;
  }
}

/** What the writes waiting for a key add to its pulled value: their sum, or their maximum. */
type UnpushedMerge = { op: 'increment'; by: number } | { op: 'max'; value: number };

/**
 * The increments (summed) or raises (their maximum) waiting in `writes`, by key; keys that also
 * have a set, a delete or both kinds waiting are left out (their local value is the newer one).
 */
function unpushedMerges(writes: readonly StateWrite[]): Map<string, UnpushedMerge> {
  const merges = new Map<string, UnpushedMerge>();
  const overwritten = new Set<string>();
  for (const write of writes) {
    const merge = merges.get(write.key);
    if (write.op === 'increment' && merge?.op !== 'max') merges.set(write.key, { op: 'increment', by: (merge?.by ?? 0) + write.by });
    else if (write.op === 'max' && merge?.op !== 'increment') merges.set(write.key, { op: 'max', value: Math.max(merge?.value ?? -Infinity, write.value) });
    else overwritten.add(write.key);
  }
  for (const key of overwritten) merges.delete(key);
  return merges;
}
