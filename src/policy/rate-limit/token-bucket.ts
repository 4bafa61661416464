import { StateScope } from '../state-scope.js';

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
 * Its whole state is one number in a `StateStore`: the time at which the bucket is full again (the
 * "theoretical arrival time" of GCRA). An absent key is a full bucket, so every process sharing
 * the store draws from the same bucket, and the key expires once it no longer matters.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly refillPerMs: number;
  private readonly scope: StateScope;
  private readonly key: string;

  /** `scope` and `name` say where the state lives; by default the bucket keeps it to itself. */
  constructor(capacity: number, refillPerMs: number, scope: StateScope = StateScope.inMemory(), name = 'bucket') {
    this.capacity = capacity;
    this.refillPerMs = refillPerMs;
    this.scope = scope;
    this.key = scope.key(name);
  }

  /** Tokens available at `now` (may be negative while in debt). */
  available(now: number): number {
    const fullAt = this.scope.time(this.key);
    if (fullAt === undefined || fullAt <= now) return this.capacity;
    return this.capacity - (fullAt - now) * this.refillPerMs;
  }

  /** Whether `amount` tokens could be taken at `now`, without taking them. */
  canTake(amount: number, now: number): boolean {
    return this.available(now) + EPSILON >= amount;
  }

  /** Takes `amount` tokens if they are all there; otherwise takes nothing. */
  tryTake(amount: number, now: number): boolean {
    const level = this.available(now);
    if (level + EPSILON < amount) return false;
    this.store(level - amount, now);
    return true;
  }

  /** Takes `amount` unconditionally (may go into debt), or gives back a negative `amount`. */
  take(amount: number, now: number): void {
    this.store(Math.min(this.capacity, this.available(now) - amount), now);
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

  private store(level: number, now: number): void {
    if (level >= this.capacity) {
      this.scope.store.delete(this.key);
      return;
    }
    const untilFullMs = (this.capacity - level) / this.refillPerMs;
    this.scope.setTime(this.key, now + untilFullMs, untilFullMs);
  }
}
