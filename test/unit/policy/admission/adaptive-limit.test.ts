import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../../../src/policy/admission/adaptive-limit.js';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';

describe('AdaptiveLimit', () => {
  it('grows by about one per round trip while answers are fast and the limit is in use', () => {
    const limit = new AdaptiveLimit({ initialLimit: 4, maxLimit: 10 });
    let now = 0;
    for (let index = 0; index < 40; index++) limit.update('success', 50, now, limit.limit, (now += 10));
    expect(limit.limit).toBeGreaterThanOrEqual(8);
    expect(limit.limit).toBeLessThanOrEqual(10);
  });

  it('does not grow while the limit is not used', () => {
    const limit = new AdaptiveLimit({ initialLimit: 8 });
    for (let index = 0; index < 100; index++) limit.update('success', 50, index, 1, index + 1);
    expect(limit.limit).toBe(8);
  });

  it('shrinks on overload once per round trip, not once per answer of the same burst', () => {
    const limit = new AdaptiveLimit({ initialLimit: 16, backoffRatio: 0.5 });
    // Eight 429s to attempts that all started at 0: one decrease.
    for (let index = 0; index < 8; index++) limit.update('overload', undefined, 0, 16, 100 + index);
    expect(limit.limit).toBe(8);
    // An attempt started after that decrease counts again.
    expect(limit.update('overload', undefined, 120, 8, 200)).toBe('overload');
    expect(limit.limit).toBe(4);
  });

  it('shrinks when the time to first token rises past the tolerance, and never below minLimit', () => {
    const limit = new AdaptiveLimit({ initialLimit: 8, minLimit: 3, latencyTolerance: 2 });
    let now = 0;
    for (let index = 0; index < 20; index++) limit.update('success', 100, now, 8, (now += 10));
    const reasons = new Set<string | undefined>();
    for (let index = 0; index < 60; index++) reasons.add(limit.update('success', 1_000, now, 8, (now += 10)));
    expect(reasons.has('latency')).toBe(true);
    expect(limit.limit).toBe(3);
  });

  it('ignores neutral outcomes (a 500, an abort)', () => {
    const limit = new AdaptiveLimit({ initialLimit: 5 });
    expect(limit.update('neutral', undefined, 0, 5, 10)).toBeUndefined();
    expect(limit.limit).toBe(5);
  });

  it('rejects bounds that make no sense', () => {
    expect(() => new AdaptiveLimit({ minLimit: 0 })).toThrow(InvalidArgumentError);
    expect(() => new AdaptiveLimit({ minLimit: 4, maxLimit: 2 })).toThrow(/maxLimit/);
    expect(() => new AdaptiveLimit({ backoffRatio: 2 })).toThrow(/backoffRatio/);
    expect(() => new AdaptiveLimit({ latencyTolerance: 1 })).toThrow(/latencyTolerance/);
  });
});
