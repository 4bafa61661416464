import { describe, expect, it } from 'vitest';
import { poolWaitMs, retryWaitMs } from '../../../src/client/retry-wait.js';

const limits = { now: 1_000, deadlineAt: 3_000, maxRetryAfterMs: 5_000 };

describe('retryWaitMs', () => {
  it('sleeps the backoff when the deployment is not cooling down', () => {
    expect(retryWaitMs(200, 0, limits)).toBe(200);
  });

  it('stretches the wait to the end of a cooldown another call set', () => {
    expect(retryWaitMs(200, 1_500, limits)).toBe(501);
  });

  it('never sleeps past the deadline: the call fails over or fails now', () => {
    expect(retryWaitMs(200, 21_000, limits)).toBeUndefined();
    expect(retryWaitMs(2_000, 0, limits)).toBeUndefined();
  });

  it('never waits out a cooldown longer than maxRetryAfterMs, even inside the deadline', () => {
    expect(retryWaitMs(200, 1_900, { ...limits, deadlineAt: 60_000, maxRetryAfterMs: 500 })).toBeUndefined();
    expect(retryWaitMs(200, 1_400, { ...limits, deadlineAt: 60_000, maxRetryAfterMs: 500 })).toBe(401);
  });
});

describe('poolWaitMs', () => {
  const options = { isCooldownRetry: true, queueLeftMs: 0, jitterMs: 25 };

  it('waits out a cooldown on the last alias up to maxRetryAfterMs and inside the deadline', () => {
    expect(poolWaitMs({ waitMs: 800, isRateLimit: false }, options, limits)).toBe(800);
    expect(poolWaitMs({ waitMs: 800, isRateLimit: false }, options, { ...limits, maxRetryAfterMs: 500 })).toBeUndefined();
    expect(poolWaitMs({ waitMs: 2_500, isRateLimit: false }, options, limits)).toBeUndefined();
  });

  it('queues for rate-limit headroom only up to maxQueueMs, and never a cooldown longer than maxRetryAfterMs', () => {
    expect(poolWaitMs({ waitMs: 300, isRateLimit: true }, { ...options, queueLeftMs: 400 }, limits)).toBe(300);
    expect(poolWaitMs({ waitMs: 300, isRateLimit: true }, { ...options, queueLeftMs: 200 }, limits)).toBeUndefined();
    const queued = { isCooldownRetry: false, queueLeftMs: 10_000, jitterMs: 25 };
    expect(poolWaitMs({ waitMs: 800, isRateLimit: false }, queued, { ...limits, deadlineAt: 60_000, maxRetryAfterMs: 500 })).toBeUndefined();
  });

  it('moves on when nothing in the pool will become available', () => {
    expect(poolWaitMs(undefined, options, limits)).toBeUndefined();
  });
});
