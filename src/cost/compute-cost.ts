import type { Usage } from '../client/types.js';
import type { ModelPrice } from './price-table.js';

const PER_MILLION = 1_000_000;

/**
 * The cost in USD of one call's `usage` at `price`. Input is split into disjoint buckets: cache
 * reads (`cachedInputTokens`) at `cachedInputPerMillion`, cache writes (`cacheWriteInputTokens`)
 * at `cacheWritePerMillion`, of which those with a 1-hour TTL at `cacheWrite1hPerMillion`, and the
 * rest at `inputPerMillion`; output tokens, reasoning included, at `outputPerMillion`. Missing
 * rates fall back to the input rate. Rounded to 1e-10 USD so sums of attempts stay exact to the cent.
 */
export function computeCost(usage: Usage, price: ModelPrice): number {
  const inputTokens = usage.inputTokens;
  const readTokens = clamp(usage.cachedInputTokens, inputTokens);
  const writeTokens = clamp(usage.cacheWriteInputTokens, inputTokens - readTokens);
  const write1hTokens = clamp(usage.cacheWrite1hInputTokens, writeTokens);
  const uncachedTokens = inputTokens - readTokens - writeTokens;
  const readRate = price.cachedInputPerMillion ?? price.inputPerMillion;
  const writeRate = price.cacheWritePerMillion ?? price.inputPerMillion;
  const write1hRate = price.cacheWrite1hPerMillion ?? writeRate;
  const total =
    uncachedTokens * price.inputPerMillion +
    readTokens * readRate +
    (writeTokens - write1hTokens) * writeRate +
    write1hTokens * write1hRate +
    usage.outputTokens * price.outputPerMillion;
  return Math.round((total / PER_MILLION) * 1e10) / 1e10;
}

function clamp(value: number | undefined, maximum: number): number {
  if (value === undefined || !(value > 0)) return 0;
  return value < maximum ? value : Math.max(maximum, 0);
}

/**
 * The most a call can cost before it is sent, for budget checks: every input token at the uncached
 * rate and the full `maxOutputTokens` at the output rate. The real cost is lower when the answer is
 * shorter or part of the prompt is cached.
 */
export function estimateCost(inputTokens: number, maxOutputTokens: number, price: ModelPrice): number {
  return (inputTokens * price.inputPerMillion + maxOutputTokens * price.outputPerMillion) / PER_MILLION;
}
