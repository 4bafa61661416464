import type { Usage } from '../spec/index.js';
import type { AnthropicUsage } from './anthropic-wire-types.js';

/**
 * Maps Anthropic usage. The API reports input in three disjoint buckets (uncached, written to the
 * cache, read from the cache); `inputTokens` is their sum, `cachedInputTokens` the cache reads and
 * `cacheWriteInputTokens` the writes (each set only when the vendor reported it), with
 * `cacheWrite1hInputTokens` the writes of `cache_creation.ephemeral_1h_input_tokens`.
 * `output_tokens` already includes thinking.
 */
export function mapAnthropicUsage(usage: AnthropicUsage | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens;
  const cacheWrite = usage?.cache_creation_input_tokens;
  const inputTokens = (usage?.input_tokens ?? 0) + (cacheWrite ?? 0) + (cacheRead ?? 0);
  const outputTokens = usage?.output_tokens ?? 0;
  const mapped: { -readonly [K in keyof Usage]: Usage[K] } = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (typeof cacheRead === 'number') mapped.cachedInputTokens = cacheRead;
  if (typeof cacheWrite === 'number') mapped.cacheWriteInputTokens = cacheWrite;
  const write1h = usage?.cache_creation?.ephemeral_1h_input_tokens;
  if (typeof write1h === 'number' && write1h > 0) mapped.cacheWrite1hInputTokens = write1h;
  return mapped;
}
