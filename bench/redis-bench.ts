/**
 * The added latency per call of sharing state through Redis: the same client and in-process
 * adapter, one call in flight, with the default in-memory store and with `redisStateStore` on a
 * private redis-server on loopback (a deployment with `rpm`/`tpm`, so every call reserves in Redis:
 * one round trip). Skipped with one line when redis-server is not installed.
 */
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { ResilientLLM } from '../src/client/resilient-llm.js';
import { redisStateStore } from '../src/state/redis/redis-state-store.js';
import { MemoryStateStore } from '../src/state/state-store.js';
import type { StateStore } from '../src/state/state-store.js';
import { mockProvider } from '../src/testing/index.js';
import { findRedisServer, startRedisServer } from '../test/helpers/redis-server.js';

const CALLS = Number(process.env.BENCH_REDIS_CALLS ?? 2000);

async function latencies(store: StateStore): Promise<number[]> {
  const llm = new ResilientLLM({
    providers: { mock: mockProvider([{ text: 'Paris' }]) },
    models: { main: { deployments: [{ provider: 'mock', model: 'm', id: 'only', rpm: 1e9, tpm: 1e12 }] } },
    budget: { tenants: { '*': { rpm: 1e9 } } },
    stateStore: store,
  });
  const request = { model: 'main', messages: [{ role: 'user' as const, content: 'What is the capital of France?' }] };
  for (let index = 0; index < 300; index++) await llm.chat(request, { tenant: 'acme' });
  const samples: number[] = [];
  for (let index = 0; index < CALLS; index++) {
    const startedAt = performance.now();
    await llm.chat(request, { tenant: 'acme' });
    samples.push(performance.now() - startedAt);
  }
  await llm.close();
  return samples.sort((left, right) => left - right);
}

const percentile = (sorted: readonly number[], fraction: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;

export async function runRedisBench(): Promise<Record<string, number | string>> {
  if (findRedisServer() === undefined) return { skipped: 'redis-server not found; apt-get install redis-server to measure the Redis store' };
  const server = await startRedisServer();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  const store = redisStateStore({ client, prefix: 'bench:' });
  try {
    const memory = await latencies(new MemoryStateStore());
    const redis = await latencies(store);
    return {
      'in-memory p50 ms': percentile(memory, 0.5),
      'in-memory p99 ms': percentile(memory, 0.99),
      'redis p50 ms': percentile(redis, 0.5),
      'redis p99 ms': percentile(redis, 0.99),
      'added p50 ms': percentile(redis, 0.5) - percentile(memory, 0.5),
      'added p99 ms': percentile(redis, 0.99) - percentile(memory, 0.99),
    };
  } finally {
    await store.close();
    client.disconnect();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [key, value] of Object.entries(await runRedisBench())) console.log(`${key}: ${typeof value === 'number' ? value.toFixed(3) : value}`);
}
