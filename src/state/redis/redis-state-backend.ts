import { StateStoreUnavailableError } from '../../errors/state-errors.js';
import type { QuotaClaim, QuotaVerdict } from '../quota-claim.js';
import type { StateBackend, StateEntry, StateWrite } from '../synced-state-store.js';
import type { RedisRunner } from './redis-runner.js';
import { RESERVE_SCRIPT, SYNC_SCRIPT } from './redis-scripts.js';
import { withTimeout } from './with-timeout.js';

export type RedisStateBackendOptions = {
  /** Put before every key, hash tag included (`llm:{state}:`), so that all keys share one Cluster slot. */
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  /** The TTL of keys written without one. */
  readonly defaultTtlMs: number;
  /** Called after every operation Redis answered. */
  readonly onSuccess?: () => void;
};

/** Reservations waiting for Redis beyond this many are answered locally instead of queued. */
const MAX_OUTSTANDING_RESERVATIONS = 256;

/**
 * `StateBackend` on Redis: a sync is one Lua script (writes applied in order, then the keys read),
 * so it is one round trip and atomic. Nothing is sent while the client is not connected or while the
 * previous sync has not returned (even past its timeout): commands never pile up in a queue.
 */
export class RedisStateBackend implements StateBackend {
  private readonly runner: RedisRunner;
  private readonly options: RedisStateBackendOptions;
  private isSyncOutstanding = false;
  private outstandingReservations = 0;

  constructor(runner: RedisRunner, options: RedisStateBackendOptions) {
    this.runner = runner;
    this.options = options;
  }

  async sync(writes: readonly StateWrite[], keys: readonly string[]): Promise<readonly StateEntry[]> {
    this.checkReady(this.isSyncOutstanding);
    const { keyPrefix, defaultTtlMs } = this.options;
    const redisKeys: string[] = [];
    const args: (string | number)[] = [writes.length, defaultTtlMs];
    for (const write of writes) {
      redisKeys.push(keyPrefix + write.key);
      if (write.op === 'delete') args.push('d', '', '');
      else {
        const ttl = write.ttlMs === undefined ? '' : Math.max(1, Math.ceil(write.ttlMs));
        if (write.op === 'increment') args.push('i', String(write.by), ttl);
        else args.push(write.op === 'set' ? 's' : 'm', encodeValue(write.value), ttl);
      }
    }
    for (const key of keys) redisKeys.push(keyPrefix + key);
    this.isSyncOutstanding = true;
    const operation = this.runner.run(SYNC_SCRIPT, redisKeys, args);
    operation.then(
      () => (this.isSyncOutstanding = false),
      () => (this.isSyncOutstanding = false),
    );
    const reply = (await withTimeout(operation, this.options.timeoutMs, 'sync')) as readonly unknown[];
    this.options.onSuccess?.();
    const entries: StateEntry[] = [];
    for (let index = 0; index < keys.length; index++) {
      const raw = reply[index * 2];
      const ttlMs = Number(reply[index * 2 + 1]);
      if (raw === null || raw === undefined || raw === false) entries.push(undefined);
      else entries.push(ttlMs > 0 ? { value: decodeValue(String(raw)), ttlMs } : { value: decodeValue(String(raw)) });
    }
    return entries;
  }

  /** Counts `claims` all or nothing in one script; the verdict is the index of the first that did not fit, or -1. */
  async reserve(claims: readonly QuotaClaim[]): Promise<QuotaVerdict> {
    this.checkReady(this.outstandingReservations >= MAX_OUTSTANDING_RESERVATIONS);
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const claim of claims) {
      keys.push(this.options.keyPrefix + claim.key);
      args.push(String(claim.amount), String(claim.limit), Math.max(1, Math.ceil(claim.ttlMs)));
    }
    this.outstandingReservations += 1;
    const operation = this.runner.run(RESERVE_SCRIPT, keys, args);
    const settle = (): void => {
      this.outstandingReservations -= 1;
    };
    operation.then(settle, settle);
    return Number(await withTimeout(operation, this.options.timeoutMs, 'reserve')) - 1;
  }

  private checkReady(isBusy: boolean): void {
    if (!this.runner.isReady()) throw new StateStoreUnavailableError('redis: the client is not connected');
    if (isBusy) throw new StateStoreUnavailableError('redis: the previous command has not returned yet');
  }
}

/** Numbers as decimal strings (`INCRBYFLOAT` works on them), strings as JSON (a leading `"`). */
function encodeValue(value: number | string): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function decodeValue(raw: string): number | string {
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw;
    }
  }
  const value = Number(raw);
  return Number.isNaN(value) ? raw : value;
}
