import { describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../../../src/policy/pool/deployment-state.js';
import { pickDeployment, type PickContext, type PoolStrategy } from '../../../../src/policy/pool/strategies.js';
import { seededRandom } from '../../../helpers/replay-server.js';
import { ManualClock } from '../../../helpers/manual-clock.js';
import { makeDeployment } from './make-deployment.js';

function share(
  deployments: readonly DeploymentState[],
  strategy: PoolStrategy,
  context: Omit<PickContext, 'random' | 'now'>,
  clock: ManualClock,
  picks = 10_000,
  seed = 1,
): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(deployments.map((deployment) => [deployment.id, 0]));
  const pickContext: PickContext = { ...context, now: clock.now(), random: seededRandom(seed) };
  for (let index = 0; index < picks; index++) {
    const picked = pickDeployment(deployments, strategy, pickContext);
    if (picked) counts[picked.id]! += 1;
  }
  for (const id of Object.keys(counts)) counts[id]! /= picks;
  return counts;
}

function openCircuit(deployment: DeploymentState, clock: ManualClock): void {
  for (let index = 0; index < 5; index++) {
    deployment.acquire(clock.now());
    deployment.endRequest('failure');
  }
}

describe('pickDeployment', () => {
  it('weighted-random picks in proportion to weight (seeded, 10k picks)', () => {
    const clock = new ManualClock();
    const deployments = [1, 2, 3, 4].map((weight) => makeDeployment(clock, `w${weight}`, { weight }));
    const shares = share(deployments, 'weighted-random', {}, clock);
    for (const deployment of deployments) expect(shares[deployment.id]).toBeCloseTo(deployment.weight / 10, 1);
    for (const deployment of deployments) expect(Math.abs(shares[deployment.id]! - deployment.weight / 10)).toBeLessThan(0.015);
  });

  it('skips deployments with an open circuit, a cooldown or no rate-limit headroom', () => {
    const clock = new ManualClock();
    const [open, cooling, limited, healthyA, healthyB] = ['open', 'cooling', 'limited', 'a', 'b'].map((id) =>
      makeDeployment(clock, id, id === 'limited' ? { rateLimit: { tpm: 1000 } } : id === 'b' ? { weight: 3 } : {}),
    ) as [DeploymentState, DeploymentState, DeploymentState, DeploymentState, DeploymentState];
    openCircuit(open, clock);
    cooling.coolDown(clock.now() + 10_000, 'retry-after');
    const deployments = [open, cooling, limited, healthyA, healthyB];
    for (const strategy of ['weighted-random', 'round-robin', 'least-busy', 'lowest-latency', 'most-headroom'] as const) {
      const shares = share(deployments, strategy, { estimatedTokens: 2000 }, clock, 2000);
      expect(shares.open, strategy).toBe(0);
      expect(shares.cooling, strategy).toBe(0);
      expect(shares.limited, strategy).toBe(0);
      expect(shares.a! + shares.b!, strategy).toBe(1);
    }
    // Among the healthy, weighted random still follows the weights.
    const shares = share(deployments, 'weighted-random', { estimatedTokens: 2000 }, clock);
    expect(shares.b).toBeGreaterThan(0.73);
    expect(shares.b).toBeLessThan(0.77);
  });

  it('returns undefined when no deployment is available', () => {
    const clock = new ManualClock();
    const deployments = [makeDeployment(clock, 'a'), makeDeployment(clock, 'b')];
    openCircuit(deployments[0]!, clock);
    deployments[1]!.coolDown(clock.now() + 1, 'x');
    expect(pickDeployment(deployments, 'weighted-random', { now: clock.now(), random: Math.random })).toBeUndefined();
    expect(pickDeployment([], 'round-robin', { now: clock.now(), random: Math.random })).toBeUndefined();
  });

  it('prefers deployments not yet tried, but returns a tried one when it is the only healthy one', () => {
    const clock = new ManualClock();
    const deployments = ['a', 'b', 'c', 'd'].map((id) => makeDeployment(clock, id));
    const shares = share(deployments, 'weighted-random', { exclude: new Set(['a', 'b']) }, clock, 2000);
    expect(shares.a! + shares.b!).toBe(0);
    expect(shares.c).toBeGreaterThan(0.4);
    expect(shares.d).toBeGreaterThan(0.4);
    openCircuit(deployments[2]!, clock);
    openCircuit(deployments[3]!, clock);
    const fallback = share(deployments, 'least-busy', { exclude: new Set(['a', 'b']) }, clock, 2000);
    expect(fallback.a! + fallback.b!).toBe(1);
    expect(fallback.a).toBeGreaterThan(0.4);
    const onlyA = pickDeployment(deployments.slice(0, 1), 'round-robin', { now: clock.now(), random: Math.random, exclude: new Set(['a']) });
    expect(onlyA?.id).toBe('a');
  });

  it('round-robin takes each available deployment in turn from the given turn', () => {
    const clock = new ManualClock();
    const deployments = ['a', 'b', 'c', 'd'].map((id) => makeDeployment(clock, id));
    const picked = [0, 1, 2, 3, 4, 5].map((turn) => pickDeployment(deployments, 'round-robin', { now: clock.now(), random: Math.random, turn })?.id);
    expect(picked).toEqual(['a', 'b', 'c', 'd', 'a', 'b']);
    deployments[1]!.coolDown(clock.now() + 1000, 'x');
    expect(pickDeployment(deployments, 'round-robin', { now: clock.now(), random: Math.random, turn: 1 })?.id).toBe('c');
  });

  it('least-busy picks the fewest in flight, breaking ties by weight at random', () => {
    const clock = new ManualClock();
    const deployments = [
      makeDeployment(clock, 'a'),
      makeDeployment(clock, 'b', { weight: 1 }),
      makeDeployment(clock, 'c'),
      makeDeployment(clock, 'd', { weight: 3 }),
    ];
    const inFlight = { a: 3, b: 1, c: 2, d: 1 };
    for (const deployment of deployments) for (let index = 0; index < inFlight[deployment.id as 'a']; index++) deployment.acquire(clock.now());
    const shares = share(deployments, 'least-busy', {}, clock);
    expect(shares.a! + shares.c!).toBe(0);
    expect(shares.b).toBeGreaterThan(0.23);
    expect(shares.b).toBeLessThan(0.27);
    deployments[3]!.endRequest('success');
    expect(share(deployments, 'least-busy', {}, clock, 100).d).toBe(1);
  });

  it('lowest-latency explores unmeasured deployments first, then picks the lowest moving average', () => {
    const clock = new ManualClock();
    const deployments = ['a', 'b', 'c'].map((id) => makeDeployment(clock, id));
    deployments[0]!.recordLatency(300);
    deployments[2]!.recordLatency(200);
    expect(share(deployments, 'lowest-latency', {}, clock, 100).b).toBe(1);
    deployments[1]!.recordLatency(900);
    expect(share(deployments, 'lowest-latency', {}, clock, 100).c).toBe(1);
    for (let index = 0; index < 10; index++) deployments[2]!.recordLatency(2000);
    expect(share(deployments, 'lowest-latency', {}, clock, 100).a).toBe(1);
  });

  it('most-headroom picks the deployment with the largest remaining fraction of its limits', () => {
    const clock = new ManualClock();
    const deployments = ['a', 'b', 'c'].map((id) => makeDeployment(clock, id, { rateLimit: { rpm: 10 } }));
    for (const [index, taken] of [3, 1, 6].entries()) for (let take = 0; take < taken; take++) deployments[index]!.acquire(clock.now());
    expect(share(deployments, 'most-headroom', {}, clock, 100).b).toBe(1);
    deployments[1]!.limiter.observeHeaders(
      (name) => ({ 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '5', 'x-ratelimit-reset-requests': '30s' })[name],
      clock.now(),
      0,
    );
    expect(share(deployments, 'most-headroom', {}, clock, 100).a).toBe(1);
  });

  it('skips deployments whose declared context window is too small', () => {
    const clock = new ManualClock();
    const deployments = [
      makeDeployment(clock, 'small', { contextWindow: 8000 }),
      makeDeployment(clock, 'large', { contextWindow: 200_000 }),
      makeDeployment(clock, 'unknown'),
    ];
    const shares = share(deployments, 'weighted-random', { minContextWindow: 8001 }, clock, 2000);
    expect(shares.small).toBe(0);
    expect(shares.large! + shares.unknown!).toBe(1);
  });

  it('lets a half-open deployment be picked repeatedly until its one probe is acquired', () => {
    const clock = new ManualClock();
    const deployment = makeDeployment(clock, 'a', { breaker: { consecutiveFailures: 1, openMs: 100 } });
    deployment.acquire(clock.now());
    deployment.endRequest('failure');
    clock.advance(100);
    const context = { now: clock.now(), random: Math.random };
    expect(pickDeployment([deployment], 'weighted-random', context)).toBe(deployment);
    expect(pickDeployment([deployment], 'weighted-random', context)).toBe(deployment);
    expect(deployment.acquire(clock.now())).toBe(true);
    expect(pickDeployment([deployment], 'weighted-random', context)).toBeUndefined();
  });
});
