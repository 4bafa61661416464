import { describe, expect, it } from 'vitest';
import { readOpenAIRateLimits, retryAfterFromOpenAIRateLimits } from '../../../../src/providers/openai/read-openai-rate-limits.js';

function lookup(headers: Record<string, string>): (name: string) => string | undefined {
  return (name) => headers[name];
}

describe('readOpenAIRateLimits', () => {
  it('reads both buckets and parses the Go-duration resets to ms', () => {
    const limits = readOpenAIRateLimits(
      lookup({
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '1m30.5s',
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-tokens': '29000',
        'x-ratelimit-reset-tokens': '20ms',
      }),
    );
    expect(limits).toEqual({
      requests: { limit: 500, remaining: 0, resetInMs: 90_500 },
      tokens: { limit: 30_000, remaining: 29_000, resetInMs: 20 },
    });
  });

  it.each([
    ['1s', 1_000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1m30.5s', 90_500],
    ['23h47m36.648s', 85_656_648],
    ['0s', 0],
  ])('parses the reset %s as %d ms', (reset, expected) => {
    expect(readOpenAIRateLimits(lookup({ 'x-ratelimit-reset-tokens': reset })).tokens?.resetInMs).toBe(expected);
  });

  it.each(['soon', '6m0', '1.5', '-1s', '1s 2m', '', 'ms', '1d'])('leaves out the malformed reset %j', (reset) => {
    expect(readOpenAIRateLimits(lookup({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': reset }))).toEqual({
      requests: { remaining: 0 },
    });
  });

  it('omits absent buckets and unparseable counts', () => {
    expect(readOpenAIRateLimits(lookup({}))).toEqual({});
    expect(
      readOpenAIRateLimits(lookup({ 'x-ratelimit-limit-requests': 'lots', 'x-ratelimit-remaining-requests': '-1', 'x-ratelimit-remaining-tokens': '7' })),
    ).toEqual({ tokens: { remaining: 7 } });
  });
});

describe('retryAfterFromOpenAIRateLimits', () => {
  it('waits for the reset of the exhausted requests bucket', () => {
    expect(retryAfterFromOpenAIRateLimits({ requests: { remaining: 0, resetInMs: 1_000 }, tokens: { remaining: 5, resetInMs: 60_000 } })).toBe(1_000);
  });

  it('waits for the reset of the exhausted tokens bucket', () => {
    expect(retryAfterFromOpenAIRateLimits({ requests: { remaining: 3, resetInMs: 60_000 }, tokens: { remaining: 0, resetInMs: 20 } })).toBe(20);
  });

  it('waits for the later reset when both buckets are exhausted', () => {
    expect(retryAfterFromOpenAIRateLimits({ requests: { remaining: 0, resetInMs: 360_000 }, tokens: { remaining: 0, resetInMs: 1_000 } })).toBe(360_000);
    expect(retryAfterFromOpenAIRateLimits({ requests: { remaining: 0, resetInMs: 150 }, tokens: { remaining: 0, resetInMs: 1_000 } })).toBe(1_000);
  });

  it('does not guess when no bucket is exhausted', () => {
    expect(retryAfterFromOpenAIRateLimits({ requests: { remaining: 1, resetInMs: 100 }, tokens: { remaining: 10, resetInMs: 200 } })).toBeUndefined();
  });

  it('does not guess when the headers are missing or the exhausted reset did not parse', () => {
    expect(retryAfterFromOpenAIRateLimits({})).toBeUndefined();
    expect(retryAfterFromOpenAIRateLimits({ requests: { remaining: 0 } })).toBeUndefined();
    expect(retryAfterFromOpenAIRateLimits({ tokens: { resetInMs: 500 } })).toBeUndefined();
    // Only the exhausted bucket with a usable reset counts.
    expect(retryAfterFromOpenAIRateLimits({ requests: { remaining: 0 }, tokens: { remaining: 0, resetInMs: 700 } })).toBe(700);
  });
});
