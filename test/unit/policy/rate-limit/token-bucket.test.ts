import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../helpers/replay-server.js';
import { TokenBucket } from '../../../../src/policy/rate-limit/token-bucket.js';

describe('TokenBucket', () => {
  it('starts full and refuses what it does not hold, taking nothing on refusal', () => {
    const bucket = new TokenBucket(10, 10 / 60_000);
    expect(bucket.tryTake(7, 0)).toBe(true);
    expect(bucket.tryTake(4, 0)).toBe(false);
    expect(bucket.available(0)).toBeCloseTo(3);
    expect(bucket.tryTake(3, 0)).toBe(true);
    expect(bucket.tryTake(1, 0)).toBe(false);
  });

  it('refills continuously up to its capacity', () => {
    const bucket = new TokenBucket(10, 1 / 1000);
    bucket.tryTake(10, 0);
    expect(bucket.available(2500)).toBeCloseTo(2.5);
    expect(bucket.available(60_000)).toBe(10);
    expect(bucket.fraction(60_000)).toBe(1);
  });

  it('says how long until an amount fits, and the take succeeds exactly then', () => {
    const bucket = new TokenBucket(60, 60 / 60_000);
    for (let index = 0; index < 60; index++) expect(bucket.tryTake(1, 0)).toBe(true);
    expect(bucket.waitTimeMs(1, 0)).toBe(1000);
    expect(bucket.tryTake(1, 999)).toBe(false);
    expect(bucket.waitTimeMs(1, 999)).toBe(1);
    expect(bucket.tryTake(1, 1000)).toBe(true);
    expect(bucket.waitTimeMs(3, 1000)).toBe(3000);
    expect(bucket.waitTimeMs(61, 1000)).toBe(Infinity);
  });

  it('goes into debt on a late charge and gives back a refund without exceeding capacity', () => {
    const bucket = new TokenBucket(100, 100 / 60_000);
    bucket.take(150, 0);
    expect(bucket.available(0)).toBe(-50);
    expect(bucket.fraction(0)).toBe(0);
    expect(bucket.canTake(1, 0)).toBe(false);
    expect(bucket.waitTimeMs(10, 0)).toBe(36_000);
    bucket.take(-500, 0);
    expect(bucket.available(0)).toBe(100);
  });

  it('reports the exact millisecond a take first succeeds, for any rate (seeded)', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 2000; trial++) {
      const capacity = 1 + Math.floor(random() * 10_000_000);
      const perMinute = 1 + random() * 20_000_000;
      const amount = 1 + Math.floor(random() * capacity);
      const spent = 1 + Math.floor(random() * capacity);
      const make = () => {
        const bucket = new TokenBucket(capacity, perMinute / 60_000);
        bucket.take(spent, 0);
        return bucket;
      };
      const waitMs = make().waitTimeMs(amount, 0);
      expect(make().canTake(amount, waitMs)).toBe(true);
      if (waitMs > 0) expect(make().canTake(amount, waitMs - 1)).toBe(false);
    }
  });
});
