import type { LanguageModelV4Usage } from '@ai-sdk/provider';
import type { Usage } from '../client/types.js';

/** Our flat usage as the AI SDK's nested one: cached input and reasoning output split out. */
export function toAiSdkUsage(usage: Usage): LanguageModelV4Usage {
  const cached = usage.cachedInputTokens;
  const reasoning = usage.reasoningTokens;
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache: cached === undefined ? undefined : usage.inputTokens - cached,
      cacheRead: cached,
      cacheWrite: undefined,
    },
    outputTokens: {
      total: usage.outputTokens,
      text: reasoning === undefined ? undefined : usage.outputTokens - reasoning,
      reasoning,
    },
  };
}

/** The AI SDK's nested usage as our flat one; unknown counts are 0. */
export function fromAiSdkUsage(usage: LanguageModelV4Usage | undefined): Usage {
  const input = usage?.inputTokens;
  const output = usage?.outputTokens;
  const inputTokens = input?.total ?? (input?.noCache ?? 0) + (input?.cacheRead ?? 0);
  const outputTokens = output?.total ?? (output?.text ?? 0) + (output?.reasoning ?? 0);
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    ...(input?.cacheRead !== undefined ? { cachedInputTokens: input.cacheRead } : {}),
    ...(output?.reasoning !== undefined ? { reasoningTokens: output.reasoning } : {}),
  };
}
