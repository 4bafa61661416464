import { describe, expect, it } from 'vitest';
import { readAnthropicRateLimits, retryAfterFromRateLimits } from '../../../../src/providers/anthropic/read-anthropic-rate-limits.js';

function lookup(headers: Record<string, string>): (name: string) => string | undefined {
  return (name) => headers[name];
}

describe('readAnthropicRateLimits', () => {
  it('reads every bucket and parses RFC 3339 resets to epoch ms', () => {
    const limits = readAnthropicRateLimits(
      lookup({
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2025-11-21T09:37:00Z',
        'anthropic-ratelimit-tokens-limit': '90000',
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': '2025-11-21T09:37:30.500Z',
        'anthropic-ratelimit-input-tokens-limit': '80000',
        'anthropic-ratelimit-input-tokens-remaining': '1000',
        'anthropic-ratelimit-input-tokens-reset': '2025-11-21T10:37:01+01:00',
        'anthropic-ratelimit-output-tokens-limit': '10000',
        'anthropic-ratelimit-output-tokens-remaining': '10000',
        'anthropic-ratelimit-output-tokens-reset': '2025-11-21T09:37:02Z',
      }),
    );
    expect(limits).toEqual({
      requests: { limit: 50, remaining: 49, resetAtEpochMs: Date.UTC(2025, 10, 21, 9, 37, 0) },
      tokens: { limit: 90000, remaining: 0, resetAtEpochMs: Date.UTC(2025, 10, 21, 9, 37, 30, 500) },
      inputTokens: { limit: 80000, remaining: 1000, resetAtEpochMs: Date.UTC(2025, 10, 21, 9, 37, 1) },
      outputTokens: { limit: 10000, remaining: 10000, resetAtEpochMs: Date.UTC(2025, 10, 21, 9, 37, 2) },
    });
  });

  it('omits absent buckets and unparseable values', () => {
    expect(
      readAnthropicRateLimits(
        lookup({ 'anthropic-ratelimit-requests-limit': 'lots', 'anthropic-ratelimit-requests-remaining': '3', 'anthropic-ratelimit-tokens-reset': 'soon' }),
      ),
    ).toEqual({ requests: { remaining: 3 } });
  });
});

describe('retryAfterFromRateLimits', () => {
  const now = Date.UTC(2025, 0, 1, 0, 0, 0);

  it('waits for the latest reset among exhausted buckets', () => {
    expect(
      retryAfterFromRateLimits(
        {
          requests: { remaining: 0, resetAtEpochMs: now + 1_000 },
          tokens: { remaining: 0, resetAtEpochMs: now + 5_000 },
          outputTokens: { remaining: 9, resetAtEpochMs: now + 500 },
        },
        now,
      ),
    ).toBe(5_000);
  });

  it('falls back to the earliest reset when no bucket says it is exhausted', () => {
    expect(
      retryAfterFromRateLimits({ requests: { resetAtEpochMs: now + 4_000 }, inputTokens: { resetAtEpochMs: now + 2_000 } }, now),
    ).toBe(2_000);
  });

  it('never returns a negative wait and returns undefined without resets', () => {
    expect(retryAfterFromRateLimits({ tokens: { remaining: 0, resetAtEpochMs: now - 10 } }, now)).toBe(0);
    expect(retryAfterFromRateLimits({ tokens: { remaining: 0 } }, now)).toBeUndefined();
  });
});
