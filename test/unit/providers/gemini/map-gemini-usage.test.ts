import { describe, expect, it } from 'vitest';
import { mapGeminiUsage } from '../../../../src/providers/gemini/map-gemini-usage.js';

describe('mapGeminiUsage', () => {
  it('adds tool-use prompt tokens to input and thoughts to output; cached is a subset of input', () => {
    // Numbers from a live recording: 12 + 71 + 89 + 65 = 237 = totalTokenCount.
    expect(
      mapGeminiUsage({ promptTokenCount: 12, toolUsePromptTokenCount: 65, candidatesTokenCount: 71, thoughtsTokenCount: 89, cachedContentTokenCount: 4, totalTokenCount: 237 }),
    ).toEqual({ inputTokens: 77, outputTokens: 160, totalTokens: 237, cachedInputTokens: 4, reasoningTokens: 89 });
  });

  it('treats missing counts (early chunks lack candidatesTokenCount) as zero', () => {
    expect(mapGeminiUsage({ promptTokenCount: 15, totalTokenCount: 15 })).toEqual({ inputTokens: 15, outputTokens: 0, totalTokens: 15 });
    expect(mapGeminiUsage(undefined)).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
  });
});
