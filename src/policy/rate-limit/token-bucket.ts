import { KEY_SEPARATOR, StateScope } from '../../state/state-scope.js';

/**
 * Float tolerance so that waiting exactly `waitTimeMs()` always lets the take succeed. Amounts are
 * requests and tokens, so a millionth of one never matters.
 */
const EPSILON = 1e-6;

/**
 * A token bucket with continuous refill: it holds at most `capacity` tokens and gains
 * `refillPerMs` tokens per millisecond. Starts full. Times are on the caller's clock (`now`).
 * The level may go below zero after `take()` (a charge settled after the fact); the bucket then
 * refuses until it has refilled.
 *
 * Its state is two numbers in a `StateStore`, kept so that processes sharing the store lose no
 * take even when they write at the same moment:
 * - `spent`: every token ever taken, an increment per take (increments from all processes add up);
 * - `wasted`: refill that overflowed a full bucket, set (rarely) when a take finds the bucket full.
 * The level is `capacity + refill since the time origin − wasted − spent`, capped at `capacity`.
 * Two processes that both find the bucket full write nearly the same `wasted`, and either value
 * leaves the level right once both their takes are counted in `spent`.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly refillPerMs: number;
  private readonly scope: StateScope;
  private readonly spentKey: string;
  private readonly wastedKey: string;

  /** `scope` and `name` say where the state lives; by default the bucket keeps it to itself. */
  constructor(capacity: number, refillPerMs: number, scope: StateScope = StateScope.inMemory(), name = 'bucket') {
    this.capacity = capacity;
    this.refillPerMs = refillPerMs;
    this.scope = scope;
    this.spentKey = scope.key(`${name}${KEY_SEPARATOR}spent`);
    this.wastedKey = scope.key(`${name}${KEY_SEPARATOR}wasted`);
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
    if (level > this.capacity) {
      // The bucket is full: count the refill that overflowed, so the level starts from `capacity`.
      store.set(this.wastedKey, (this.scope.number(this.wastedKey) ?? 0) + level - this.capacity);
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
    return this.capacity + refilled - (this.scope.number(this.wastedKey) ?? 0) - (this.scope.number(this.spentKey) ?? 0);
  }
}
