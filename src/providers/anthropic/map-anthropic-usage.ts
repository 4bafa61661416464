import type { Usage } from '../spec/index.js';
import type { AnthropicUsage } from './anthropic-wire-types.js';

/**
 * Maps Anthropic usage. The API reports input in three disjoint buckets (uncached, written to the
 * cache, read from the cache); `inputTokens` is their sum and `cachedInputTokens` the cache reads
 * (set only when the vendor reported them).
 * `output_tokens` already includes thinking.
 */
export function mapAnthropicUsage(usage: AnthropicUsage | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens;
  const inputTokens = (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (cacheRead ?? 0);
  const outputTokens = usage?.output_tokens ?? 0;
  const mapped: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  return typeof cacheRead === 'number' ? { ...mapped, cachedInputTokens: cacheRead } : mapped;
}
