import { BudgetExceededError, InvalidArgumentError } from '../errors/errors.js';
import type { TenantQuotaOptions } from './tenant-quotas.js';
import { KEY_SEPARATOR, StateScope } from '../state/state-scope.js';
import { expectKnownKeys, expectNumber, expectObject, expectOneOf, optionKeys } from '../policy/validate-option.js';
import { formatUsd } from './format-usd.js';

/** Spending limits in USD. Omit a limit to leave it unchecked. */
export type BudgetOptions = {
  /** The most one call's pre-flight estimate may be. */
  readonly perRequestUsd?: number;
  /** The most that may be spent within any rolling `windowMs`. */
  readonly perWindowUsd?: number;
  /** The length of the rolling window for `perWindowUsd`. @default 86_400_000 (24 hours) */
  readonly windowMs?: number;
  /**
   * Quotas per tenant (the call option `tenant`): `rpm`, `tpm` and `perWindowUsd`, keyed by tenant,
   * with `'*'` for every other tenant. Held across processes through the `stateStore`; a call over
   * one is refused before sending with `TenantQuotaExceededError`.
   */
  readonly tenants?: TenantQuotaOptions;
  /**
   * What a client does with a model it has no price for, which the budget therefore cannot limit.
   * `'refuse'` (fail closed): the client is not built while an alias uses such a model; give it a
   * price in `prices`. `'allow'`: its calls go through, neither estimated nor counted.
   * @default 'refuse'
   */
  readonly unpricedModels?: 'refuse' | 'allow';
};

const BUDGET_KEYS = /* @__PURE__ */ optionKeys<BudgetOptions>()('perRequestUsd', 'perWindowUsd', 'windowMs', 'unpricedModels', 'tenants');

/** A hold on the window taken by `Budget.reserve`; settle it once the call ends. */
export type BudgetReservation = {
  /** Replaces the hold with what the call actually cost. Later calls are ignored. */
  commit(actualUsd: number, now: number): void;
  /** Drops the hold without spending (the call was never sent). Later calls are ignored. */
  release(): void;
};

const DEFAULT_WINDOW_MS = 86_400_000;
/** The window is counted in this many time slots: one counter each in the `StateStore`. */
const SLOTS = 100;
/** The window's sum is read again from the store at most this often (own commits count at once). */
const REREAD_MS = 100;

/**
 * Refuses calls before they are sent when they would break a per-request or per-window limit.
 * Time is passed in (`now`, in ms) so the window is testable; any monotonic clock works.
 *
 * Committed spend is counted in `StateStore` counters, one per `windowMs / 100` slot (keys
 * `spent␟<slot>`), so budgets of processes sharing a store hold one limit together. A committed
 * amount leaves the window `windowMs` after it was committed: at most `windowMs / 100` later,
 * never earlier. Spend of other processes is seen within 100 ms of reaching the store.
 * Reservations of calls in flight are this process's own.
 */
export class Budget {
  readonly perRequestUsd: number | undefined;
  readonly perWindowUsd: number | undefined;
  readonly windowMs: number;
  /** Whether calls to models without a price may go through unchecked. */
  readonly isUnpricedAllowed: boolean;
  private readonly slotMs: number;
  private readonly scope: StateScope;
  private readonly slotPrefix: string;
  private heldUsd = 0;
  /** The last sum read from the store: for the window whose newest slot is `newestSlot`, read at `readAt`. */
  private cachedSum = 0;
  private cachedNewestSlot = Number.NaN;
  private cachedReadAt = Number.NaN;

  /** `scope` says where the spend counters live; by default the budget keeps them to itself. */
  constructor(options: BudgetOptions = {}, scope: StateScope = StateScope.inMemory()) {
    expectObject('budget', options);
    expectKnownKeys(options, BUDGET_KEYS, 'budget');
    if (options.perRequestUsd !== undefined) expectNumber('budget.perRequestUsd', options.perRequestUsd, 0);
    if (options.perWindowUsd !== undefined) expectNumber('budget.perWindowUsd', options.perWindowUsd, 0);
    if (options.windowMs !== undefined) expectNumber('budget.windowMs', options.windowMs, 0, true);
    if (options.unpricedModels !== undefined) expectOneOf('budget.unpricedModels', options.unpricedModels, ['refuse', 'allow']);
    this.perRequestUsd = options.perRequestUsd;
    this.perWindowUsd = options.perWindowUsd;
    this.isUnpricedAllowed = options.unpricedModels === 'allow';
    const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.windowMs = windowMs;
    this.slotMs = windowMs / SLOTS;
    this.scope = scope;
    this.slotPrefix = scope.key(`spent${KEY_SEPARATOR}`);
  }

  /** USD spent (and held by open reservations) within the window ending at `now`. */
  spent(now: number): number {
    return this.committed(now) + this.heldUsd;
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
    const slot = this.slotOf(now);
    this.scope.store.increment(`${this.slotPrefix}${slot}`, actualUsd, Math.ceil(this.windowMs + this.slotMs));
    if (slot === this.cachedNewestSlot) this.cachedSum += actualUsd;
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

  /** Committed spend in the window ending at `now`: the slots from `now - windowMs`'s to `now`'s. */
  private committed(now: number): number {
    const newest = this.slotOf(now);
    if (newest === this.cachedNewestSlot && now - this.cachedReadAt < REREAD_MS && now >= this.cachedReadAt) return this.cachedSum;
    let sum = 0;
    for (let slot = this.slotOf(now - this.windowMs); slot <= newest; slot++) sum += this.scope.number(`${this.slotPrefix}${slot}`) ?? 0;
    this.cachedSum = sum;
    this.cachedNewestSlot = newest;
    this.cachedReadAt = now;
    return sum;
  }

  private slotOf(now: number): number {
    return Math.floor((now + this.scope.timeOrigin) / this.slotMs);
  }
}
