import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { readStream } from '../../src/browser/index.js';
import { InvalidArgumentError, StateStoreUnavailableError } from '../../src/errors/index.js';
import { openai, ResilientLLM, StreamRelay, type WirePart } from '../../src/index.js';
import { redisResumableStreamStore, type RedisResumableStreamStore } from '../../src/redis.js';
import { createProviderServer } from '../../src/testing/index.js';
import { listenOnLoopback } from '../helpers/listen-on-loopback.js';
import { hasRedisServer, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { resumableStreamStoreContract, textPart, until } from '../unit/relay/resumable-stream-store-contract.js';

const isRedisAvailable = hasRedisServer();
let server: RedisServer;
let inspector: Redis;
let prefixCount = 0;

beforeAll(async () => {
  if (!isRedisAvailable) return;
  server = await startRedisServer();
  inspector = new Redis(server.url);
}, 20_000);
afterAll(async () => {
  inspector?.disconnect();
  await server?.stop();
});

type Kind = 'ioredis' | 'node-redis';
const kinds = ['ioredis', 'node-redis'] as const;

async function connect(kind: Kind): Promise<object> {
  if (kind === 'ioredis') {
    const client = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    onTestFinished(() => client.disconnect());
    return client;
  }
  const client = createClient({ url: server.url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => undefined);
  await client.connect();
  onTestFinished(async () => {
    if (client.isOpen) await client.close();
  });
  return client;
}

async function storeFor(kind: Kind, options: Omit<Parameters<typeof redisResumableStreamStore>[0], 'client'> = {}): Promise<RedisResumableStreamStore> {
  const store = redisResumableStreamStore({ client: await connect(kind), prefix: `rs${++prefixCount}:`, ...options });
  onTestFinished(() => store.close());
  return store;
}

/** Subscriber connections open on the server now. */
async function pubsubConnections(): Promise<number> {
  const list = String(await inspector.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  return list.split('\n').filter((line) => line.trim() !== '').length;
}

describe.runIf(isRedisAvailable).each(kinds)('redisResumableStreamStore through %s: the store contract', (kind) => {
  resumableStreamStoreContract(async (options) => ({
    store: await storeFor(kind, options),
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }));
});

describe.runIf(isRedisAvailable).each(kinds)('redisResumableStreamStore through %s', (kind) => {
  it('keeps a stream in two keys of one hash slot, each with the TTL, refreshed on append', async () => {
    const store = await storeFor(kind, { ttlMs: 60_000 });
    await store.append('abc', textPart('abc', 1));
    const keys = (await inspector.keys(`rs${prefixCount}:*`)).sort();
    expect(keys).toEqual([`rs${prefixCount}:{abc}:meta`, `rs${prefixCount}:{abc}:parts`]);
    await inspector.pexpire(keys[0]!, 5_000);
    await store.append('abc', textPart('abc', 2));
    for (const key of keys) expect(await inspector.pttl(key)).toBeGreaterThan(55_000);
    expect(await inspector.lrange(keys[1]!, 0, -1)).toEqual([JSON.stringify(textPart('abc', 1)), JSON.stringify(textPart('abc', 2))]);
  });

  it('subscribes through one extra connection, closed when the last subscriber leaves', async () => {
    const store = await storeFor(kind);
    const before = await pubsubConnections();
    const unsubscribers = await Promise.all(['a', 'b', 'a'].map((streamId) => store.subscribe(streamId, () => undefined)));
    expect(await pubsubConnections()).toBe(before + 1);
    expect(store.subscribedStreams).toBe(2);
    expect(await inspector.call('PUBSUB', 'NUMSUB', `rs${prefixCount}:{a}:live`)).toEqual([`rs${prefixCount}:{a}:live`, 1]);
    for (const unsubscribe of unsubscribers) unsubscribe();
    await until(() => store.subscribedStreams === 0);
    expect(store.subscribedStreams).toBe(0);
    let open = -1;
    for (let tries = 0; tries < 100 && open !== before; tries++) open = await pubsubConnections();
    expect(open).toBe(before);
    // A later subscription opens a new one, and still hears every part.
    const seen: string[] = [];
    const unsubscribe = await store.subscribe('a', (part) => seen.push(part.id));
    await store.append('a', textPart('a', 1));
    await until(() => seen.length === 1);
    expect(seen).toEqual(['a:1']);
    unsubscribe();
  });

  it('refuses subscriptions after close(), and drops its subscriber connection; append and read go on', async () => {
    const store = await storeFor(kind);
    const before = await pubsubConnections();
    await store.subscribe('s', () => undefined);
    store.close();
    await expect(store.subscribe('s', () => undefined)).rejects.toBeInstanceOf(StateStoreUnavailableError);
    let open = -1;
    for (let tries = 0; tries < 100 && open !== before; tries++) open = await pubsubConnections();
    expect(open).toBe(before);
    await store.append('s', textPart('s', 1));
    expect((await store.read('s', 0))?.parts).toEqual([textPart('s', 1)]);
  });

  it('rejects with StateStoreUnavailableError after timeoutMs while Redis does not answer, with no unhandled rejection', async () => {
    const store = await storeFor(kind, { timeoutMs: 100 });
    await store.append('slow', textPart('slow', 1));
    await inspector.call('CLIENT', 'PAUSE', '700', 'ALL');
    const startedAt = performance.now();
    const results = await Promise.allSettled([store.append('slow', textPart('slow', 2)), store.read('slow', 0), store.subscribe('other', () => undefined)]);
    const elapsedMs = performance.now() - startedAt;
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const result of results) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StateStoreUnavailableError);
    expect(elapsedMs).toBeLessThan(600);
    // Once Redis answers again, the late replies are dropped and the store works.
    await until(() => store.subscribedStreams === 0, 5_000);
    expect(store.subscribedStreams).toBe(0);
    expect((await store.read('slow', 0))?.parts.length).toBeGreaterThanOrEqual(1);
  });
});

describe.runIf(isRedisAvailable)('redisResumableStreamStore options', () => {
  it('rejects a bad option with InvalidArgumentError', async () => {
    const client = await connect('ioredis');
    expect(() => redisResumableStreamStore({ client, ttlMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => redisResumableStreamStore({ client, maxPartsPerStream: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => redisResumableStreamStore({ client: {} })).toThrow(InvalidArgumentError);
  });
});

const ANSWER = 'A stream kept in Redis survives the reader moving to another server, and the model is asked only once.';

type Replica = {
  readonly url: string;
  readonly relay: StreamRelay;
  readonly store: RedisResumableStreamStore;
  readonly requests: IncomingHttpHeaders[];
  readonly storeErrors: unknown[];
  started: number;
};

/**
 * One "process" (in this test process): its own Redis client, store, ResilientLLM, StreamRelay and
 * HTTP server. `cutAfter` cuts the first connection after that many parts.
 */
async function startReplica(kind: Kind, prefix: string, providerURL: string, cutAfter?: number, client?: object): Promise<Replica> {
  const store = redisResumableStreamStore({ client: client ?? (await connect(kind)), prefix });
  const llm = new ResilientLLM({
    providers: { local: openai({ apiKey: 'sk-test-replica', baseURL: providerURL }) },
    models: { main: { provider: 'local', model: 'answer-model' } },
    retry: { maxRetries: 0 },
  });
  const storeErrors: unknown[] = [];
  const relay = new StreamRelay({ store, heartbeatMs: 5_000, onStoreError: (error) => storeErrors.push(error) });
  const replica: Replica = { url: '', relay, store, requests: [], storeErrors, started: 0 };
  let isCut = false;
  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    replica.requests.push(request.headers);
    if (cutAfter !== undefined && !isCut) {
      isCut = true;
      let sent = 0;
      const write = response.write.bind(response) as (chunk: string) => boolean;
      response.write = ((chunk: string) => {
        const result = write(chunk);
        if (chunk.startsWith('id:') && ++sent === cutAfter) response.socket?.destroy();
        return result;
      }) as typeof response.write;
    }
    void relay.pipeSSE(request, response, () => {
      replica.started++;
      return llm.stream({ model: 'main', messages: [{ role: 'user', content: 'Tell me about resumable streams.' }] });
    });
  });
  const listener = await listenOnLoopback(http);
  onTestFinished(async () => {
    relay.close();
    await listener.close();
    store.close();
    await llm.close();
  });
  return Object.assign(replica, { url: listener.url });
}

describe.runIf(isRedisAvailable).each(kinds)('StreamRelay with the Redis store through %s', (kind) => {
  it('resumes on another replica after a cut: the whole answer once, no part missing or repeated, one call to the model', async () => {
    const provider = await createProviderServer({ script: { 'answer-model': [{ text: ANSWER, chunkDelayMs: 20 }] } });
    onTestFinished(() => provider.close());
    const prefix = `relay${++prefixCount}:`;
    const first = await startReplica(kind, prefix, provider.baseURL('openai'), 4);
    const second = await startReplica(kind, prefix, provider.baseURL('openai'));
    // A load balancer that sends the reconnect to the other replica.
    let connections = 0;
    const balanced: typeof fetch = (input, init) => fetch(connections++ === 0 ? input : String(input).replace(first.url, second.url), init);
    const parts: WirePart[] = [];
    let reconnects = 0;
    let partsBeforeCut = 0;
    const onReconnect = () => {
      reconnects++;
      partsBeforeCut = parts.length;
    };
    for await (const part of readStream(`${first.url}/chat`, { fetch: balanced, reconnectDelayMs: 10, onReconnect })) parts.push(part);

    expect(reconnects).toBe(1);
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
    // The cut came mid-answer, and the second replica was asked for the parts after the last one read.
    expect(partsBeforeCut).toBeGreaterThan(1);
    expect(partsBeforeCut).toBeLessThan(parts.length - 3);
    expect(second.requests[0]!['last-event-id']).toBe(parts[partsBeforeCut - 1]!.id);
    expect(parts.map((part) => part.type)).not.toContain('reset');
    expect(parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe(ANSWER);
    const streamId = parts[0]!.id.split(':')[0]!;
    expect(parts.map((part) => part.id)).toEqual(parts.map((_, index) => `${streamId}:${index + 1}`));
    expect(parts.at(-1)?.type).toBe('finish');
    expect(provider.requests).toHaveLength(1);
    expect(provider.closedEarly).toBe(0);
    expect(first.started).toBe(1);
    expect(first.storeErrors).toEqual([]);
    expect(second.started).toBe(0);
    expect(second.relay.liveStreams).toBe(0);
    await until(() => first.relay.liveStreams === 0);
    expect(first.relay.liveStreams).toBe(0);
  });
});

/** A client that cannot connect: ioredis to a port where nothing listens (commands fail after a retry), node-redis never connected (they fail at once). */
function unconnected(kind: Kind): object {
  if (kind === 'ioredis') {
    const client = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    onTestFinished(() => client.disconnect());
    return client;
  }
  return createClient({ url: server.url });
}

describe.runIf(isRedisAvailable).each(kinds)('StreamRelay with the Redis store through %s, while Redis cannot be reached', (kind) => {
  it('serves the stream, resumable in this process, reports the store error once, and asks the model once', async () => {
    const provider = await createProviderServer({ script: { 'answer-model': [{ text: ANSWER, chunkDelayMs: 10 }] } });
    onTestFinished(() => provider.close());
    const replica = await startReplica(kind, `down${++prefixCount}:`, provider.baseURL('openai'), 3, unconnected(kind));
    const parts: WirePart[] = [];
    let reconnects = 0;
    for await (const part of readStream(`${replica.url}/chat`, { reconnectDelayMs: 10, onReconnect: () => reconnects++ })) parts.push(part);
    expect(reconnects).toBe(1);
    expect(parts.map((part) => part.type)).not.toContain('reset');
    expect(parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe(ANSWER);
    expect(parts.at(-1)?.type).toBe('finish');
    expect(provider.requests).toHaveLength(1);
    expect(replica.storeErrors).toHaveLength(1);
    expect(replica.storeErrors[0]).toBeInstanceOf(StateStoreUnavailableError);
    expect(replica.store.subscribedStreams).toBe(0);
  });
});

describe.runIf(isRedisAvailable)('StreamRelay with a Redis store that cannot be reached, asked to resume', () => {
  it('starts the answer over instead of failing, and reports the store error (the read, then the copy)', async () => {
    const provider = await createProviderServer({ script: { 'answer-model': [{ text: ANSWER, chunkDelayMs: 5 }] } });
    onTestFinished(() => provider.close());
    const replica = await startReplica('ioredis', `gone${++prefixCount}:`, provider.baseURL('openai'), undefined, unconnected('ioredis'));
    const parts: WirePart[] = [];
    for await (const part of readStream(`${replica.url}/chat`, { init: { headers: { 'last-event-id': 'elsewhere:4' } } })) parts.push(part);
    expect(parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe(ANSWER);
    expect(parts[0]?.id).toMatch(/:1$/);
    expect(replica.started).toBe(1);
    // The failed read is always reported; the copy of the new answer fails too, once its write times out
    // (which may land after the answer has ended on a loaded machine).
    await expect.poll(() => replica.storeErrors.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(1);
    expect(new Set(replica.storeErrors.map((error) => (error as StateStoreUnavailableError).code))).toEqual(new Set(['RLLM_STATE_STORE_UNAVAILABLE']));
  });
});
