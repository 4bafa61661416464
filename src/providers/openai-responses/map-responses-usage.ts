import type { Usage } from '../spec/index.js';
import type { ResponsesUsage } from './responses-wire-types.js';

const EMPTY_USAGE: Usage = /* @__PURE__ */ Object.freeze({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Maps Responses API `usage`. `input_tokens` already includes `cached_tokens` (cache reads) and
 * `cache_write_tokens`; `output_tokens` already includes `reasoning_tokens`. Missing usage (every
 * snapshot before `response.completed`) maps to zeros.
 */
export function mapResponsesUsage(usage: ResponsesUsage | null | undefined): Usage {
  if (typeof usage !== 'object' || usage === null) return EMPTY_USAGE;
  const inputTokens = count(usage.input_tokens) ?? 0;
  const outputTokens = count(usage.output_tokens) ?? 0;
  const mapped: { -readonly [K in keyof Usage]: Usage[K] } = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  const cached = count(usage.input_tokens_details?.cached_tokens);
  if (cached !== undefined) mapped.cachedInputTokens = cached;
  const written = count(usage.input_tokens_details?.cache_write_tokens);
  if (written !== undefined) mapped.cacheWriteInputTokens = written;
  const reasoning = count(usage.output_tokens_details?.reasoning_tokens);
  if (reasoning !== undefined) mapped.reasoningTokens = reasoning;
  return mapped;
}
