import type { Usage } from '../client/types.js';

/** No tokens. Shared, so `addUsage` can return its other argument unchanged. */
export const ZERO_USAGE: Usage = /* @__PURE__ */ Object.freeze({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });

/** The sum of two usages; optional counts appear only when non-zero. */
export function addUsage(total: Usage, usage: Usage): Usage {
  if (total === ZERO_USAGE) return usage;
  const cached = (total.cachedInputTokens ?? 0) + (usage.cachedInputTokens ?? 0);
  const reasoning = (total.reasoningTokens ?? 0) + (usage.reasoningTokens ?? 0);
  const writes = (total.cacheWriteInputTokens ?? 0) + (usage.cacheWriteInputTokens ?? 0);
  const writes1h = (total.cacheWrite1hInputTokens ?? 0) + (usage.cacheWrite1hInputTokens ?? 0);
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
    totalTokens: total.totalTokens + usage.totalTokens,
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(writes > 0 ? { cacheWriteInputTokens: writes } : {}),
    ...(writes1h > 0 ? { cacheWrite1hInputTokens: writes1h } : {}),
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
  };
}
