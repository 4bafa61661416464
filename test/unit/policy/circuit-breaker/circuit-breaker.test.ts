import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  type CircuitTransitionReason,
} from '../../../../src/policy/circuit-breaker/circuit-breaker.js';
import { ManualClock } from '../../../helpers/manual-clock.js';

type Transition = [CircuitState, CircuitState, CircuitTransitionReason];

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new ManualClock();
  const transitions: Transition[] = [];
  const breaker = new CircuitBreaker(options, clock, (from, to, reason) => transitions.push([from, to, reason]));
  return { clock, breaker, transitions };
}

function fail(breaker: CircuitBreaker, times: number): void {
  for (let index = 0; index < times; index++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
  }
}

function succeed(breaker: CircuitBreaker, times: number): void {
  for (let index = 0; index < times; index++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
  }
}

describe('CircuitBreaker', () => {
  it('opens after consecutiveFailures failures in a row', () => {
    const { breaker, transitions } = setup({ consecutiveFailures: 3 });
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    fail(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual([['closed', 'open', 'consecutive-failures']]);
  });

  it('resets the consecutive count on a success', () => {
    const { breaker } = setup({ consecutiveFailures: 3, minimumRequests: 100 });
    fail(breaker, 2);
    succeed(breaker, 1);
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(2);
  });

  it('opens when the failure rate over the window reaches the threshold with enough requests', () => {
    const { breaker, transitions } = setup({ consecutiveFailures: Infinity, minimumRequests: 10, failureRateThreshold: 0.5 });
    // Alternate: never two failures in a row, 50 % failures.
    for (let index = 0; index < 4; index++) {
      succeed(breaker, 1);
      fail(breaker, 1);
    }
    expect(breaker.state).toBe('closed'); // 8 requests < minimumRequests
    succeed(breaker, 1);
    expect(breaker.snapshot().failureRate).toBeCloseTo(4 / 9);
    fail(breaker, 1); // 5 of 10
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual([['closed', 'open', 'failure-rate']]);
  });

  it('forgets failures that slid out of the window', () => {
    const { clock, breaker } = setup({ consecutiveFailures: Infinity, minimumRequests: 4, windowMs: 10_000, windowBuckets: 10 });
    fail(breaker, 3);
    clock.advance(10_000);
    expect(breaker.snapshot().failureRate).toBe(0);
    succeed(breaker, 3);
    fail(breaker, 1); // 1 of 4 in the window: 25 %
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().failureRate).toBeCloseTo(0.25);
  });

  it('rejects calls while open and reports when it reopens', () => {
    const { clock, breaker } = setup({ consecutiveFailures: 1, openMs: 5000 });
    fail(breaker, 1);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.canAcquire(clock.now())).toBe(false);
    clock.advance(4999);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.snapshot()).toMatchObject({ state: 'open', openedAt: 1000, reopensAt: 6000, consecutiveFailures: 1, lastFailureAt: 1000 });
  });

  it('admits exactly one probe at a time once openMs has elapsed', () => {
    const { clock, breaker, transitions } = setup({ consecutiveFailures: 1, openMs: 5000, halfOpenSuccesses: 2 });
    fail(breaker, 1);
    clock.advance(5000);
    expect(breaker.canAcquire(clock.now())).toBe(true);
    expect(breaker.canAcquire(clock.now())).toBe(true); // a pure check does not take the slot
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.canAcquire(clock.now())).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    expect(transitions).toEqual([
      ['closed', 'open', 'consecutive-failures'],
      ['open', 'half-open', 'open-elapsed'],
      ['half-open', 'closed', 'probes-succeeded'],
    ]);
  });

  it('reopens for another openMs when a probe fails', () => {
    const { clock, breaker, transitions } = setup({ consecutiveFailures: 1, openMs: 5000 });
    fail(breaker, 1);
    clock.advance(6000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().reopensAt).toBe(clock.now() + 5000);
    clock.advance(4999);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
    expect(transitions.map(([, to, reason]) => `${to}:${reason}`)).toEqual([
      'open:consecutive-failures',
      'half-open:open-elapsed',
      'open:probe-failed',
      'half-open:open-elapsed',
    ]);
  });

  it('frees the probe slot on release without counting a verdict', () => {
    const { clock, breaker } = setup({ consecutiveFailures: 1, openMs: 1000, halfOpenSuccesses: 1 });
    fail(breaker, 1);
    clock.advance(1000);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.release();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('ignores late verdicts of calls admitted before the circuit opened', () => {
    const { breaker, transitions } = setup({ consecutiveFailures: 1 });
    expect(breaker.tryAcquire()).toBe(true); // call A
    fail(breaker, 1); // call B opens it
    breaker.recordSuccess(); // A ends well, late
    breaker.recordFailure(); // or badly
    expect(breaker.state).toBe('open');
    expect(transitions).toHaveLength(1);
  });

  it('ignores a stale verdict from an earlier generation while a probe is out', () => {
    const { clock, breaker, transitions } = setup({ consecutiveFailures: 1, openMs: 1000, halfOpenSuccesses: 1 });
    expect(breaker.tryAcquire()).toBe(true); // call A, admitted while closed
    const generationOfA = breaker.generation;
    fail(breaker, 1);
    clock.advance(1000);
    expect(breaker.tryAcquire()).toBe(true); // the probe
    const generationOfProbe = breaker.generation;
    expect(generationOfProbe).not.toBe(generationOfA);
    breaker.recordSuccess(generationOfA); // A ends late: must not close the circuit
    breaker.recordFailure(generationOfA); // nor reopen it
    breaker.release(generationOfA); // nor free the probe slot
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess(generationOfProbe);
    expect(breaker.state).toBe('closed');
    expect(transitions.map(([, to]) => to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('starts closed with a clean window after closing', () => {
    const { clock, breaker } = setup({ consecutiveFailures: 2, openMs: 100, halfOpenSuccesses: 1 });
    fail(breaker, 2);
    clock.advance(100);
    succeed(breaker, 1);
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, failureRate: 0, lastFailureAt: 1000 });
    fail(breaker, 1);
    expect(breaker.state).toBe('closed');
  });

  it('validates every option eagerly', () => {
    const clock = new ManualClock();
    const cases: [CircuitBreakerOptions, string][] = [
      [{ consecutiveFailures: 0 }, 'Expected `consecutiveFailures` to be a positive integer, got 0.'],
      [{ failureRateThreshold: 1.5 }, 'Expected `failureRateThreshold` to be a number in (0, 1], got 1.5.'],
      [{ minimumRequests: 2.5 }, 'Expected `minimumRequests` to be a positive integer, got 2.5.'],
      [{ windowMs: 0 }, 'Expected `windowMs` to be a positive number, got 0.'],
      [{ windowBuckets: 0 }, 'Expected `windowBuckets` to be a positive integer, got 0.'],
      [{ openMs: -1 }, 'Expected `openMs` to be a non-negative number, got -1.'],
      [{ halfOpenSuccesses: 0 }, 'Expected `halfOpenSuccesses` to be a positive integer, got 0.'],
    ];
    for (const [options, message] of cases) {
      expect(() => new CircuitBreaker(options, clock)).toThrow(InvalidArgumentError);
      expect(() => new CircuitBreaker(options, clock)).toThrow(message);
    }
  });

  it('lets one half-open probe at a time while it runs longer than openMs, and counts its success', () => {
    const { clock, breaker, transitions } = setup({ consecutiveFailures: 1, openMs: 1_000, halfOpenSuccesses: 2 });
    fail(breaker, 1);
    clock.advance(1_000);
    expect(breaker.tryAcquire()).toBe(true); // the probe, a long stream
    const generation = breaker.generation;
    clock.advance(120_000); // far past openMs and the default lease: it still runs
    expect(breaker.canAcquire()).toBe(false);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess(generation);
    expect(breaker.tryAcquire()).toBe(true); // the second probe, only now
    breaker.recordSuccess(breaker.generation);
    expect(breaker.state).toBe('closed');
    expect(transitions.at(-1)).toEqual(['half-open', 'closed', 'probes-succeeded']);
  });

  it('rejects a probe lease that is not a positive number', () => {
    expect(() => setup({ probeLeaseMs: 0 })).toThrow(InvalidArgumentError);
  });
});
