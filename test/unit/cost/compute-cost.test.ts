import { describe, expect, it } from 'vitest';
import { computeCost, estimateCost } from '../../../src/cost/compute-cost.js';
import type { ModelPrice } from '../../../src/cost/price-table.js';

const price: ModelPrice = { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25 };

describe('computeCost', () => {
  it('charges input and output tokens at their per-million rates', () => {
    expect(computeCost({ inputTokens: 1_000_000, outputTokens: 0, totalTokens: 1_000_000 }, price)).toBeCloseTo(2.5, 10);
    expect(computeCost({ inputTokens: 1_000, outputTokens: 500, totalTokens: 1_500 }, price)).toBeCloseTo(0.0025 + 0.005, 12);
  });

  it('charges cached input tokens, a subset of input, at the cached rate', () => {
    const usage = { inputTokens: 10_000, outputTokens: 1_000, totalTokens: 11_000, cachedInputTokens: 8_000 };
    // 2,000 uncached × 2.5 + 8,000 cached × 1.25 + 1,000 × 10, per million
    expect(computeCost(usage, price)).toBeCloseTo((2_000 * 2.5 + 8_000 * 1.25 + 1_000 * 10) / 1e6, 12);
  });

  it('charges cached tokens at the input rate when the price has no cached rate', () => {
    const usage = { inputTokens: 10_000, outputTokens: 0, totalTokens: 10_000, cachedInputTokens: 8_000 };
    expect(computeCost(usage, { inputPerMillion: 3, outputPerMillion: 15 })).toBeCloseTo(0.03, 12);
  });

  it('never counts more cached tokens than input tokens', () => {
    const usage = { inputTokens: 100, outputTokens: 0, totalTokens: 100, cachedInputTokens: 500 };
    expect(computeCost(usage, price)).toBeCloseTo((100 * 1.25) / 1e6, 12);
  });

  it('costs nothing for zero usage', () => {
    expect(computeCost({ inputTokens: 0, outputTokens: 0, totalTokens: 0 }, price)).toBe(0);
  });
});

describe('estimateCost', () => {
  it('prices all input uncached and the whole output allowance', () => {
    expect(estimateCost(2_000, 1_000, price)).toBeCloseTo((2_000 * 2.5 + 1_000 * 10) / 1e6, 12);
  });

  it('is at least the actual cost of any answer within maxOutputTokens', () => {
    const estimate = estimateCost(2_000, 1_000, price);
    expect(computeCost({ inputTokens: 2_000, outputTokens: 1_000, totalTokens: 3_000, cachedInputTokens: 1_500 }, price)).toBeLessThan(estimate);
  });
});
