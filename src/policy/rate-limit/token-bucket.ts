/** Float tolerance so that waiting exactly `waitTimeMs()` always lets the take succeed. */
const EPSILON = 1e-9;

/**
 * A token bucket with continuous refill: it holds at most `capacity` tokens and gains
 * `refillPerMs` tokens per millisecond. Starts full. Times are on the caller's clock (`now`).
 * The level may go below zero after `take()` (a charge settled after the fact); the bucket then
 * refuses until it has refilled.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly refillPerMs: number;
  private level: number;
  private updatedAt = Number.NaN;

  constructor(capacity: number, refillPerMs: number) {
    this.capacity = capacity;
    this.refillPerMs = refillPerMs;
    this.level = capacity;
  }

  /** Tokens available at `now` (may be negative while in debt). */
  available(now: number): number {
    this.refill(now);
    return this.level;
  }

  /** Whether `amount` tokens could be taken at `now`, without taking them. */
  canTake(amount: number, now: number): boolean {
    this.refill(now);
    return this.level + EPSILON >= amount;
  }

  /** Takes `amount` tokens if they are all there; otherwise takes nothing. */
  tryTake(amount: number, now: number): boolean {
    this.refill(now);
    if (this.level + EPSILON < amount) return false;
    this.level -= amount;
    return true;
  }

  /** Takes `amount` unconditionally (may go into debt), or gives back a negative `amount`. */
  take(amount: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level - amount);
  }

  /** Milliseconds until `amount` tokens are available; `Infinity` if it exceeds the capacity. */
  waitTimeMs(amount: number, now: number): number {
    if (amount > this.capacity) return Infinity;
    this.refill(now);
    const deficit = amount - this.level;
    if (deficit <= EPSILON) return 0;
    const waitMs = Math.ceil(deficit / this.refillPerMs);
    // Division rounding can overshoot by a whole millisecond; use the same test as `tryTake`.
    return this.level + (waitMs - 1) * this.refillPerMs + EPSILON >= amount ? waitMs - 1 : waitMs;
  }

  /** The fill level in [0, 1]. */
  fraction(now: number): number {
    this.refill(now);
    return this.level <= 0 ? 0 : this.level / this.capacity;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.level = Math.min(this.capacity, this.level + (now - this.updatedAt) * this.refillPerMs);
      this.updatedAt = now;
    } else if (Number.isNaN(this.updatedAt)) {
      this.updatedAt = now;
    }
  }
}
