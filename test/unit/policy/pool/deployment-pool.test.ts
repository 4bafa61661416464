import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';
import { DeploymentPool } from '../../../../src/policy/pool/deployment-pool.js';
import type { PoolStrategy } from '../../../../src/policy/pool/strategies.js';
import { ManualClock } from '../../../helpers/manual-clock.js';
import { makeDeployment } from './make-deployment.js';

describe('DeploymentPool', () => {
  it('round-robin cycles through its deployments exactly', () => {
    const clock = new ManualClock();
    const pool = new DeploymentPool('gpt', ['a', 'b', 'c'].map((id) => makeDeployment(clock, id)), 'round-robin');
    const context = { now: clock.now(), random: Math.random };
    const picked = Array.from({ length: 9 }, () => pool.pick(context)?.id);
    expect(picked).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('round-robin moves past a deployment that became unavailable and comes back to it', () => {
    const clock = new ManualClock();
    const deployments = ['a', 'b', 'c'].map((id) => makeDeployment(clock, id));
    const pool = new DeploymentPool('gpt', deployments, 'round-robin');
    deployments[1]!.coolDown(clock.now() + 1000, 'x');
    const context = { now: clock.now(), random: Math.random };
    expect(Array.from({ length: 3 }, () => pool.pick(context)?.id)).toEqual(['a', 'c', 'c']);
    clock.advance(1000);
    const later = { now: clock.now(), random: Math.random };
    expect(Array.from({ length: 3 }, () => pool.pick(later)?.id)).toEqual(['a', 'b', 'c']);
  });

  it('reports how long until some deployment can take a request', () => {
    const clock = new ManualClock();
    const deployments = [makeDeployment(clock, 'a', { rateLimit: { rpm: 60 } }), makeDeployment(clock, 'b')];
    const pool = new DeploymentPool('gpt', deployments);
    expect(pool.waitTimeMs(clock.now())).toBe(0);
    deployments[1]!.coolDown(clock.now() + 5000, 'retry-after');
    for (let index = 0; index < 60; index++) deployments[0]!.acquire(clock.now());
    expect(pool.waitTimeMs(clock.now())).toBe(1000);
    deployments[1]!.coolDown(clock.now() + 500, 'nothing: keeps the later one');
    expect(pool.waitTimeMs(clock.now())).toBe(1000);
    expect(pool.waitTimeMs(clock.now(), 0)).toBe(1000);
  });

  it('validates its strategy and deployments eagerly', () => {
    const clock = new ManualClock();
    expect(() => new DeploymentPool('gpt', [makeDeployment(clock, 'a')], 'fastest' as PoolStrategy)).toThrow(
      'Expected `strategy` to be one of weighted-random, round-robin, least-busy, lowest-latency, most-headroom, got "fastest".',
    );
    expect(() => new DeploymentPool('gpt', [])).toThrow(InvalidArgumentError);
  });
});
