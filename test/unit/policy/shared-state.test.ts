import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState, type CircuitTransitionReason } from '../../../src/policy/circuit-breaker/circuit-breaker.js';
import { DeploymentState } from '../../../src/policy/pool/deployment-state.js';
import { LearnedLimit } from '../../../src/policy/rate-limit/learned-limit.js';
import { RateLimiter } from '../../../src/policy/rate-limit/rate-limiter.js';
import { StateScope } from '../../../src/state/state-scope.js';
import { MemoryStateStore } from '../../../src/state/state-store.js';
import { SyncedStateStore } from '../../../src/state/synced-state-store.js';
import { MemoryStateBackend } from '../../../src/testing/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { TimerClock } from '../../helpers/timer-clock.js';

// Two "processes" share one store. Their clocks started at different times (different
// `now()` for the same instant); `timeOrigin` puts both on the same wall-clock time in the store.
const WALL_START = 1_800_000_000_000;

function twoProcesses() {
  const store = new MemoryStateStore({ clock: new ManualClock(0) });
  const clockA = new ManualClock(1_000);
  const clockB = new ManualClock(50_000);
  const scopeA = new StateScope(store, 'deployment\u001fd1\u001f', WALL_START - 1_000);
  const scopeB = new StateScope(store, 'deployment\u001fd1\u001f', WALL_START - 50_000);
  const advance = (ms: number) => {
    clockA.advance(ms);
    clockB.advance(ms);
  };
  return { store, clockA, clockB, scopeA, scopeB, advance };
}

describe('state shared through one StateStore', () => {
  it('draws two limiters from one rpm bucket, and both see it refill on their own clocks', () => {
    const { clockA, clockB, scopeA, scopeB, advance } = twoProcesses();
    const limiterA = new RateLimiter({ rpm: 4 }, scopeA.child('rate-limit'));
    const limiterB = new RateLimiter({ rpm: 4 }, scopeB.child('rate-limit'));

    expect(limiterA.tryTake(0, clockA.now())).toBe(true);
    expect(limiterB.tryTake(0, clockB.now())).toBe(true);
    expect(limiterA.tryTake(0, clockA.now())).toBe(true);
    expect(limiterB.tryTake(0, clockB.now())).toBe(true);
    expect(limiterA.canTake(0, clockA.now())).toBe(false);
    expect(limiterB.canTake(0, clockB.now())).toBe(false);
    expect(limiterB.waitTimeMs(0, clockB.now())).toBe(15_000); // one request per 15 s at 4 rpm

    advance(15_000);
    expect(limiterA.tryTake(0, clockA.now())).toBe(true);
    expect(limiterB.tryTake(0, clockB.now())).toBe(false);
  });

  it('loses no take when two processes take from a full shared bucket before either has synced', async () => {
    const backend = new MemoryStateBackend();
    const clock = new TimerClock(1_000);
    const stores = [new SyncedStateStore({ backend, clock, syncIntervalMs: 250 }), new SyncedStateStore({ backend, clock, syncIntervalMs: 250 })];
    const [limiterA, limiterB] = stores.map((store) => new RateLimiter({ rpm: 10 }, new StateScope(store, 'd1\u001f')));
    try {
      clock.set(600_000); // long idle: the bucket is full and has refill to spare
      for (let take = 0; take < 4; take++) expect(limiterA!.tryTake(0, clock.now())).toBe(true);
      for (let take = 0; take < 3; take++) expect(limiterB!.tryTake(0, clock.now())).toBe(true);
      for (const store of [...stores, ...stores]) await store.sync();

      // All 7 takes count: 3 left for each process, plus at most the documented slack of a shared
      // bucket, the refill of 1 s + 2 sync intervals (here 1.5 s at 10 rpm: 0.25 requests).
      for (const limiter of [limiterA!, limiterB!]) {
        expect(limiter.headroom(clock.now())).toBeGreaterThanOrEqual(0.3);
        expect(limiter.headroom(clock.now())).toBeLessThanOrEqual(0.325);
      }
      for (let take = 0; take < 3; take++) expect(limiterB!.tryTake(0, clock.now())).toBe(true);
      expect(limiterB!.tryTake(0, clock.now())).toBe(false);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('spends one learned remaining count from both processes', () => {
    const { clockA, clockB, scopeA, scopeB } = twoProcesses();
    const limitA = new LearnedLimit(scopeA, 'requests');
    const limitB = new LearnedLimit(scopeB, 'requests');

    limitA.observe(100, 2, 30_000, clockA.now());
    expect(limitB.available(clockB.now())).toBe(2);
    limitB.take(1, clockB.now());
    limitA.take(1, clockA.now());
    expect(limitA.available(clockA.now())).toBe(0);
    expect(limitB.waitTimeMs(1, clockB.now())).toBe(300); // 98 refill over 30 s: one every ~306 ms, ceiled from t=0
    expect(limitB.isActive(clockB.now() + 30_000)).toBe(false);
  });

  it('opens, probes and closes two breakers together, each reporting the transitions it sees', () => {
    const { clockA, clockB, scopeA, scopeB, advance } = twoProcesses();
    const seenA: [CircuitState, CircuitState, CircuitTransitionReason][] = [];
    const seenB: [CircuitState, CircuitState, CircuitTransitionReason][] = [];
    const options = { consecutiveFailures: 2, openMs: 5_000, halfOpenSuccesses: 1 };
    const breakerA = new CircuitBreaker(options, clockA, (...change) => seenA.push(change), scopeA.child('circuit'));
    const breakerB = new CircuitBreaker(options, clockB, (...change) => seenB.push(change), scopeB.child('circuit'));

    expect(breakerA.tryAcquire()).toBe(true);
    breakerA.recordFailure();
    expect(breakerB.tryAcquire()).toBe(true);
    breakerB.recordFailure(); // the second failure in a row, counted across both
    expect(breakerA.state).toBe('open');
    expect(breakerA.canAcquire()).toBe(false);
    expect(breakerA.snapshot()).toMatchObject({ state: 'open', reopensAt: clockA.now() + 5_000 });

    advance(5_000);
    expect(breakerA.tryAcquire()).toBe(true); // A takes the one probe…
    expect(breakerB.canAcquire()).toBe(false); // …so B may not send one too
    expect(breakerB.tryAcquire()).toBe(false);
    breakerA.recordSuccess(breakerA.generation);
    expect(breakerB.state).toBe('closed');
    expect(breakerB.tryAcquire()).toBe(true);

    expect(seenB).toEqual([
      ['closed', 'open', 'consecutive-failures'],
      ['open', 'half-open', 'open-elapsed'],
      ['half-open', 'closed', 'probes-succeeded'],
    ]);
    expect(seenA).toEqual(seenB);
  });

  it('holds the probe slot against other processes for as long as the probe may run, not openMs', () => {
    const { clockA, clockB, scopeA, scopeB, advance } = twoProcesses();
    const options = { consecutiveFailures: 1, openMs: 1_000 };
    const breakerA = new CircuitBreaker(options, clockA, undefined, scopeA);
    const breakerB = new CircuitBreaker(options, clockB, undefined, scopeB);
    breakerA.tryAcquire();
    breakerA.recordFailure();
    advance(1_000);
    expect(breakerA.tryAcquire(clockA.now(), 300_000)).toBe(true); // a call with 5 minutes left
    advance(299_999);
    expect(breakerB.tryAcquire()).toBe(false);
    breakerA.recordSuccess(breakerA.generation); // its verdict frees the slot at once
    expect(breakerB.tryAcquire()).toBe(true);
  });

  it('frees the probe slot after probeLeaseMs when the process holding it never reports', () => {
    const { clockA, clockB, scopeA, scopeB, advance } = twoProcesses();
    const options = { consecutiveFailures: 1, openMs: 1_000, probeLeaseMs: 1_000 };
    const breakerA = new CircuitBreaker(options, clockA, undefined, scopeA);
    const breakerB = new CircuitBreaker(options, clockB, undefined, scopeB);
    breakerA.tryAcquire();
    breakerA.recordFailure();
    advance(1_000);
    expect(breakerA.tryAcquire()).toBe(true); // and process A dies
    advance(999);
    expect(breakerB.tryAcquire()).toBe(false);
    advance(1);
    expect(breakerB.tryAcquire()).toBe(true);
  });

  it('applies a cooldown set by one deployment state to the other, with its reason', () => {
    const { clockA, clockB, scopeA, scopeB, advance } = twoProcesses();
    const make = (clock: ManualClock, scope: StateScope) =>
      new DeploymentState({ id: 'd1', alias: 'main', providerName: 'openai', model: 'gpt', clock, scope });
    const deploymentA = make(clockA, scopeA);
    const deploymentB = make(clockB, scopeB);

    expect(deploymentA.coolDown(clockA.now() + 2_000, 'retry-after 2 s')).toBe(true);
    expect(deploymentB.unavailableReason(clockB.now())).toBe('cooling-down');
    expect(deploymentB.snapshot(clockB.now())).toMatchObject({ cooldownUntil: clockB.now() + 2_000, cooldownReason: 'retry-after 2 s' });
    expect(deploymentB.coolDown(clockB.now() + 1_000, 'shorter')).toBe(false); // the later one is kept
    advance(2_000);
    expect(deploymentB.isAvailable(clockB.now())).toBe(true);
    expect(deploymentA.snapshot(clockA.now())).not.toHaveProperty('cooldownUntil');
  });

  it('keeps deployments with different ids apart in one store', () => {
    const store = new MemoryStateStore({ clock: new ManualClock(0) });
    const clock = new ManualClock();
    const scope = new StateScope(store).child('deployment');
    const one = new DeploymentState({ id: 'one', alias: 'main', providerName: 'openai', model: 'gpt', clock, scope: scope.child('one'), rateLimit: { rpm: 1 } });
    const two = new DeploymentState({ id: 'two', alias: 'main', providerName: 'openai', model: 'gpt', clock, scope: scope.child('two'), rateLimit: { rpm: 1 } });
    expect(one.acquire(clock.now())).toBe(true);
    one.endRequest('failure');
    one.coolDown(clock.now() + 1_000, 'x');
    expect(two.acquire(clock.now())).toBe(true);
    expect(two.snapshot(clock.now())).toMatchObject({ inFlight: 1, circuit: { consecutiveFailures: 0 } });
    expect(one.snapshot(clock.now())).toMatchObject({ inFlight: 0, circuit: { consecutiveFailures: 1 }, cooldownReason: 'x' });
  });
});
