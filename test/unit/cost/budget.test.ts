import { describe, expect, it } from 'vitest';
import { Budget } from '../../../src/cost/budget.js';
import { BudgetExceededError, InvalidArgumentError } from '../../../src/errors/errors.js';

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
    expect((error as Error).message).toMatch(/per-request budget of \$0\.0500/);
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

  it('lets spend leave the window windowMs after it was committed', () => {
    const budget = new Budget({ perWindowUsd: 1, windowMs: 60_000 });
    budget.commit(0.9, 0);
    budget.commit(0.05, 30_000);
    expect(budget.spent(59_999)).toBeCloseTo(0.95, 10);
    expect(() => budget.check(0.5, 59_999)).toThrow(BudgetExceededError);
    expect(budget.spent(60_000)).toBeCloseTo(0.05, 10);
    expect(() => budget.check(0.5, 60_000)).not.toThrow();
    expect(budget.spent(90_000)).toBe(0);
  });

  it('defaults the window to 24 hours', () => {
    const budget = new Budget({ perWindowUsd: 1 });
    expect(budget.windowMs).toBe(86_400_000);
    budget.commit(1, 0);
    expect(() => budget.check(0.01, 86_399_999)).toThrow(BudgetExceededError);
    expect(() => budget.check(0.01, 86_400_000)).not.toThrow();
  });

  it('never lets merged commits leave the window early', () => {
    const budget = new Budget({ perWindowUsd: 10, windowMs: 1_000 });
    budget.commit(1, 0);
    budget.commit(1, 0.5); // merged with the first (same 1 ms slot)
    expect(budget.spent(999)).toBe(2);
    expect(budget.spent(1_000.5)).toBe(0);
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

  it('keeps memory bounded over many commits', () => {
    const budget = new Budget({ perWindowUsd: 1e9, windowMs: 1_000 });
    for (let now = 0; now < 100_000; now += 1) budget.commit(0.001, now);
    // commits at 99,001…99,999 are inside the window ending at 100,000
    expect(budget.spent(100_000)).toBeCloseTo(0.999, 9);
    const entries = (budget as unknown as { times: number[] }).times.length;
    expect(entries).toBeLessThanOrEqual(2 * 1_000 + 64);
  });
});
