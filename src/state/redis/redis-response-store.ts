import type { CachedAnswer } from '../../cache/semantic-cache.js';
import type { VectorMatch, VectorRecord, VectorStore } from '../../cache/vector-store.js';
import { expectInteger, expectNumber } from '../../policy/validate-option.js';
import { redisRunner, type RedisClient, type RedisRunner } from './redis-runner.js';
import { withTimeout } from './with-timeout.js';

export type RedisResponseStoreOptions = {
  /** An `ioredis` client or a connected `redis` client. Not closed by the store. */
  readonly client: RedisClient;
  /** Put before every key. @default 'llm:cache:' */
  readonly prefix?: string;
  /** How long an answer is served. @default 86_400_000 (one day) */
  readonly ttlMs?: number;
  /** Answers larger than this (as JSON) are not stored. @default 262_144 (256 KiB) */
  readonly maxEntryBytes?: number;
  /** The longest one Redis operation may take; past it the cache counts a miss (`cache-error`). @default 100 */
  readonly timeoutMs?: number;
};

/**
 * The exact tier of `SemanticCache` on Redis, shared by every replica: one key per answer
 * (`<prefix><partition>:<question hash>`, partitioned as in process: alias, tenant, earlier turns,
 * tools, sampling), with a TTL and a size cap. The cache itself decides what is stored: only
 * complete answers. Searches find nothing: use it with `isSemantic: false`, or put the semantic tier
 * on a shared vector store (see docs/shared-state.md). Bound Redis' memory with `maxmemory` and an
 * eviction policy (`volatile-lru`): every key has a TTL.
 */
export class RedisResponseStore implements VectorStore<CachedAnswer> {
  private readonly runner: RedisRunner;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly maxEntryBytes: number;
  private readonly timeoutMs: number;

  constructor(options: RedisResponseStoreOptions) {
    this.runner = redisRunner(options?.client);
    this.prefix = options.prefix ?? 'llm:cache:';
    this.ttlMs = options.ttlMs ?? 86_400_000;
    this.maxEntryBytes = options.maxEntryBytes ?? 262_144;
    this.timeoutMs = options.timeoutMs ?? 100;
    expectInteger('ttlMs', this.ttlMs, 1);
    expectInteger('maxEntryBytes', this.maxEntryBytes, 1);
    expectNumber('timeoutMs', this.timeoutMs, 1);
  }

  async add(namespace: string, records: readonly VectorRecord<CachedAnswer>[]): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const record of records) {
      const json = JSON.stringify(record.payload);
      if (Buffer.byteLength(json) > this.maxEntryBytes) continue;
      writes.push(this.send(['SET', this.key(namespace, record.id), json, 'PX', this.ttlMs], 'add'));
    }
    await Promise.all(writes);
  }

  async search(): Promise<readonly VectorMatch<CachedAnswer>[]> {
    return [];
  }

  async get(namespace: string, id: string): Promise<CachedAnswer | undefined> {
    const raw = await this.send(['GET', this.key(namespace, id)], 'get');
    if (raw === null || raw === undefined) return undefined;
    return JSON.parse(String(raw)) as CachedAnswer;
  }

  async delete(namespace: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.send(['DEL', ...ids.map((id) => this.key(namespace, id))], 'delete');
  }

  /** Removes the namespace's keys (or every key under the prefix) with SCAN and UNLINK; on a Cluster, call it per node. */
  async clear(namespace?: string): Promise<void> {
    const pattern = `${escapeGlob(namespace === undefined ? this.prefix : `${this.prefix}${namespace}:`)}*`;
    let cursor = '0';
    do {
      const [next, keys] = (await this.send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', 500], 'clear')) as [string, string[]];
      cursor = String(next);
      if (keys.length > 0) await this.send(['UNLINK', ...keys], 'clear');
    } while (cursor !== '0');
  }

  private key(namespace: string, id: string): string {
    return `${this.prefix}${namespace}:${id}`;
  }

  private send(args: readonly (string | number)[], what: string): Promise<unknown> {
    if (!this.runner.isReady()) return Promise.reject(new Error('redis: the client is not connected'));
    return withTimeout(this.runner.command(args), this.timeoutMs, `cache ${what}`);
  }
}

/** A `VectorStore` for `SemanticCache` holding the exact tier on Redis; see `RedisResponseStore`. */
export function redisResponseStore(options: RedisResponseStoreOptions): RedisResponseStore {
  return new RedisResponseStore(options);
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
