import type { Usage } from '../spec/index.js';
import type { GeminiUsageMetadata } from './gemini-wire-types.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Maps Gemini `usageMetadata` to normalized usage. Input is `promptTokenCount` plus
 * `toolUsePromptTokenCount` (cached tokens are already inside `promptTokenCount`); output is
 * `candidatesTokenCount` plus `thoughtsTokenCount` (candidates exclude thoughts).
 */
export function mapGeminiUsage(usage: GeminiUsageMetadata | undefined): Usage {
  if (!usage) return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const reasoningTokens = count(usage.thoughtsTokenCount);
  const cachedInputTokens = count(usage.cachedContentTokenCount);
  const inputTokens = (count(usage.promptTokenCount) ?? 0) + (count(usage.toolUsePromptTokenCount) ?? 0);
  const outputTokens = (count(usage.candidatesTokenCount) ?? 0) + (reasoningTokens ?? 0);
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    ...(cachedInputTokens !== undefined ? { cachedInputTokens } : {}),
    ...(reasoningTokens !== undefined ? { reasoningTokens } : {}),
  };
}
