import { blendedPricePerMillion } from '../cost/cost-multiplier.js';
import { computeCost, estimateCost } from '../cost/compute-cost.js';
import type { PriceTable } from '../cost/price-table.js';
import type { CostHooks } from './executor-types.js';

/** Output tokens assumed for a budget estimate when a request sets no `maxTokens` (capped by the model's limit). */
const ESTIMATED_OUTPUT_TOKENS = 4_096;

/** The executor's spending hooks, read from a price table. */
export function costHooks(prices: PriceTable): CostHooks {
  return {
    costOf(model, usage) {
      const price = prices.lookup(model);
      return price ? computeCost(usage, price) : undefined;
    },
    estimateOf(model, inputTokens, maxOutputTokens) {
      const price = prices.lookup(model);
      if (!price) return undefined;
      return estimateCost(inputTokens, maxOutputTokens ?? Math.min(price.maxOutputTokens ?? ESTIMATED_OUTPUT_TOKENS, ESTIMATED_OUTPUT_TOKENS), price);
    },
    priceIndexOf(model, cachedInputFraction) {
      const price = prices.lookup(model);
      return price ? blendedPricePerMillion(price, cachedInputFraction) : undefined;
    },
  };
}
