import { describe, expect, it } from 'vitest';
import { blendedPricePerMillion, isWithinCostMultiplier } from '../../../src/cost/cost-multiplier.js';
import { DEFAULT_PRICES, type ModelPrice } from '../../../src/cost/price-table.js';

const price = (model: string): ModelPrice => {
  const found = DEFAULT_PRICES[model];
  if (!found) throw new Error(`no default price for ${model}`);
  return found;
};

describe('blendedPricePerMillion', () => {
  it('weighs input three to one against output', () => {
    expect(blendedPricePerMillion({ inputPerMillion: 2, outputPerMillion: 10 })).toBe(4);
    expect(blendedPricePerMillion({ inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 })).toBe(6);
  });
});

describe('isWithinCostMultiplier', () => {
  it('admits a candidate priced within the multiplier', () => {
    expect(isWithinCostMultiplier(price('gpt-4o'), price('claude-sonnet-4-5'), 2)).toBe(true); // 4.375 → 6
    expect(isWithinCostMultiplier(price('gpt-4o'), price('gpt-4o-mini'), 1)).toBe(true);
  });

  it('refuses a candidate dearer than the multiplier allows', () => {
    expect(isWithinCostMultiplier(price('gpt-4o-mini'), price('claude-opus-4-1'), 3)).toBe(false);
    expect(isWithinCostMultiplier(price('gpt-4o'), price('claude-sonnet-4-5'), 1.3)).toBe(false);
  });

  it('admits a candidate at exactly the limit', () => {
    expect(isWithinCostMultiplier({ inputPerMillion: 1, outputPerMillion: 1 }, { inputPerMillion: 2, outputPerMillion: 2 }, 2)).toBe(true);
  });

  it('admits only free candidates when the primary is free', () => {
    const free = { inputPerMillion: 0, outputPerMillion: 0 };
    expect(isWithinCostMultiplier(free, free, 5)).toBe(true);
    expect(isWithinCostMultiplier(free, { inputPerMillion: 0.01, outputPerMillion: 0.01 }, 5)).toBe(false);
  });
});
