import { describe, expect, it } from 'vitest';
import type { CircuitState } from '../../../../src/policy/circuit-breaker/circuit-breaker.js';
import { ManualClock } from '../../../helpers/manual-clock.js';
import { makeDeployment } from './make-deployment.js';

describe('DeploymentState', () => {
  it('counts a request in flight from acquire() to endRequest()', () => {
    const clock = new ManualClock();
    const deployment = makeDeployment(clock, 'a');
    expect(deployment.acquire(clock.now())).toBe(true);
    expect(deployment.acquire(clock.now())).toBe(true);
    expect(deployment.inFlight).toBe(2);
    deployment.endRequest('success');
    deployment.endRequest('none');
    deployment.endRequest('none');
    expect(deployment.inFlight).toBe(0);
  });

  it('opens its circuit after failure verdicts and reports why it is unavailable', () => {
    const clock = new ManualClock();
    const transitions: [CircuitState, CircuitState, string][] = [];
    const deployment = makeDeployment(clock, 'a', {
      breaker: { consecutiveFailures: 2, openMs: 1000 },
      onCircuitStateChange: (from, to, reason) => transitions.push([from, to, reason]),
    });
    for (let index = 0; index < 2; index++) {
      expect(deployment.acquire(clock.now())).toBe(true);
      deployment.endRequest('failure');
    }
    expect(deployment.isAvailable(clock.now())).toBe(false);
    expect(deployment.unavailableReason(clock.now())).toBe('circuit-open');
    expect(deployment.acquire(clock.now())).toBe(false);
    expect(deployment.inFlight).toBe(0);
    expect(deployment.waitTimeMs(clock.now())).toBe(1000);
    expect(transitions).toEqual([['closed', 'open', 'consecutive-failures']]);
  });

  it('does not consume the half-open probe in an availability check', () => {
    const clock = new ManualClock();
    const deployment = makeDeployment(clock, 'a', { breaker: { consecutiveFailures: 1, openMs: 1000 } });
    deployment.acquire(clock.now());
    deployment.endRequest('failure');
    clock.advance(1000);
    expect(deployment.isAvailable(clock.now())).toBe(true);
    expect(deployment.acquire(clock.now())).toBe(true); // the probe
    expect(deployment.isAvailable(clock.now())).toBe(false);
    expect(deployment.acquire(clock.now())).toBe(false);
    expect(deployment.waitTimeMs(clock.now())).toBe(Infinity);
    deployment.endRequest('none'); // aborted probe frees the slot
    expect(deployment.acquire(clock.now())).toBe(true);
  });

  it('ignores the late verdict of a call admitted before its circuit opened when given the permit generation', () => {
    const clock = new ManualClock();
    const deployment = makeDeployment(clock, 'a', { breaker: { consecutiveFailures: 1, openMs: 1000, halfOpenSuccesses: 1 } });
    expect(deployment.acquire(clock.now())).toBe(true);
    const slowCall = deployment.lastPermitGeneration;
    expect(deployment.acquire(clock.now())).toBe(true);
    deployment.endRequest('failure', deployment.lastPermitGeneration); // opens
    clock.advance(1000);
    expect(deployment.acquire(clock.now())).toBe(true);
    const probe = deployment.lastPermitGeneration;
    deployment.endRequest('success', slowCall);
    expect(deployment.breaker.state).toBe('half-open');
    expect(deployment.inFlight).toBe(1);
    deployment.endRequest('success', probe);
    expect(deployment.breaker.state).toBe('closed');
    expect(deployment.inFlight).toBe(0);
  });

  it('gives back nothing it took when the breaker refuses after the limiter agreed', () => {
    const clock = new ManualClock();
    const deployment = makeDeployment(clock, 'a', { breaker: { consecutiveFailures: 1, openMs: 1000 }, rateLimit: { rpm: 2 } });
    deployment.acquire(clock.now());
    deployment.endRequest('failure');
    expect(deployment.acquire(clock.now())).toBe(false);
    expect(deployment.limiter.headroom(clock.now())).toBeCloseTo(0.5);
  });

  it('cools down for every caller until the latest cooldown ends', () => {
    const clock = new ManualClock();
    const deployment = makeDeployment(clock, 'a');
    expect(deployment.coolDown(clock.now() + 5000, 'rate-limited: retry-after 5 s')).toBe(true);
    expect(deployment.coolDown(clock.now() + 2000, 'shorter')).toBe(false);
    expect(deployment.cooldownReason).toBe('rate-limited: retry-after 5 s');
    expect(deployment.unavailableReason(clock.now())).toBe('cooling-down');
    expect(deployment.acquire(clock.now())).toBe(false);
    expect(deployment.waitTimeMs(clock.now())).toBe(5000);
    clock.advance(4999);
    expect(deployment.isAvailable(clock.now())).toBe(false);
    clock.advance(1);
    expect(deployment.isAvailable(clock.now())).toBe(true);
    expect(deployment.acquire(clock.now())).toBe(true);
  });

  it('is unavailable without rate-limit headroom for the estimated tokens', () => {
    const clock = new ManualClock();
    const deployment = makeDeployment(clock, 'a', { rateLimit: { tpm: 1000 } });
    expect(deployment.acquire(clock.now(), 800)).toBe(true);
    expect(deployment.unavailableReason(clock.now(), 300)).toBe('rate-limited');
    expect(deployment.isAvailable(clock.now(), 150)).toBe(true);
    expect(deployment.waitTimeMs(clock.now(), 300)).toBe(6000);
  });

  it('keeps an exponential moving average of time to first token', () => {
    const deployment = makeDeployment(new ManualClock(), 'a', { latencySmoothing: 0.5 });
    expect(deployment.timeToFirstTokenMs).toBeUndefined();
    deployment.recordLatency(100);
    expect(deployment.timeToFirstTokenMs).toBe(100);
    deployment.recordLatency(300);
    expect(deployment.timeToFirstTokenMs).toBe(200);
    deployment.recordLatency(Number.NaN);
    deployment.recordLatency(-5);
    expect(deployment.timeToFirstTokenMs).toBe(200);
  });

  it('reports a health snapshot', () => {
    const clock = new ManualClock();
    const deployment = makeDeployment(clock, 'a', { weight: 2, rateLimit: { rpm: 4 } });
    deployment.acquire(clock.now());
    deployment.recordLatency(250);
    deployment.recordError('RLLM_RATE_LIMITED', 'openai/model-a: slow down (HTTP 429)', clock.now());
    deployment.coolDown(clock.now() + 3000, 'retry-after');
    expect(deployment.snapshot(clock.now())).toEqual({
      id: 'a',
      alias: 'pool',
      providerName: 'openai',
      model: 'model-a',
      weight: 2,
      inFlight: 1,
      timeToFirstTokenMs: 250,
      cooldownUntil: 4000,
      cooldownReason: 'retry-after',
      rateLimitHeadroom: 0.75,
      circuit: { state: 'closed', consecutiveFailures: 0, failureRate: 0 },
      lastError: { code: 'RLLM_RATE_LIMITED', message: 'openai/model-a: slow down (HTTP 429)', at: 1000 },
    });
    clock.advance(3000);
    expect(deployment.snapshot(clock.now())).not.toHaveProperty('cooldownUntil');
  });

  it('validates its options eagerly', () => {
    const clock = new ManualClock();
    expect(() => makeDeployment(clock, 'a', { weight: 0 })).toThrow('Expected `weight` to be a positive number, got 0.');
    expect(() => makeDeployment(clock, 'a', { contextWindow: -1 })).toThrow('Expected `contextWindow` to be a positive integer');
    expect(() => makeDeployment(clock, 'a', { breaker: { openMs: -1 } })).toThrow('Expected `breaker.openMs` to be a non-negative number, got -1.');
    expect(() => makeDeployment(clock, 'a', { rateLimit: { rpm: 0 } })).toThrow('Expected `rateLimit.rpm`');
  });
});
