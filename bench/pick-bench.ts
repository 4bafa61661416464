import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/providers/provider.js';
import { DeploymentPool } from '../src/policy/pool/deployment-pool.js';
import { DeploymentState } from '../src/policy/pool/deployment-state.js';
import { POOL_STRATEGIES, type PickContext, type PoolStrategy } from '../src/policy/pool/strategies.js';

const WARMUP_ITERATIONS = 200_000;
const ITERATIONS = 1_000_000;

function makePool(strategy: PoolStrategy): DeploymentPool {
  const deployments = [1, 2, 3, 4].map((index) => {
    const deployment = new DeploymentState({
      id: `bench#${index}`,
      alias: 'bench',
      providerName: index % 2 === 0 ? 'openai' : 'anthropic',
      model: `model-${index}`,
      weight: index,
      contextWindow: 128_000,
      // Limits on, so every pick also checks two token buckets per deployment.
      rateLimit: { rpm: 1_000_000, tpm: 1_000_000_000 },
      clock: systemClock,
    });
    deployment.recordLatency(100 * index);
    return deployment;
  });
  return new DeploymentPool('bench', deployments, strategy);
}

function measure(run: () => unknown): number {
  let sink = 0;
  for (let index = 0; index < WARMUP_ITERATIONS; index++) if (run() !== undefined) sink++;
  const start = process.hrtime.bigint();
  for (let index = 0; index < ITERATIONS; index++) if (run() !== undefined) sink++;
  const elapsedNs = Number(process.hrtime.bigint() - start);
  if (sink === -1) throw new Error('unreachable');
  return Math.round((elapsedNs / ITERATIONS) * 10) / 10;
}

/**
 * Nanoseconds per `pool.pick()` for a pool of 4 healthy deployments with rate limits, for each
 * strategy; plus one full `acquire()` + `endRequest()` cycle and a pick that must skip a tried one.
 */
export async function runPickBench(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  for (const strategy of POOL_STRATEGIES) {
    const pool = makePool(strategy);
    const context: PickContext = { now: systemClock.now(), random: Math.random, estimatedTokens: 1000 };
    results[`pick ${strategy} (ns)`] = measure(() => pool.pick(context));
  }
  const pool = makePool('weighted-random');
  const excluding: PickContext = { now: systemClock.now(), random: Math.random, estimatedTokens: 1000, exclude: new Set(['bench#4']) };
  results['pick weighted-random excluding one (ns)'] = measure(() => pool.pick(excluding));
  const deployment = pool.deployments[0]!;
  results['acquire + endRequest (ns)'] = measure(() => {
    const now = systemClock.now();
    if (!deployment.acquire(now, 1000)) return undefined;
    deployment.endRequest('success');
    deployment.limiter.settle(1000, 0, now); // give the tokens back so the bucket never runs dry
    return deployment;
  });
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runPickBench();
  for (const [name, value] of Object.entries(results)) process.stdout.write(`${name.padEnd(44)} ${value}\n`);
}
