import { expectFraction, expectNumber } from '../validate-option.js';

/** How many retries a deployment may take on top of its calls. */
export type RetryBudgetOptions = {
  /**
   * Retries allowed per call sent to the deployment: 0.2 lets retries add at most 20 % load.
   * @default 0.2
   */
  readonly ratio?: number;
  /**
   * Retries allowed per second whatever the traffic, so a quiet deployment can still retry.
   * @default 1
   */
  readonly minRetriesPerSecond?: number;
  /**
   * The most retries saved up from calls (the burst a healthy period buys), and the savings a
   * new budget starts with. Savings hold at least one retry whatever this says.
   * @default 10
   */
  readonly maxSaved?: number;
};

const DEFAULTS = { ratio: 0.2, minRetriesPerSecond: 1, maxSaved: 10 } as const;

/** Validates retry-budget options; throws `InvalidArgumentError` naming the field. */
export function validateRetryBudgetOptions(options: RetryBudgetOptions, prefix = ''): void {
  if (options.ratio !== undefined) expectFraction(`${prefix}ratio`, options.ratio);
  if (options.minRetriesPerSecond !== undefined) expectNumber(`${prefix}minRetriesPerSecond`, options.minRetriesPerSecond, 0);
  if (options.maxSaved !== undefined) expectNumber(`${prefix}maxSaved`, options.maxSaved, 0);
}

/**
 * A token-bucket retry budget (as Finagle's `RetryBudget` and gRPC's retry throttling): each call
 * sent deposits `ratio` of a retry, each retry withdraws one, and a reserve refilled at
 * `minRetriesPerSecond` (holding one second's worth) lets a quiet deployment retry too. Over any
 * period, retries ≤ `ratio` × calls + `maxSaved` + `minRetriesPerSecond` × seconds. Starts full,
 * so a fresh client retries as before until failures are sustained. Times on the caller's clock.
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly reservePerMs: number;
  private readonly reserveCapacity: number;
  private readonly maxSaved: number;
  private saved: number;
  private reserve: number;
  private reserveAt: number | undefined;

  constructor(options: RetryBudgetOptions = {}) {
    validateRetryBudgetOptions(options);
    this.ratio = options.ratio ?? DEFAULTS.ratio;
    this.reserveCapacity = options.minRetriesPerSecond ?? DEFAULTS.minRetriesPerSecond;
    this.reservePerMs = this.reserveCapacity / 1000;
    const maxSaved = options.maxSaved ?? DEFAULTS.maxSaved;
    this.saved = maxSaved;
    // Savings must reach one retry for a retry to be taken from them.
    this.maxSaved = Math.max(1, maxSaved);
    this.reserve = this.reserveCapacity;
  }

  /** Counts one call sent to the deployment (its first attempt there). */
  deposit(): void {
    const saved = this.saved + this.ratio;
    this.saved = saved < this.maxSaved ? saved : this.maxSaved;
  }

  /** Takes one retry if the budget has it; false when it is spent (fail over or fail fast instead). */
  tryWithdraw(now: number): boolean {
    if (this.saved >= 1) {
      this.saved -= 1;
      return true;
    }
    this.refill(now);
    if (this.reserve >= 1) {
      this.reserve -= 1;
      return true;
    }
    return false;
  }

  /** Retries available now (saved plus reserve), for `health()`. */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.saved) + Math.floor(this.reserve);
  }

  private refill(now: number): void {
    if (this.reserveAt !== undefined && now > this.reserveAt) {
      const reserve = this.reserve + (now - this.reserveAt) * this.reservePerMs;
      this.reserve = reserve < this.reserveCapacity ? reserve : this.reserveCapacity;
    }
    this.reserveAt = now;
  }
}
