import { KEY_SEPARATOR, StateScope } from '../../state/state-scope.js';

/**
 * Float tolerance so that waiting exactly `waitTimeMs()` always lets the take succeed. Amounts are
 * requests and tokens, so a millionth of one never matters.
 */
const EPSILON = 1e-6;
/** The length of the time slices takes are also counted in, on a shared store. */
export const BUCKET_EPOCH_MS = 1_000;
/** How long a slice's count is kept in a shared store: far longer than it is read. */
const EPOCH_TTL_MS = 120_000;
/** The most slices read to place the waste mark; beyond that (a long outage) the mark waits. */
const MAX_EPOCHS_READ = 32;

/**
 * A token bucket with continuous refill: it holds at most `capacity` tokens and gains
 * `refillPerMs` tokens per millisecond. Starts full. Times are on the caller's clock (`now`).
 * The level may go below zero after `take()` (a charge settled after the fact); the bucket then
 * refuses until it has refilled.
 *
 * Its state lives in a `StateStore`:
 * - `spent`: every token ever taken, an increment per take (increments from all processes add up);
 * - `wasted`: the waste mark, refill that overflowed a full bucket.
 * The level is `capacity + refill since the time origin − wasted − spent`, capped at `capacity`.
 * The waste mark is the highest `refill(τ) − spent before τ` over past times `τ`: each such value
 * is what the mark must at least be for the bucket to have been full at `τ`.
 *
 * On a store that sees every write at once (`MemoryStateStore`), the mark is raised on the spot
 * when a take finds the bucket full, which is exact. On a store that mirrors a shared backend
 * (`SyncedStateStore`, which has `unsyncedMs()`), a process does not know what the others took in
 * the last moments, so it never raises the mark from its own view of `spent`, which would lock
 * every process out when that view is behind. It places the mark only at the starts of one-second
 * slices old enough that every process has pushed its takes from before them, from `spent` and
 * per-slice counts `spent␟<slice>` (increments too). Every value it writes is then at most the true
 * mark, and the shared mark is a max register (`StateStore.raise`): writes merge to the largest,
 * so a process that has not pulled every slice yet cannot lower a mark another one placed. A shared
 * bucket can therefore only err towards admitting: by the refill of
 * `1 s + 2 · syncIntervalMs` plus the time since the last sync (after a quiet period), and by
 * what processes take before seeing each other's takes. Until its first sync a process counts its
 * own takes against a bucket it assumes full (`warmup()` spares that).
 */
export class TokenBucket {
  readonly capacity: number;
  readonly refillPerMs: number;
  private readonly scope: StateScope;
  private readonly spentKey: string;
  private readonly wastedKey: string;
  private readonly epochPrefix: string;
  /** This process's own mark while it has not pulled `spent`: never written to the store. */
  private provisionalWasted: number | undefined;
  /** The last slice whose start has been considered for the mark. */
  private markedEpoch = -Infinity;
  /** The oldest slice count this process may still be pulling. */
  private oldestEpochRead = Infinity;

  /** `scope` and `name` say where the state lives; by default the bucket keeps it to itself. */
  constructor(capacity: number, refillPerMs: number, scope: StateScope = StateScope.inMemory(), name = 'bucket') {
    this.capacity = capacity;
    this.refillPerMs = refillPerMs;
    this.scope = scope;
    this.spentKey = scope.key(`${name}${KEY_SEPARATOR}spent`);
    this.wastedKey = scope.key(`${name}${KEY_SEPARATOR}wasted`);
    this.epochPrefix = `${this.spentKey}${KEY_SEPARATOR}`;
  }

  /** Tokens available at `now` (may be negative while in debt). */
  available(now: number): number {
    const level = this.uncapped(now);
    return level < this.capacity ? level : this.capacity;
  }

  /** Whether `amount` tokens could be taken at `now`, without taking them. */
  canTake(amount: number, now: number): boolean {
    return this.available(now) + EPSILON >= amount;
  }

  /** Takes `amount` tokens if they are all there; otherwise takes nothing. */
  tryTake(amount: number, now: number): boolean {
    if (!this.canTake(amount, now)) return false;
    this.take(amount, now);
    return true;
  }

  /** Takes `amount` unconditionally (may go into debt), or gives back a negative `amount`. */
  take(amount: number, now: number): void {
    const level = this.uncapped(now);
    const store = this.scope.store;
    if (store.unsyncedMs === undefined) {
      // Every write is seen at once: a full bucket raises the mark so the level starts from `capacity`.
      if (level > this.capacity) store.set(this.wastedKey, (this.scope.number(this.wastedKey) ?? 0) + level - this.capacity);
    } else {
      if (level > this.capacity && this.provisionalWasted !== undefined) this.provisionalWasted += level - this.capacity;
      const epoch = Math.floor((now + this.scope.timeOrigin) / BUCKET_EPOCH_MS);
      store.increment(`${this.epochPrefix}${epoch}`, amount, EPOCH_TTL_MS);
      if (epoch < this.oldestEpochRead) this.oldestEpochRead = epoch;
    }
    // A refund cannot fill the bucket past its capacity: `available()` caps it.
    store.increment(this.spentKey, amount);
  }

  /** Milliseconds until `amount` tokens are available; `Infinity` if it exceeds the capacity. */
  waitTimeMs(amount: number, now: number): number {
    if (amount > this.capacity) return Infinity;
    const level = this.available(now);
    const deficit = amount - level;
    if (deficit <= EPSILON) return 0;
    const waitMs = Math.ceil(deficit / this.refillPerMs);
    // Division rounding can overshoot by a whole millisecond; use the same test as `tryTake`.
    return level + (waitMs - 1) * this.refillPerMs + EPSILON >= amount ? waitMs - 1 : waitMs;
  }

  /** The fill level in [0, 1]. */
  fraction(now: number): number {
    const level = this.available(now);
    return level <= 0 ? 0 : level / this.capacity;
  }

  /** The level before the cap: capacity, plus all refill since the time origin, minus what was wasted and spent. */
  private uncapped(now: number): number {
    const refilled = (now + this.scope.timeOrigin) * this.refillPerMs;
    const spent = this.scope.number(this.spentKey) ?? 0;
    return this.capacity + refilled - this.wasted(now, refilled, spent) - spent;
  }

  /** The waste mark to use at `now`; on a shared store, first raised from what every process has pushed. */
  private wasted(now: number, refilled: number, spent: number): number {
    const store = this.scope.store;
    const stored = this.scope.number(this.wastedKey) ?? 0;
    if (store.unsyncedMs === undefined) return stored;
    const unsyncedMs = store.unsyncedMs(this.spentKey);
    if (unsyncedMs === undefined) {
      // Not pulled yet: this process's takes count against a bucket it assumes full from now on.
      if (this.provisionalWasted === undefined && this.capacity + refilled - stored - spent > this.capacity) {
        this.provisionalWasted = refilled - spent;
        // The slice counts the mark is placed from are pulled with `spent`, in the same round trip,
        // so that the first synced view can place the mark other processes may have left unplaced.
        this.watchEpochs(now + this.scope.timeOrigin);
      }
      return this.provisionalWasted !== undefined && this.provisionalWasted > stored ? this.provisionalWasted : stored;
    }
    this.provisionalWasted = undefined;
    const sharedNow = now + this.scope.timeOrigin;
    const settledEpoch = Math.floor((sharedNow - unsyncedMs) / BUCKET_EPOCH_MS);
    if (settledEpoch <= this.markedEpoch) return stored;
    return this.raiseMark(sharedNow, settledEpoch, spent, stored);
  }

  /** Reads the slice counts `raiseMark` reads at `sharedNow`, so that the store starts pulling them. */
  private watchEpochs(sharedNow: number): void {
    const currentEpoch = Math.floor(sharedNow / BUCKET_EPOCH_MS);
    for (let epoch = currentEpoch - MAX_EPOCHS_READ + 1; epoch <= currentEpoch; epoch++) this.scope.store.get(`${this.epochPrefix}${epoch}`);
    if (currentEpoch - MAX_EPOCHS_READ + 1 < this.oldestEpochRead) this.oldestEpochRead = currentEpoch - MAX_EPOCHS_READ + 1;
  }

  /**
   * Raises the stored mark to `refill(τ) − spent before τ` at the starts `τ` of the slices up to
   * `settledEpoch` not considered yet, when higher. `spent before τ` is `spent` less the counts of the
   * slices from τ on: exact once every process pushed its takes from before τ, and only ever too
   * high otherwise, so the mark stays on the safe side. Slice counts this process has not pulled yet
   * hold its own takes only: the slices are considered again once they are pulled.
   */
  private raiseMark(sharedNow: number, settledEpoch: number, spent: number, stored: number): number {
    const store = this.scope.store;
    const currentEpoch = Math.floor(sharedNow / BUCKET_EPOCH_MS);
    const firstEpoch = Math.max(this.markedEpoch + 1, settledEpoch - MAX_EPOCHS_READ + 1);
    if (currentEpoch - firstEpoch >= MAX_EPOCHS_READ * 2) return stored; // syncs are failing: wait for them
    let mark = stored;
    let spentFrom = 0;
    let isComplete = true;
    for (let epoch = currentEpoch; epoch >= firstEpoch; epoch--) {
      const key = `${this.epochPrefix}${epoch}`;
      const count = store.get(key);
      if (typeof count === 'number') spentFrom += count;
      if (isComplete && store.unsyncedMs?.(key) === undefined) isComplete = false;
      if (epoch > settledEpoch) continue;
      const candidate = epoch * BUCKET_EPOCH_MS * this.refillPerMs - (spent - spentFrom);
      if (candidate > mark) mark = candidate;
    }
    // A max register: a process whose view is behind (slice counts not pulled yet) writes a lower
    // mark than another's, and merging by maximum keeps the higher one whatever the order.
    if (mark > stored) {
      if (store.raise !== undefined) store.raise(this.wastedKey, mark);
      else store.set(this.wastedKey, mark);
    }
    if (firstEpoch < this.oldestEpochRead) this.oldestEpochRead = firstEpoch;
    if (!isComplete) return mark;
    // Slices up to `settledEpoch` are not read again.
    if (store.forget !== undefined) {
      for (let epoch = Math.max(this.oldestEpochRead, settledEpoch - MAX_EPOCHS_READ * 4); epoch <= settledEpoch; epoch++) {
        store.forget(`${this.epochPrefix}${epoch}`);
      }
    }
    this.oldestEpochRead = settledEpoch + 1;
    this.markedEpoch = settledEpoch;
    return mark;
  }
}
