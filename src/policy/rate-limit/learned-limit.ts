/** How long a learned `remaining` is trusted when the vendor sent no reset time. */
const DEFAULT_RESET_MS = 60_000;

/**
 * One vendor limit learned from response headers (`limit`, `remaining`, time to reset). Between
 * observations it assumes the vendor refills linearly from `remaining` to `limit` by the reset time
 * (both OpenAI and Anthropic describe continuously replenished limits), and it subtracts what this
 * process sends, so concurrent requests do not all spend the same last request. Once the reset time
 * passes, the learned value no longer constrains anything.
 */
export class LearnedLimit {
  private limit = Number.NaN;
  private remaining = Number.NaN;
  private observedAt = Number.NaN;
  private resetAt = Number.NaN;

  /**
   * Records what the vendor reported at `now`. `resetInMs` is the time until the limit is fully
   * replenished. Values that are missing or not numbers are ignored; without `remaining` nothing changes.
   */
  observe(limit: number | undefined, remaining: number | undefined, resetInMs: number | undefined, now: number): void {
    if (remaining === undefined || !(remaining >= 0)) return;
    this.remaining = remaining;
    this.limit = limit !== undefined && limit >= remaining ? limit : Number.NaN;
    this.observedAt = now;
    this.resetAt = now + (resetInMs !== undefined && resetInMs >= 0 ? resetInMs : DEFAULT_RESET_MS);
  }

  /** Whether a learned value constrains requests at `now`. */
  isActive(now: number): boolean {
    return now < this.resetAt;
  }

  /** What the vendor has left at `now` by this estimate; `Infinity` when nothing is known. */
  available(now: number): number {
    if (!(now < this.resetAt)) return Infinity;
    if (Number.isNaN(this.limit) || now <= this.observedAt) return this.remaining;
    const refilled = ((this.limit - this.remaining) * (now - this.observedAt)) / (this.resetAt - this.observedAt);
    return Math.min(this.limit, this.remaining + refilled);
  }

  /** Counts `amount` as spent by this process (no-op when nothing is known). */
  take(amount: number, now: number): void {
    if (now < this.resetAt) this.remaining -= amount;
  }

  /** Milliseconds until `amount` is available by this estimate; 0 when nothing is known. */
  waitTimeMs(amount: number, now: number): number {
    const available = this.available(now);
    if (available >= amount) return 0;
    const untilReset = Math.ceil(this.resetAt - now);
    if (Number.isNaN(this.limit) || this.limit < amount || this.limit <= this.remaining) return untilReset;
    // Solve remaining + (limit - remaining) · (t - observedAt) / span = amount for t.
    const span = this.resetAt - this.observedAt;
    const readyAt = this.observedAt + ((amount - this.remaining) * span) / (this.limit - this.remaining);
    return Math.min(untilReset, Math.max(0, Math.ceil(readyAt - now)));
  }

  /** The estimated fraction left in [0, 1]; 1 when nothing is known. */
  fraction(now: number): number {
    const available = this.available(now);
    if (available === Infinity) return 1;
    if (available <= 0) return 0;
    return Number.isNaN(this.limit) || this.limit === 0 ? 1 : Math.min(1, available / this.limit);
  }
}
