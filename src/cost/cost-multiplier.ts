import type { ModelPrice } from './price-table.js';

/**
 * One number per model for comparing prices: `(3 × input + output) / 4` USD per million tokens.
 * The 3:1 input-to-output blend is the common industry convention and matches typical chat traffic,
 * where prompts (system prompt, history, documents) are several times longer than answers. A plain
 * average would overweight output and make long-prompt workloads look cheaper than they are on
 * models with costly input. `cachedInputFraction` (0 to 1) prices that share of the input at the
 * cache-read rate: what a deployment with a warm prompt cache charges for this prompt.
 */
export function blendedPricePerMillion(price: ModelPrice, cachedInputFraction = 0): number {
  if (cachedInputFraction <= 0) return (3 * price.inputPerMillion + price.outputPerMillion) / 4;
  // With a warm prompt cache, that share of the input is billed at the cache-read rate.
  const fraction = Math.min(cachedInputFraction, 1);
  const input = price.inputPerMillion * (1 - fraction) + (price.cachedInputPerMillion ?? price.inputPerMillion) * fraction;
  return (3 * input + price.outputPerMillion) / 4;
}

/**
 * Whether `candidate` costs at most `multiplier` times `primary`, by blended price. Used to keep a
 * fallback from moving to a much dearer model (`maxCostMultiplier`). A free primary admits only
 * free candidates.
 */
export function isWithinCostMultiplier(primary: ModelPrice, candidate: ModelPrice, multiplier: number): boolean {
  return blendedPricePerMillion(candidate) <= blendedPricePerMillion(primary) * multiplier + Number.EPSILON;
}
