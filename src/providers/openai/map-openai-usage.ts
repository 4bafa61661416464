import type { Usage } from '../spec/index.js';

const EMPTY_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

/**
 * Maps a Chat Completions `usage` object. `prompt_tokens` already includes cached tokens and
 * `completion_tokens` already includes reasoning tokens, so they map one to one. Missing usage
 * (a gateway that ignores `stream_options.include_usage`) maps to zeros.
 */
export function mapOpenAIUsage(usage: unknown): Usage {
  if (typeof usage !== 'object' || usage === null) return EMPTY_USAGE;
  const wire = usage as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    prompt_tokens_details?: { cached_tokens?: unknown; cache_write_tokens?: unknown } | null;
    prompt_cache_hit_tokens?: unknown;
    completion_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  const inputTokens = typeof wire.prompt_tokens === 'number' ? wire.prompt_tokens : 0;
  const outputTokens = typeof wire.completion_tokens === 'number' ? wire.completion_tokens : 0;
  // DeepSeek reports its cache reads as `prompt_cache_hit_tokens`.
  const cachedInputTokens = wire.prompt_tokens_details?.cached_tokens ?? wire.prompt_cache_hit_tokens;
  const cacheWriteInputTokens = wire.prompt_tokens_details?.cache_write_tokens;
  const reasoningTokens = wire.completion_tokens_details?.reasoning_tokens;
  // Set one by one rather than spread from temporary objects: this runs on every answer.
  const mapped: { -readonly [K in keyof Usage]: Usage[K] } = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (typeof cachedInputTokens === 'number') mapped.cachedInputTokens = cachedInputTokens;
  if (typeof cacheWriteInputTokens === 'number') mapped.cacheWriteInputTokens = cacheWriteInputTokens;
  if (typeof reasoningTokens === 'number') mapped.reasoningTokens = reasoningTokens;
  return mapped;
}
