import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from '../../../../src/providers/anthropic/map-anthropic-stop-reason.js';
import { mapAnthropicUsage } from '../../../../src/providers/anthropic/map-anthropic-usage.js';

describe('mapAnthropicUsage', () => {
  it('sums the three disjoint input buckets and reports cache reads as cached input', () => {
    expect(
      mapAnthropicUsage({ input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 7 }),
    ).toEqual({ inputTokens: 1110, cachedInputTokens: 1000, cacheWriteInputTokens: 100, outputTokens: 7, totalTokens: 1117 });
  });

  it('maps missing usage to zeros without a cached count', () => {
    expect(mapAnthropicUsage(undefined)).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    expect(mapAnthropicUsage({ input_tokens: null, output_tokens: 3 })).toEqual({ inputTokens: 0, outputTokens: 3, totalTokens: 3 });
  });
});

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    [null, 'other'],
    ['future_reason', 'other'],
  ] as const)('maps %s to %s', (stopReason, finishReason) => {
    expect(mapAnthropicStopReason(stopReason)).toBe(finishReason);
  });
});

describe('mapAnthropicUsage: cache writes by TTL', () => {
  it('reports the 1-hour writes of cache_creation apart from the 5-minute ones', () => {
    expect(
      mapAnthropicUsage({
        input_tokens: 50,
        cache_creation_input_tokens: 3000,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
        output_tokens: 10,
      }),
    ).toEqual({
      inputTokens: 3050,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 3000,
      cacheWrite1hInputTokens: 2000,
      outputTokens: 10,
      totalTokens: 3060,
    });
  });
});
