import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createProviderServer, serverError, type ProviderServer, type ProviderServerScript } from '../../src/testing/index.js';
import { hasRedisServer, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import type { RedisWorkerResult } from './helpers/redis-worker.js';

// Real OS processes sharing one redis-server through `redisStateStore`. Every assertion counts
// what the loopback provider received.

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./helpers/redis-worker.ts', import.meta.url));
const isRedisAvailable = hasRedisServer();
let redis: RedisServer;
let prefixCount = 0;

beforeAll(async () => {
  if (isRedisAvailable) redis = await startRedisServer();
}, 20_000);
afterAll(async () => {
  await redis?.stop();
});

type Worker = { readonly ready: Promise<void>; readonly output: () => string; go(): void; readonly result: Promise<RedisWorkerResult> };

async function setUp(script: ProviderServerScript): Promise<{ provider: ProviderServer; start(environment: Record<string, string>): Worker }> {
  const provider = await createProviderServer({ script });
  const children: ChildProcess[] = [];
  const prefix = `processes${++prefixCount}:`;
  onTestFinished(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await provider.close();
  });
  return {
    provider,
    start(environment) {
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
        cwd: REPO_ROOT,
        env: { ...process.env, PROVIDER_URL: provider.url, REDIS_URL: redis.url, PREFIX: prefix, ...environment },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.push(child);
      let stdout = '';
      let stderr = '';
      let markReady: () => void = () => undefined;
      const ready = new Promise<void>((resolve) => (markReady = resolve));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.startsWith('ready\n')) markReady();
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const result = new Promise<RedisWorkerResult>((resolve, reject) => {
        child.on('close', (code) => {
          const last = stdout.trim().split('\n').at(-1) ?? '';
          if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as RedisWorkerResult);
          else reject(new Error(`worker exited with ${code}: ${stdout}${stderr}`));
        });
      });
      result.catch(() => undefined);
      return { ready: Promise.race([ready, result.then(() => undefined)]), output: () => stdout, go: () => child.stdin.write('go\n'), result };
    },
  };
}

/** Waits until at least 4 s remain in the current wall-clock minute, so a run's calls share one rpm window. */
async function awayFromMinuteEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 4_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe.runIf(isRedisAvailable)('processes sharing one redis-server', () => {
  it('four processes each trying 50 calls send no more than the shared rpm of 60', async () => {
    const { provider, start } = await setUp({ default: [{ text: 'ok' }] });
    const workers = Array.from({ length: 4 }, () => start({ SCENARIO: 'rpm', CALLS: '50' }));
    await Promise.all(workers.map((worker) => worker.ready));
    await awayFromMinuteEdge();
    for (const worker of workers) worker.go();
    const results = await Promise.all(workers.map((worker) => worker.result));

    const sent = provider.requestsFor('only').length;
    // Per-process limits would have let 4 × 50 = 200 through. The shared window never lets more than
    // 60 in; a take whose Redis round trip overran its timeout on a loaded machine is refused, not admitted.
    expect(sent).toBeLessThanOrEqual(60);
    expect(sent).toBeGreaterThanOrEqual(55);
    expect(results.reduce((sum, result) => sum + result.answered, 0)).toBe(sent);
    // Refused by the shared window (a rate limit), or with nothing left to try: never an answer.
    expect(results.flatMap((result) => result.failed).every((code) => code === 'RLLM_RATE_LIMITED' || code === 'RLLM_ALL_DEPLOYMENTS_FAILED')).toBe(true);
    expect(results.map((result) => result.isAvailable)).toEqual([true, true, true, true]);
  }, 30_000);

  it('a breaker opened by failures in one process makes the others skip that deployment', async () => {
    const { provider, start } = await setUp({ primary: [serverError(500)], spare: [{ text: 'spare' }] });
    const followers = [start({ SCENARIO: 'follow', CALLS: '4' }), start({ SCENARIO: 'follow', CALLS: '4' })];
    const opener = start({ SCENARIO: 'open-circuit' });
    await Promise.all([opener.ready, ...followers.map((worker) => worker.ready)]);
    for (const follower of followers) follower.go(); // they wait for a second go
    opener.go();
    expect(await opener.result).toMatchObject({ primaryCircuit: 'open', failed: [] });
    const primaryBefore = provider.requestsFor('primary').length;
    expect(primaryBefore).toBe(2);
    await expect.poll(() => followers.every((worker) => worker.output().includes('waiting\n'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 60)); // a few sync intervals
    for (const follower of followers) follower.go();
    for (const result of await Promise.all(followers.map((worker) => worker.result))) {
      expect(result).toMatchObject({ primaryCircuit: 'open', answered: 4, failed: [] });
    }
    expect(provider.requestsFor('primary')).toHaveLength(primaryBefore);
  }, 30_000);

  it('a tenant quota holds across three processes', async () => {
    const { provider, start } = await setUp({ default: [{ text: 'ok' }] });
    const workers = Array.from({ length: 3 }, () => start({ SCENARIO: 'tenant', CALLS: '6', TENANT_RPM: '10' }));
    await Promise.all(workers.map((worker) => worker.ready));
    await awayFromMinuteEdge();
    for (const worker of workers) worker.go();
    const results = await Promise.all(workers.map((worker) => worker.result));
    expect(provider.requests).toHaveLength(10);
    expect(results.reduce((sum, result) => sum + result.answered, 0)).toBe(10);
    expect(results.flatMap((result) => result.failed)).toEqual(Array.from({ length: 8 }, () => 'RLLM_TENANT_QUOTA'));
  }, 30_000);

  it('calls go on from local state while redis-server is stopped, and processes share state again after a restart', async () => {
    const { provider, start } = await setUp({ default: [{ text: 'ok' }] });
    const workers = [start({ SCENARIO: 'outage', DURATION_MS: '3000' }), start({ SCENARIO: 'outage', DURATION_MS: '3000' })];
    await Promise.all(workers.map((worker) => worker.ready));
    for (const worker of workers) worker.go();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 800));
    await redis.restart();
    const results = await Promise.all(workers.map((worker) => worker.result));

    for (const result of results) {
      expect(result.failed).toEqual([]); // nothing failed, nothing crashed
      expect(result.storeErrors).toBeGreaterThan(0); // the outage was reported
      expect(result.isAvailable).toBe(true); // and the store is back
    }
    expect(provider.requests).toHaveLength(results.reduce((sum, result) => sum + result.answered, 0));
    // After the restart both processes count their calls in the one (new) Redis again.
    const { Redis } = await import('ioredis');
    const inspector = new Redis(redis.url);
    onTestFinished(() => void inspector.disconnect());
    const counters = await inspector.keys(`processes${prefixCount}:*admission*`);
    expect(counters.length).toBeGreaterThan(0);
    const counted = (await Promise.all(counters.map((key) => inspector.get(key)))).reduce((sum, value) => sum + Number(value), 0);
    expect(counted).toBeGreaterThan(2); // calls from after the restart, counted atomically in Redis
  }, 30_000);
});
