import { describe, expect, it } from 'vitest';
import { RollingWindow } from '../../../../src/policy/circuit-breaker/rolling-window.js';

describe('RollingWindow', () => {
  it('counts what happened in the last windowMs, to one bucket of resolution', () => {
    const window = new RollingWindow(1000, 10);
    window.recordFailure(0);
    window.recordSuccess(150);
    window.recordSuccess(950);
    expect(window.total(999)).toBe(3);
    expect(window.failureRate(999)).toBeCloseTo(1 / 3);
    expect(window.total(1000)).toBe(2); // bucket [0, 100) expired
    expect(window.failureCount(1000)).toBe(0);
    expect(window.total(1099)).toBe(2);
    expect(window.total(1100)).toBe(1); // bucket [100, 200) expired
    expect(window.total(5000)).toBe(0);
  });

  it('keeps fixed memory however many calls are recorded', () => {
    const window = new RollingWindow(30_000, 10);
    for (let time = 0; time < 1_000_000; time += 7) window.recordFailure(time);
    // 30 s of failures at one per 7 ms, minus the partial bucket.
    expect(window.total(1_000_000)).toBeGreaterThan(27_000 / 7);
    expect(window.total(1_000_000)).toBeLessThanOrEqual(30_000 / 7 + 1);
  });

  it('tolerates negative clock values', () => {
    const window = new RollingWindow(1000, 4);
    window.recordFailure(-600);
    window.recordSuccess(-10);
    expect(window.total(0)).toBe(2);
    expect(window.total(500)).toBe(1);
  });
});
