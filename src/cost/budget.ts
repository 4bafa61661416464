import { BudgetExceededError, InvalidArgumentError } from '../errors/errors.js';

/** Spending limits in USD. Omit a limit to leave it unchecked. */
export type BudgetOptions = {
  /** The most one call's pre-flight estimate may be. */
  readonly perRequestUsd?: number;
  /** The most that may be spent within any rolling `windowMs`. */
  readonly perWindowUsd?: number;
  /** The length of the rolling window for `perWindowUsd`. @default 86_400_000 (24 hours) */
  readonly windowMs?: number;
};

/** A hold on the window taken by `Budget.reserve`; settle it once the call ends. */
export type BudgetReservation = {
  /** Replaces the hold with what the call actually cost. Later calls are ignored. */
  commit(actualUsd: number, now: number): void;
  /** Drops the hold without spending (the call was never sent). Later calls are ignored. */
  release(): void;
};

const DEFAULT_WINDOW_MS = 86_400_000;
/** Commits closer together than windowMs / SLOTS share one entry, so memory stays bounded. */
const SLOTS = 1_000;

/**
 * Refuses calls before they are sent when they would break a per-request or per-window limit.
 * Time is passed in (`now`, in ms) so the window is testable; any monotonic clock works.
 *
 * A committed amount leaves the window `windowMs` after it was committed (at most
 * `windowMs / 1000` later, never earlier, because close commits are merged).
 */
export class Budget {
  readonly perRequestUsd: number | undefined;
  readonly perWindowUsd: number | undefined;
  readonly windowMs: number;
  private readonly slotMs: number;
  private readonly times: number[] = [];
  private readonly amounts: number[] = [];
  private head = 0;
  private committedUsd = 0;
  private heldUsd = 0;

  constructor(options: BudgetOptions = {}) {
    this.perRequestUsd = validateUsd('budget.perRequestUsd', options.perRequestUsd);
    this.perWindowUsd = validateUsd('budget.perWindowUsd', options.perWindowUsd);
    const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new InvalidArgumentError('budget.windowMs', `Expected \`budget.windowMs\` to be a positive number, got ${String(windowMs)}.`);
    }
    this.windowMs = windowMs;
    this.slotMs = windowMs / SLOTS;
  }

  /** USD spent (and held by open reservations) within the window ending at `now`. */
  spent(now: number): number {
    this.evict(now);
    return Math.max(0, this.committedUsd) + this.heldUsd;
  }

  /**
   * Throws `BudgetExceededError` when `estimatedUsd` is over `perRequestUsd`, or when the window's
   * spend plus `estimatedUsd` is over `perWindowUsd`. For the window refusal, `estimatedUsd` on the
   * error is that sum, so it compares directly with `limitUsd`.
   */
  check(estimatedUsd: number, now: number): void {
    if (this.perRequestUsd !== undefined && estimatedUsd > this.perRequestUsd) {
      throw new BudgetExceededError(
        `estimated ${formatUsd(estimatedUsd)} for this request exceeds the per-request budget of ${formatUsd(this.perRequestUsd)}`,
        this.perRequestUsd,
        estimatedUsd,
      );
    }
    if (this.perWindowUsd !== undefined) {
      const wouldSpend = this.spent(now) + estimatedUsd;
      if (wouldSpend > this.perWindowUsd) {
        throw new BudgetExceededError(
          `spend in the last ${this.windowMs} ms plus this request's estimate (${formatUsd(wouldSpend)}) exceeds the window budget of ${formatUsd(this.perWindowUsd)}`,
          this.perWindowUsd,
          wouldSpend,
        );
      }
    }
  }

  /** Adds what a call actually cost to the window. */
  commit(actualUsd: number, now: number): void {
    if (!(actualUsd > 0)) return;
    this.evict(now);
    const last = this.times.length - 1;
    if (last >= this.head && now - (this.times[last] ?? 0) < this.slotMs) {
      this.amounts[last] = (this.amounts[last] ?? 0) + actualUsd;
    } else {
      this.times.push(now);
      this.amounts.push(actualUsd);
    }
    this.committedUsd += actualUsd;
  }

  /**
   * `check`, then holds `estimatedUsd` against the window until the reservation is settled, so
   * concurrent calls cannot all pass a check that only one of them fits.
   */
  reserve(estimatedUsd: number, now: number): BudgetReservation {
    this.check(estimatedUsd, now);
    const held = Math.max(0, estimatedUsd);
    this.heldUsd += held;
    let isSettled = false;
    const settle = (): boolean => {
      if (isSettled) return false;
      isSettled = true;
      this.heldUsd = Math.max(0, this.heldUsd - held);
      return true;
    };
    return {
      commit: (actualUsd, commitNow) => {
        if (settle()) this.commit(actualUsd, commitNow);
      },
      release: () => {
        settle();
      },
    };
  }

  private evict(now: number): void {
    const oldest = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= oldest) {
      this.committedUsd -= this.amounts[this.head] ?? 0;
      this.head += 1;
    }
    if (this.head === this.times.length) {
      this.times.length = 0;
      this.amounts.length = 0;
      this.head = 0;
      this.committedUsd = 0;
    } else if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.amounts.splice(0, this.head);
      this.head = 0;
    }
  }
}

function validateUsd(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(field, `Expected \`${field}\` to be a non-negative number, got ${String(value)}.`);
  }
  return value;
}

function formatUsd(value: number): string {
  return `$${value.toFixed(value < 0.01 ? 6 : 4)}`;
}
