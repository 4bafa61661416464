import { describe, expect, it } from 'vitest';
import { errorFromHttp } from '../../../../src/errors/error-from-http.js';
import { OverloadedError, RateLimitError } from '../../../../src/errors/errors.js';
import { computeBackoffMs } from '../../../../src/policy/retry/backoff.js';
import { retryDelayMs, validateRetryDelayOptions } from '../../../../src/policy/retry/retry-delay.js';
import { seededRandom } from '../../../helpers/replay-server.js';

describe('retryDelayMs', () => {
  it('waits exactly what the server asked for when it is under the cap', () => {
    const error = errorFromHttp({ status: 429, message: 'slow down', retryAfterMs: 2000 });
    expect(retryDelayMs(error, 0, {}, () => 0.9)).toBe(2000);
    expect(retryDelayMs(error, 1, {}, () => 0.1)).toBe(2000);
    expect(retryDelayMs(new RateLimitError('slow', { retryAfterMs: 60_000 }), 0, {}, Math.random)).toBe(60_000);
  });

  it('returns undefined (fail over) when Retry-After exceeds maxRetryAfterMs', () => {
    expect(retryDelayMs(new RateLimitError('slow', { retryAfterMs: 60_001 }), 0, {}, Math.random)).toBeUndefined();
    expect(retryDelayMs(new RateLimitError('slow', { retryAfterMs: 5000 }), 0, { maxRetryAfterMs: 4000 }, Math.random)).toBeUndefined();
    expect(retryDelayMs(new RateLimitError('slow', { retryAfterMs: 4000 }), 0, { maxRetryAfterMs: 4000 }, Math.random)).toBe(4000);
  });

  it('never honours Retry-After: 0 below the backoff floor', () => {
    expect(retryDelayMs(new RateLimitError('slow', { retryAfterMs: 0 }), 0, {}, Math.random)).toBe(50);
    expect(retryDelayMs(new RateLimitError('slow', { retryAfterMs: 3 }), 0, { minMs: 20 }, Math.random)).toBe(20);
  });

  it('falls back to jittered backoff when the server gave no hint', () => {
    const error = new OverloadedError('busy', { status: 529 });
    for (const retryIndex of [0, 1, 2, 3]) {
      const expected = computeBackoffMs(retryIndex, { baseMs: 200 }, seededRandom(retryIndex));
      expect(retryDelayMs(error, retryIndex, { baseMs: 200 }, seededRandom(retryIndex))).toBe(expected);
    }
    expect(retryDelayMs(new Error('not ours'), 0, {}, () => 0)).toBe(50);
  });

  it('fails over instead of sleeping when the wait would not fit in the time left', () => {
    const error = new RateLimitError('slow', { retryAfterMs: 3000 });
    expect(retryDelayMs(error, 0, { timeLeftMs: 2000 }, Math.random)).toBeUndefined();
    expect(retryDelayMs(error, 0, { timeLeftMs: 3000 }, Math.random)).toBeUndefined();
    expect(retryDelayMs(error, 0, { timeLeftMs: 10_000 }, Math.random)).toBe(3000);
    expect(retryDelayMs(new OverloadedError('busy'), 3, { timeLeftMs: 100 }, () => 0.5)).toBeUndefined();
  });

  it('validates maxRetryAfterMs eagerly', () => {
    expect(() => validateRetryDelayOptions({ maxRetryAfterMs: -5 })).toThrow('Expected `maxRetryAfterMs` to be a non-negative number, got -5.');
  });
});
