import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { SemanticCache } from '../../src/cache/semantic-cache.js';
import { MissingPeerDependencyError, StateStoreUnavailableError } from '../../src/errors/index.js';
import { reserveLocally, type QuotaClaim } from '../../src/state/quota-claim.js';
import { RedisStateBackend } from '../../src/state/redis/redis-state-backend.js';
import { redisRunner } from '../../src/state/redis/redis-runner.js';
import { redisStateStore } from '../../src/state/redis/redis-state-store.js';
import { redisResponseStore } from '../../src/state/redis/redis-response-store.js';
import { importPeer } from '../../src/state/redis/import-peer.js';
import { MemoryStateStore } from '../../src/state/state-store.js';
import type { StateBackend } from '../../src/state/synced-state-store.js';
import { MemoryStateBackend } from '../../src/testing/index.js';
import { hasRedisServer, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { ask, startPoolHarness } from './helpers/pool-harness.js';

const isRedisAvailable = hasRedisServer();
let server: RedisServer;
let prefixCount = 0;

beforeAll(async () => {
  if (isRedisAvailable) server = await startRedisServer();
}, 20_000);
afterAll(async () => {
  await server?.stop();
});

type Kind = 'ioredis' | 'node-redis';

async function connect(kind: Kind): Promise<object & { quit(): Promise<unknown> }> {
  if (kind === 'ioredis') {
    const client = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    onTestFinished(() => {
      client.disconnect();
    });
    return client;
  }
  const client = createClient({ url: server.url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => undefined);
  await client.connect();
  onTestFinished(async () => {
    if (client.isOpen) await client.close();
  });
  return client as unknown as object & { quit(): Promise<unknown> };
}

type Reserving = { sync: StateBackend['sync']; reserve(claims: readonly QuotaClaim[]): Promise<number> };

/** A backend per kind: the in-memory twin and Redis through each client, each under a fresh prefix. */
async function backendFor(kind: 'memory' | Kind): Promise<Reserving> {
  if (kind === 'memory') {
    const backend = new MemoryStateBackend();
    return { sync: (writes, keys) => backend.sync(writes, keys), reserve: async (claims) => reserveLocally(backend.store, claims) };
  }
  const client = await connect(kind);
  return new RedisStateBackend(redisRunner(client), { keyPrefix: `contract${++prefixCount}:{state}:`, timeoutMs: 1000, defaultTtlMs: 60_000 });
}

const kinds = isRedisAvailable ? (['memory', 'ioredis', 'node-redis'] as const) : (['memory'] as const);

describe.each(kinds)('StateBackend contract: %s', (kind) => {
  it('applies writes in order and reads numbers as numbers, strings as strings', async () => {
    const backend = await backendFor(kind);
    const entries = await backend.sync(
      [
        { op: 'set', key: 'a', value: 5 },
        { op: 'set', key: 'reason', value: 'probe-failed' },
        { op: 'set', key: 'digits', value: '42' },
        { op: 'increment', key: 'a', by: 2.5 },
        { op: 'set', key: 'gone', value: 1 },
        { op: 'delete', key: 'gone' },
      ],
      ['a', 'reason', 'digits', 'gone', 'never'],
    );
    expect(entries.map((entry) => entry?.value)).toEqual([7.5, 'probe-failed', '42', undefined, undefined]);
  });

  it('gives a new counter its TTL and keeps an existing one’s expiry', async () => {
    const backend = await backendFor(kind);
    await backend.sync([{ op: 'increment', key: 'count', by: 1, ttlMs: 50_000 }], []);
    const [entry] = await backend.sync([{ op: 'increment', key: 'count', by: 2, ttlMs: 5_000 }], ['count']);
    expect(entry?.value).toBe(3);
    expect(entry?.ttlMs).toBeGreaterThan(40_000);
  });

  it('merges max writes to the largest, whatever their order, and sets an absent or string key', async () => {
    const backend = await backendFor(kind);
    await backend.sync([{ op: 'max', key: 'mark', value: 2 }, { op: 'set', key: 'word', value: 'text' }], []);
    const entries = await backend.sync(
      [
        { op: 'max', key: 'mark', value: 0.5 },
        { op: 'max', key: 'mark', value: 1.75 },
        { op: 'max', key: 'fresh', value: 3.25 },
        { op: 'max', key: 'word', value: 1 },
      ],
      ['mark', 'fresh', 'word'],
    );
    expect(entries.map((entry) => entry?.value)).toEqual([2, 3.25, 1]);
  });

  it('restarts a counter from the increment when the key held a string', async () => {
    const backend = await backendFor(kind);
    const [entry] = await backend.sync([{ op: 'set', key: 'k', value: 'text' }, { op: 'increment', key: 'k', by: 4 }], ['k']);
    expect(entry?.value).toBe(4);
  });

  it('counts quota claims all or nothing', async () => {
    const backend = await backendFor(kind);
    const claims = (amount: number): QuotaClaim[] => [
      { key: 'rpm', amount: 1, limit: 3, ttlMs: 60_000 },
      { key: 'tpm', amount, limit: 100, ttlMs: 60_000 },
    ];
    expect(await backend.reserve(claims(60))).toBe(-1);
    expect(await backend.reserve(claims(60))).toBe(1); // tpm would reach 120: nothing counted
    expect(await backend.reserve(claims(40))).toBe(-1);
    expect(await backend.reserve(claims(0))).toBe(1); // tpm is at its limit: a check-only claim is refused
    expect(await backend.reserve(claims(1))).toBe(1);
    const entries = await backend.sync([], ['rpm', 'tpm']);
    expect(entries.map((entry) => entry?.value)).toEqual([2, 100]);
  });
});

describe.runIf(isRedisAvailable).each(['ioredis', 'node-redis'] as const)('redisStateStore through %s', (kind) => {
  it('puts every key under the prefix and one hash tag, each with a TTL', async () => {
    const client = await connect(kind);
    const store = redisStateStore({ client, prefix: `ttl${++prefixCount}:`, syncIntervalMs: 60_000 });
    onTestFinished(() => store.close());
    store.set('breaker␟opened-at', 123);
    store.increment('usage␟requests', 1);
    store.set('cooldown', 9, 30_000);
    await store.sync();
    const inspector = new Redis(server.url);
    onTestFinished(() => void inspector.disconnect());
    const keys = (await inspector.keys(`ttl${prefixCount}:*`)).sort();
    expect(keys).toEqual([`ttl${prefixCount}:{state}:breaker␟opened-at`, `ttl${prefixCount}:{state}:cooldown`, `ttl${prefixCount}:{state}:usage␟requests`]);
    for (const key of keys) expect(await inspector.pttl(key)).toBeGreaterThan(0);
  });

  it('shares a breaker opened by one client with another process’s client', async () => {
    const harness = await startPoolHarness({ primary: [{ status: 500, body: { error: { message: 'down' } } }], spare: [{ text: 'spare' }] });
    const prefix = `breaker${++prefixCount}:`;
    const storeA = redisStateStore({ client: await connect(kind), prefix, syncIntervalMs: 20 });
    const storeB = redisStateStore({ client: await connect(kind), prefix, syncIntervalMs: 20 });
    onTestFinished(() => Promise.all([storeA.close(), storeB.close()]).then(() => undefined));
    const options = {
      models: { main: { strategy: 'round-robin' as const, deployments: [{ provider: 'openai', model: 'primary', id: 'primary' }, { provider: 'openai', model: 'spare', id: 'spare' }] } },
      retry: { maxRetries: 0 },
      breaker: { consecutiveFailures: 2, openMs: 60_000 },
    };
    const first = harness.client({ ...options, stateStore: storeA });
    const second = harness.client({ ...options, stateStore: storeB });
    await second.warmup();
    for (let call = 0; call < 3; call++) await first.chat(ask());
    expect(first.health().find((deployment) => deployment.id === 'primary')?.circuit.state).toBe('open');
    await storeA.sync();
    await storeB.sync();
    for (let call = 0; call < 4; call++) expect((await second.chat(ask())).text).toBe('spare');
    expect(harness.server.requestsFor('primary')).toHaveLength(2);
  });

  it('goes on from local state while Redis is down, reports it, queues no command, and shares again once it is back', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok' }] });
    const client = await connect(kind);
    const store = redisStateStore({ client, prefix: `outage${++prefixCount}:`, syncIntervalMs: 20, timeoutMs: 50 });
    onTestFinished(() => store.close());
    const llm = harness.client({ models: { main: { deployments: [{ provider: 'openai', model: 'only', id: 'only', rpm: 1000 }] } }, stateStore: store });
    const errors: string[] = [];
    llm.on('state-store-error', (event) => errors.push(`${event.operation}:${event.mode}`));
    await llm.chat(ask());

    await server.stop();
    for (let call = 0; call < 5; call++) expect((await llm.chat(ask())).text).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors.length).toBeGreaterThan(0);
    expect(store.isAvailable).toBe(false);
    if (kind === 'ioredis') expect((client as unknown as { offlineQueue: { length: number } }).offlineQueue.length).toBe(0);

    await server.restart();
    await expect.poll(() => store.isAvailable, { timeout: 5_000, interval: 50 }).toBe(true);
    await store.sync();
    const inspector = new Redis(server.url);
    onTestFinished(() => void inspector.disconnect());
    // The restarted server was empty: the usage counted while it was down reached it with the next syncs.
    const requests = (await inspector.keys(`outage${prefixCount}:*requests*`)).length;
    expect(requests).toBeGreaterThan(0);
    expect(harness.server.requests).toHaveLength(6);
  }, 20_000);

  it("refuses calls with StateStoreUnavailableError while Redis is down under 'fail-closed'", async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok' }] });
    const store = redisStateStore({ client: await connect(kind), prefix: `closed${++prefixCount}:`, syncIntervalMs: 20, timeoutMs: 50, onStoreError: 'fail-closed' });
    onTestFinished(() => store.close());
    const llm = harness.client({ models: { main: { deployments: [{ provider: 'openai', model: 'only', id: 'only', rpm: 1000 }] } }, retry: { maxRetries: 0 }, stateStore: store });
    expect((await llm.chat(ask())).text).toBe('ok');
    await server.stop();
    try {
      await expect.poll(() => store.isAvailable, { timeout: 2_000, interval: 20 }).toBe(false);
      await expect(llm.chat(ask())).rejects.toBeInstanceOf(StateStoreUnavailableError);
      expect(harness.server.requests).toHaveLength(1);
    } finally {
      await server.restart();
    }
  }, 20_000);

  it('shares exact cache answers between replicas, with a TTL, and stores only complete answers', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'Paris' }] });
    const prefix = `cache${++prefixCount}:`;
    const replicaA = harness.client({ models: { main: { provider: 'openai', model: 'm' } }, cache: new SemanticCache({ store: redisResponseStore({ client: await connect(kind), prefix, ttlMs: 30_000 }), isSemantic: false }) });
    const replicaB = harness.client({ models: { main: { provider: 'openai', model: 'm' } }, cache: new SemanticCache({ store: redisResponseStore({ client: await connect(kind), prefix }), isSemantic: false }) });
    const question = ask('What is the capital of France?');
    expect((await replicaA.chat(question)).text).toBe('Paris');
    await expect.poll(async () => (await replicaB.chat(question)).cached?.tier, { timeout: 2_000, interval: 20 }).toBe('exact');
    expect(harness.server.requests).toHaveLength(1);
    // Another tenant is another partition.
    expect((await replicaB.chat(question, { tenant: 'other' })).cached).toBeUndefined();
    const inspector = new Redis(server.url);
    onTestFinished(() => void inspector.disconnect());
    const keys = await inspector.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await inspector.pttl(key)).toBeGreaterThan(0);
  });
});

describe('optional peers', () => {
  it('names the missing package in a typed error', async () => {
    const error = await importPeer('llm-resilience-no-such-peer', 'redisStateStore').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingPeerDependencyError);
    expect(error).toMatchObject({ code: 'RLLM_MISSING_PEER_DEPENDENCY', packageName: 'llm-resilience-no-such-peer' });
    expect((error as Error).message).toContain('npm install llm-resilience-no-such-peer');
  });

  it('rejects a client that is neither ioredis nor node-redis', () => {
    expect(() => redisStateStore({ client: {} })).toThrow(/ioredis client or a redis/);
  });

  it('keeps the in-memory store working with local reservations', () => {
    const store = new MemoryStateStore();
    expect(reserveLocally(store, [{ key: 'x', amount: 2, limit: 2, ttlMs: 1000 }])).toBe(-1);
    expect(reserveLocally(store, [{ key: 'x', amount: 1, limit: 2, ttlMs: 1000 }])).toBe(0);
  });
});
