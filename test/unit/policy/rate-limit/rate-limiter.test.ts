import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';
import { RateLimiter } from '../../../../src/policy/rate-limit/rate-limiter.js';
import { seededRandom } from '../../../helpers/replay-server.js';

function headers(values: Record<string, string>): (name: string) => string | undefined {
  const map = new Headers(values);
  return (name) => map.get(name) ?? undefined;
}

/** The largest number of admitted timestamps in any window [t, t + windowMs). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('RateLimiter', () => {
  it('admits exactly rpm requests out of a simultaneous burst', () => {
    const limiter = new RateLimiter({ rpm: 50 });
    let admitted = 0;
    for (let index = 0; index < 1000; index++) if (limiter.tryTake(0, 0)) admitted++;
    expect(admitted).toBe(50);
  });

  it('never starts more than burst + rpm·t/60000 requests in any window of t ms under heavy random load', () => {
    const random = seededRandom(7);
    const limiter = new RateLimiter({ rpm: 120, burstRequests: 20 });
    const admitted: number[] = [];
    let now = 0;
    for (let call = 0; call < 50_000; call++) {
      now += random() * 40; // ~1500 attempts per minute against 120 rpm
      if (limiter.tryTake(0, now)) admitted.push(now);
    }
    for (const windowMs of [1000, 10_000, 60_000]) {
      expect(maxInWindow(admitted, windowMs)).toBeLessThanOrEqual(Math.floor(20 + (120 * windowMs) / 60_000) + 1);
    }
    // Saturated: the long-run rate is the limit.
    const minutes = now / 60_000;
    expect(admitted.length).toBeLessThanOrEqual(20 + 120 * minutes);
    expect(admitted.length).toBeGreaterThan(0.98 * 120 * minutes);
  });

  it('holds rpm over every minute after the bucket was drained when burstRequests equals rpm', () => {
    const limiter = new RateLimiter({ rpm: 60 });
    const admitted: number[] = [];
    for (let now = 0; now < 600_000; now += 100) if (limiter.tryTake(0, now)) admitted.push(now);
    const afterFirstMinute = admitted.filter((time) => time >= 60_000);
    expect(maxInWindow(afterFirstMinute, 60_000)).toBeLessThanOrEqual(60);
    expect(admitted.filter((time) => time < 60_000)).toHaveLength(60 + 59);
  });

  it('limits tokens per minute with the estimate, and settles the real usage afterwards', () => {
    const limiter = new RateLimiter({ tpm: 10_000 });
    expect(limiter.tryTake(6000, 0)).toBe(true);
    expect(limiter.tryTake(6000, 0)).toBe(false);
    expect(limiter.waitTimeMs(6000, 0)).toBe(12_000);
    limiter.settle(6000, 1000, 0); // used far less than estimated: refund
    expect(limiter.tryTake(6000, 0)).toBe(true);
    limiter.settle(6000, 12_000, 0); // used more: debt
    expect(limiter.canTake(1, 0)).toBe(false);
    expect(limiter.headroom(0)).toBe(0);
    expect(limiter.tryTake(20_000, 60_000)).toBe(false);
    expect(limiter.waitTimeMs(20_000, 60_000)).toBe(Infinity);
  });

  it('requires both the request and the token bucket', () => {
    const limiter = new RateLimiter({ rpm: 2, tpm: 1000 });
    expect(limiter.tryTake(400, 0)).toBe(true);
    expect(limiter.tryTake(700, 0)).toBe(false); // tokens refuse; the request was not taken
    expect(limiter.tryTake(600, 0)).toBe(true);
    expect(limiter.tryTake(0, 0)).toBe(false); // requests refuse
    expect(limiter.waitTimeMs(0, 0)).toBe(30_000);
  });

  it('reports headroom as the smallest remaining fraction', () => {
    const limiter = new RateLimiter({ rpm: 10, tpm: 1000 });
    expect(limiter.headroom(0)).toBe(1);
    limiter.tryTake(900, 0);
    expect(limiter.headroom(0)).toBeCloseTo(0.1);
    expect(new RateLimiter().headroom(0)).toBe(1);
  });

  it('learns OpenAI x-ratelimit headers and avoids a deployment whose tokens run out before the reset', () => {
    const limiter = new RateLimiter();
    limiter.observeHeaders(
      headers({
        'x-ratelimit-limit-requests': '10000',
        'x-ratelimit-remaining-requests': '9999',
        'x-ratelimit-reset-requests': '6ms',
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-tokens': '1200',
        'x-ratelimit-reset-tokens': '4.8s',
      }),
      0,
      Date.UTC(2025, 0, 1),
    );
    expect(limiter.canTake(1000, 0)).toBe(true);
    expect(limiter.canTake(2000, 0)).toBe(false);
    expect(limiter.headroom(0)).toBeCloseTo(1200 / 30_000);
    // Linear refill from 1200 to 30000 over 4.8 s: 800 more tokens after 133.3 ms.
    expect(limiter.waitTimeMs(2000, 0)).toBe(134);
    expect(limiter.canTake(2000, 133)).toBe(false);
    expect(limiter.canTake(2000, 134)).toBe(true);
    expect(limiter.headroom(4800)).toBe(1);
  });

  it('avoids an OpenAI deployment with no requests left until the reset duration passes', () => {
    const limiter = new RateLimiter();
    limiter.observeHeaders(
      headers({ 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m0s' }),
      500,
      0,
    );
    expect(limiter.canTake(0, 500)).toBe(false);
    expect(limiter.headroom(500)).toBe(0);
    expect(limiter.waitTimeMs(0, 500)).toBe(1000); // one of 60 back after 1 s
    expect(limiter.canTake(0, 1500)).toBe(true);
  });

  it('spends learned remaining requests locally so concurrent calls do not all take the last one', () => {
    const limiter = new RateLimiter();
    limiter.observeHeaders(
      headers({ 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-reset-requests': '60s' }),
      0,
      0,
    );
    expect([limiter.tryTake(0, 0), limiter.tryTake(0, 0), limiter.tryTake(0, 0), limiter.tryTake(0, 0)]).toEqual([true, true, true, false]);
  });

  it('learns Anthropic anthropic-ratelimit headers with absolute RFC 3339 resets', () => {
    const epochNow = Date.parse('2025-06-01T12:00:00Z');
    const limiter = new RateLimiter();
    limiter.observeHeaders(
      headers({
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2025-06-01T12:00:01Z',
        'anthropic-ratelimit-tokens-limit': '40000',
        'anthropic-ratelimit-tokens-remaining': '500',
        'anthropic-ratelimit-tokens-reset': '2025-06-01T12:00:10Z',
        'anthropic-ratelimit-input-tokens-limit': '30000',
        'anthropic-ratelimit-input-tokens-remaining': '500',
        'anthropic-ratelimit-input-tokens-reset': '2025-06-01T12:00:10Z',
        'anthropic-ratelimit-output-tokens-limit': '10000',
        'anthropic-ratelimit-output-tokens-remaining': '8000',
        'anthropic-ratelimit-output-tokens-reset': '2025-06-01T12:00:02Z',
      }),
      100,
      epochNow,
    );
    expect(limiter.canTake(400, 100)).toBe(true);
    expect(limiter.canTake(800, 100)).toBe(false);
    expect(limiter.headroom(100)).toBeCloseTo(500 / 40_000);
    expect(limiter.canTake(800, 10_100)).toBe(true); // reset reached
  });

  it('avoids an Anthropic deployment whose output tokens are exhausted', () => {
    const epochNow = Date.parse('2025-06-01T12:00:00Z');
    const limiter = new RateLimiter();
    limiter.observeHeaders(
      headers({
        'anthropic-ratelimit-output-tokens-limit': '8000',
        'anthropic-ratelimit-output-tokens-remaining': '0',
        'anthropic-ratelimit-output-tokens-reset': '2025-06-01T12:00:08Z',
      }),
      0,
      epochNow,
    );
    expect(limiter.canTake(10, 0)).toBe(false);
    expect(limiter.waitTimeMs(10, 0)).toBe(1); // 1 output token back after 1 ms of an 8 s linear refill
    expect(limiter.canTake(10, 8000)).toBe(true);
  });

  it('ignores absent or unparseable headers', () => {
    const limiter = new RateLimiter({ rpm: 10 });
    limiter.observeHeaders(headers({ 'content-type': 'text/event-stream' }), 0, 0);
    limiter.observeHeaders(headers({ 'x-ratelimit-remaining-requests': 'lots', 'anthropic-ratelimit-requests-remaining': '' }), 0, 0);
    expect(limiter.headroom(0)).toBe(1);
    expect(limiter.canTake(100_000, 0)).toBe(true);
  });

  it('trusts a remaining count without a reset header for one minute', () => {
    const limiter = new RateLimiter();
    limiter.observeHeaders(headers({ 'x-ratelimit-remaining-requests': '0' }), 0, 0);
    expect(limiter.canTake(0, 59_999)).toBe(false);
    expect(limiter.waitTimeMs(0, 0)).toBe(60_000);
    expect(limiter.canTake(0, 60_000)).toBe(true);
  });

  it('validates limits eagerly', () => {
    expect(() => new RateLimiter({ rpm: 0 })).toThrow(InvalidArgumentError);
    expect(() => new RateLimiter({ tpm: -1 })).toThrow('Expected `tpm` to be a positive number, got -1.');
    expect(() => new RateLimiter({ rpm: 10, burstRequests: 0.5 })).toThrow('Expected `burstRequests` to be a number ≥ 1, got 0.5.');
  });
});
