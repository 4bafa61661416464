import type { Usage } from '../client/types.js';
import type { ModelPrice } from './price-table.js';

const PER_MILLION = 1_000_000;

/**
 * The cost in USD of one call's `usage` at `price`. Cached input tokens (a subset of `inputTokens`)
 * are charged at `cachedInputPerMillion` when the price has one, the rest of the input at
 * `inputPerMillion`; output tokens, reasoning included, at `outputPerMillion`.
 */
export function computeCost(usage: Usage, price: ModelPrice): number {
  const cachedTokens = Math.min(Math.max(usage.cachedInputTokens ?? 0, 0), usage.inputTokens);
  const uncachedTokens = usage.inputTokens - cachedTokens;
  const cachedRate = price.cachedInputPerMillion ?? price.inputPerMillion;
  return (
    (uncachedTokens * price.inputPerMillion + cachedTokens * cachedRate + usage.outputTokens * price.outputPerMillion) /
    PER_MILLION
  );
}

/**
 * The most a call can cost before it is sent, for budget checks: every input token at the uncached
 * rate and the full `maxOutputTokens` at the output rate. The real cost is lower when the answer is
 * shorter or part of the prompt is cached.
 */
export function estimateCost(inputTokens: number, maxOutputTokens: number, price: ModelPrice): number {
  return (inputTokens * price.inputPerMillion + maxOutputTokens * price.outputPerMillion) / PER_MILLION;
}
