import { StateStoreUnavailableError } from '../../errors/state-errors.js';
import { expectInteger, expectNumber } from '../../policy/validate-option.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import type { Clock } from '../../shared/clock.js';
import { reserveLocally, type QuotaClaim, type QuotaVerdict, type SharedStateStore, type StoreErrorMode } from '../quota-claim.js';
import { SyncedStateStore } from '../synced-state-store.js';
import { RedisStateBackend } from './redis-state-backend.js';
import { redisRunner, type RedisClient } from './redis-runner.js';

export type RedisStateStoreOptions = {
  /** An `ioredis` client (`new Redis(url)`) or a connected `redis` client (`await createClient({ url }).connect()`). Not closed by the store. */
  readonly client: RedisClient;
  /**
   * Put before every key. A hash tag (`{state}`) follows it so Redis Cluster keeps every key of
   * the store in one slot, as its Lua scripts need.
   * @default 'llm:'
   */
  readonly prefix?: string;
  /** The hash tag after the prefix; processes share state only with the same prefix and tag. @default 'state' */
  readonly hashTag?: string;
  /**
   * The longest a Redis operation may take; past it the call goes on from local state (or is
   * refused, with `'fail-closed'`). Keep it short: it bounds what Redis latency adds to a call.
   * @default 100
   */
  readonly timeoutMs?: number;
  /**
   * `'local'`: on a Redis error, keep serving from this process's state, emit `state-store-error`
   * and resynchronise when Redis is back. `'fail-closed'`: refuse calls with
   * `StateStoreUnavailableError` while Redis cannot be reached.
   * @default 'local'
   */
  readonly onStoreError?: StoreErrorMode;
  /** How often writes are pushed and read keys pulled (see `SyncedStateStore`). @default 100 */
  readonly syncIntervalMs?: number;
  /** The TTL of keys written without one, so every key expires. @default 604_800_000 (7 days) */
  readonly defaultTtlMs?: number;
  /** The most keys mirrored locally. @default 10000 */
  readonly maxEntries?: number;
  /** The clock the sync timer runs on. @default the system clock */
  readonly clock?: Clock;
};

type Listener = (error: Error, operation: 'sync' | 'reserve') => void;

/** Tracks whether Redis answered lately and tells listeners when it did not. */
class StoreHealth {
  isAvailable = true;
  readonly listeners = new Set<Listener>();
  fail(error: unknown, operation: 'sync' | 'reserve'): void {
    this.isAvailable = false;
    const reported = error instanceof Error ? error : new StateStoreUnavailableError(`redis: ${String(error)}`);
    for (const listener of this.listeners) {
      try {
        listener(reported, operation);
      } catch {
        // A throwing listener must not stop the store.
      }
    }
  }
}

/**
 * A `StateStore` shared through Redis by every process given the same prefix: rate-limit buckets,
 * breakers (with one half-open probe across processes), cooldowns, learned limits, budgets, usage
 * and tenant quotas. Reads and writes hit a local mirror; a Lua script pushes and pulls them in one
 * round trip every `syncIntervalMs`. `reserve()` counts quota claims in Redis atomically, one round
 * trip, for the limits that must hold exactly (rpm, tpm, tenant quotas). Call `close()` when done.
 */
export class RedisStateStore extends SyncedStateStore implements SharedStateStore {
  readonly errorMode: StoreErrorMode;
  private readonly health: StoreHealth;
  private readonly redis: RedisStateBackend;

  constructor(options: RedisStateStoreOptions) {
    const prefix = options?.prefix ?? 'llm:';
    const hashTag = options?.hashTag ?? 'state';
    if (typeof prefix !== 'string') throw new InvalidArgumentError('prefix', `Expected \`prefix\` to be a string, got ${typeof prefix}.`);
    if (typeof hashTag !== 'string' || hashTag.length === 0 || /[{}]/.test(hashTag)) {
      throw new InvalidArgumentError('hashTag', `Expected \`hashTag\` to be a non-empty string without braces, got ${JSON.stringify(hashTag)}.`);
    }
    const timeoutMs = options.timeoutMs ?? 100;
    expectNumber('timeoutMs', timeoutMs, 1);
    const defaultTtlMs = options.defaultTtlMs ?? 604_800_000;
    expectInteger('defaultTtlMs', defaultTtlMs, 1);
    const mode = options.onStoreError ?? 'local';
    if (mode !== 'local' && mode !== 'fail-closed') {
      throw new InvalidArgumentError('onStoreError', `Expected \`onStoreError\` to be 'local' or 'fail-closed', got ${JSON.stringify(mode)}.`);
    }
    const health = new StoreHealth();
    const backend = new RedisStateBackend(redisRunner(options.client), {
      keyPrefix: `${prefix}{${hashTag}}:`,
      timeoutMs,
      defaultTtlMs,
      onSuccess: () => (health.isAvailable = true),
    });
    super({
      backend,
      syncIntervalMs: options.syncIntervalMs ?? 100,
      ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.on('error', ({ error }) => health.fail(error, 'sync'));
    this.errorMode = mode;
    this.health = health;
    this.redis = backend;
  }

  get isAvailable(): boolean {
    return this.health.isAvailable;
  }

  onStoreError(listener: Listener): () => void {
    this.health.listeners.add(listener);
    return () => this.health.listeners.delete(listener);
  }

  /**
   * Counts `claims` in Redis, all or nothing. When Redis fails or is slow: counts them on the
   * local mirror (`'local'`; the counts reach Redis with a later sync), or throws
   * `StateStoreUnavailableError` (`'fail-closed'`).
   */
  async reserve(claims: readonly QuotaClaim[]): Promise<QuotaVerdict> {
    try {
      const verdict = await this.redis.reserve(claims);
      this.health.isAvailable = true;
      return verdict;
    } catch (error) {
      this.health.fail(error, 'reserve');
      if (this.errorMode === 'fail-closed') {
        throw error instanceof StateStoreUnavailableError ? error : new StateStoreUnavailableError('redis: the reservation failed', { cause: error });
      }
      return reserveLocally(this, claims);
    }
  }
}

/** A `StateStore` on Redis for many processes; see `RedisStateStore`. */
export function redisStateStore(options: RedisStateStoreOptions): RedisStateStore {
  return new RedisStateStore(options);
}
