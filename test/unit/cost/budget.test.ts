import { describe, expect, it } from 'vitest';
import { Budget } from '../../../src/cost/budget.js';
import { BudgetExceededError, InvalidArgumentError } from '../../../src/errors/errors.js';
import { StateScope } from '../../../src/state/state-scope.js';
import { MemoryStateStore } from '../../../src/state/state-store.js';

function captureError(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Budget', () => {
  it('passes a request whose estimate is within the per-request limit', () => {
    const budget = new Budget({ perRequestUsd: 0.05 });
    expect(() => budget.check(0.05, 0)).not.toThrow();
  });

  it('refuses a request whose estimate is over the per-request limit with a typed error', () => {
    const budget = new Budget({ perRequestUsd: 0.05 });
    const error = captureError(() => budget.check(0.06, 0));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ code: 'RLLM_BUDGET_EXCEEDED', limitUsd: 0.05, estimatedUsd: 0.06, isRetryable: false });
    expect((error as Error).message).toMatch(/per-request budget of \$0\.05$/);
  });

  it('refuses when the window spend plus the estimate is over the window limit', () => {
    const budget = new Budget({ perWindowUsd: 1, windowMs: 60_000 });
    budget.commit(0.7, 1_000);
    budget.commit(0.2, 2_000);
    expect(() => budget.check(0.1, 3_000)).not.toThrow();
    const error = captureError(() => budget.check(0.2, 3_000));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).limitUsd).toBe(1);
    expect((error as BudgetExceededError).estimatedUsd).toBeCloseTo(1.1, 10);
  });

  it('lets spend leave the window windowMs after it was committed, at most one slot (windowMs / 100) later', () => {
    const budget = new Budget({ perWindowUsd: 1, windowMs: 60_000 });
    budget.commit(0.9, 0);
    budget.commit(0.05, 30_000);
    expect(budget.spent(59_999)).toBeCloseTo(0.95, 10);
    expect(() => budget.check(0.5, 59_999)).toThrow(BudgetExceededError);
    expect(budget.spent(60_599)).toBeCloseTo(0.95, 10); // the slot [0, 600) is still in the window
    expect(budget.spent(60_600)).toBeCloseTo(0.05, 10);
    expect(() => budget.check(0.5, 60_600)).not.toThrow();
    expect(budget.spent(90_600)).toBe(0);
  });

  it('defaults the window to 24 hours', () => {
    const budget = new Budget({ perWindowUsd: 1 });
    expect(budget.windowMs).toBe(86_400_000);
    budget.commit(1, 0);
    expect(() => budget.check(0.01, 86_399_999)).toThrow(BudgetExceededError);
    expect(() => budget.check(0.01, 86_400_000 + 864_000)).not.toThrow();
  });

  it('never lets spend leave the window early', () => {
    const budget = new Budget({ perWindowUsd: 10, windowMs: 1_000 });
    budget.commit(1, 0);
    budget.commit(1, 9.5); // the same 10 ms slot
    expect(budget.spent(999)).toBe(2);
    expect(budget.spent(1_009.5)).toBe(2);
    expect(budget.spent(1_010)).toBe(0);
  });

  it('holds reservations so concurrent calls cannot overspend the window', () => {
    const budget = new Budget({ perWindowUsd: 1, windowMs: 60_000 });
    const first = budget.reserve(0.6, 0);
    expect(() => budget.reserve(0.6, 1)).toThrow(BudgetExceededError);
    first.commit(0.2, 2);
    first.commit(5, 3); // settled once; ignored
    expect(budget.spent(3)).toBeCloseTo(0.2, 10);
    const second = budget.reserve(0.6, 4);
    second.release();
    second.release();
    expect(budget.spent(5)).toBeCloseTo(0.2, 10);
  });

  it('checks nothing when no limit is set', () => {
    const budget = new Budget();
    budget.commit(1_000, 0);
    expect(() => budget.check(1_000, 1)).not.toThrow();
  });

  it('validates its options eagerly', () => {
    expect(() => new Budget({ perRequestUsd: -1 })).toThrow(InvalidArgumentError);
    expect(() => new Budget({ perWindowUsd: Number.NaN })).toThrow(/Expected `budget.perWindowUsd` to be a non-negative number, got NaN/);
    expect(() => new Budget({ windowMs: 0 })).toThrow(/budget.windowMs/);
  });

  it('needs no more than about a hundred live counters however many commits are made', () => {
    // A store that keeps only 200 keys: if the budget needed more, old slots would be lost early.
    const budget = new Budget({ perWindowUsd: 1e9, windowMs: 1_000 }, new StateScope(new MemoryStateStore({ maxEntries: 200 })));
    for (let now = 0; now < 100_000; now += 1) budget.commit(0.001, now);
    // the slots from 99,000's to 100,000's: commits at 99,000…99,999
    expect(budget.spent(100_000)).toBeCloseTo(1, 9);
    expect(budget.spent(100_005)).toBeCloseTo(1, 9);
    expect(budget.spent(100_010)).toBeCloseTo(0.99, 9);
  });

  it('holds one window limit for budgets sharing a store, as processes sharing a StateStore do', () => {
    const store = new MemoryStateStore();
    const first = new Budget({ perWindowUsd: 1, windowMs: 60_000 }, new StateScope(store, 'budget\u001f'));
    const second = new Budget({ perWindowUsd: 1, windowMs: 60_000 }, new StateScope(store, 'budget\u001f'));
    first.commit(0.6, 0);
    expect(() => second.check(0.3, 200)).not.toThrow();
    second.commit(0.3, 200);
    expect(() => second.check(0.2, 300)).toThrow(BudgetExceededError);
    expect(first.spent(300)).toBeCloseTo(0.9, 10);
  });
});
