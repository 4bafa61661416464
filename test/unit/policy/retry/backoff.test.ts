import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';
import { computeBackoffMs, validateBackoffOptions } from '../../../../src/policy/retry/backoff.js';
import { seededRandom } from '../../../helpers/replay-server.js';

describe('computeBackoffMs', () => {
  it('draws every delay between the floor and the doubling ceiling capped at maxMs', () => {
    const random = seededRandom(1);
    const ceilings = [500, 1000, 2000, 4000, 8000, 8000, 8000];
    for (const [retryIndex, ceiling] of ceilings.entries()) {
      let smallest = Infinity;
      let largest = 0;
      for (let draw = 0; draw < 2000; draw++) {
        const delay = computeBackoffMs(retryIndex, {}, random);
        smallest = Math.min(smallest, delay);
        largest = Math.max(largest, delay);
      }
      expect(smallest).toBeGreaterThanOrEqual(50);
      expect(largest).toBeLessThanOrEqual(ceiling);
      // Full jitter reaches both ends of the range.
      expect(smallest).toBeLessThan(50 + ceiling * 0.01);
      expect(largest).toBeGreaterThan(ceiling * 0.99);
    }
  });

  it('never returns less than the floor even when random() returns 0', () => {
    expect(computeBackoffMs(0, {}, () => 0)).toBe(50);
    expect(computeBackoffMs(3, { baseMs: 200 }, () => 0)).toBe(20);
    expect(computeBackoffMs(3, { minMs: 300 }, () => 0)).toBe(300);
  });

  it('returns the ceiling for a draw just under 1', () => {
    expect(computeBackoffMs(0, {}, () => 0.999_999_9)).toBe(500);
    expect(computeBackoffMs(2, { baseMs: 100, maxMs: 1000 }, () => 0.999_999_9)).toBe(400);
    expect(computeBackoffMs(9, { baseMs: 100, maxMs: 1000 }, () => 0.999_999_9)).toBe(1000);
  });

  it('clamps a floor larger than the ceiling to the ceiling', () => {
    expect(computeBackoffMs(0, { baseMs: 100, maxMs: 80, minMs: 500 }, () => 0.5)).toBe(80);
  });

  it('spreads delays uniformly over the jitter range (seeded)', () => {
    const random = seededRandom(42);
    const histogram = new Array<number>(10).fill(0);
    const draws = 20_000;
    let sum = 0;
    for (let draw = 0; draw < draws; draw++) {
      const delay = computeBackoffMs(4, { minMs: 0 }, random); // range [0, 8000]
      sum += delay;
      histogram[Math.min(9, Math.floor(delay / 800))]! += 1;
    }
    expect(sum / draws).toBeGreaterThan(3900);
    expect(sum / draws).toBeLessThan(4100);
    for (const count of histogram) {
      expect(count / draws).toBeGreaterThan(0.09);
      expect(count / draws).toBeLessThan(0.11);
    }
  });

  it('stays finite for huge retry indexes, even with a zero base', () => {
    expect(computeBackoffMs(5000, {}, () => 0.5)).toBe(Math.round(50 + 0.5 * 7950));
    expect(computeBackoffMs(5000, { baseMs: 0 }, () => 0.5)).toBe(0);
  });

  it('rejects a negative or fractional retry index', () => {
    expect(() => computeBackoffMs(-1, {}, Math.random)).toThrow(InvalidArgumentError);
    expect(() => computeBackoffMs(1.5, {}, Math.random)).toThrow('Expected `retryIndex` to be a non-negative integer, got 1.5.');
  });

  it('validates options eagerly with the field name in the message', () => {
    expect(() => validateBackoffOptions({ baseMs: -1 })).toThrow('Expected `baseMs` to be a non-negative number, got -1.');
    expect(() => validateBackoffOptions({ maxMs: Number.NaN }, 'retry.')).toThrow('Expected `retry.maxMs`');
    expect(() => validateBackoffOptions({ baseMs: 100, maxMs: 1000, minMs: 10 })).not.toThrow();
  });
});
