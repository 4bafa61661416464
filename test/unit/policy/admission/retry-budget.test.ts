import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../../src/policy/admission/retry-budget.js';

describe('RetryBudget', () => {
  it('starts full, then allows retries as a share of calls', () => {
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0, maxSaved: 2 });
    expect(budget.tryWithdraw(0)).toBe(true);
    expect(budget.tryWithdraw(0)).toBe(true);
    expect(budget.tryWithdraw(0)).toBe(false);
    let retries = 0;
    for (let call = 0; call < 100; call++) {
      budget.deposit();
      if (budget.tryWithdraw(0)) retries++;
    }
    expect(retries).toBe(20);
  });

  it('keeps a reserve of minRetriesPerSecond for a quiet deployment', () => {
    const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 2, maxSaved: 0 });
    expect(budget.tryWithdraw(0)).toBe(true);
    expect(budget.tryWithdraw(0)).toBe(true);
    expect(budget.tryWithdraw(0)).toBe(false);
    expect(budget.tryWithdraw(499)).toBe(false);
    expect(budget.tryWithdraw(500)).toBe(true);
    expect(budget.available(10_000)).toBe(2);
  });

  it('rejects a ratio above one', () => {
    expect(() => new RetryBudget({ ratio: 1.5 })).toThrow(/ratio/);
  });
});
