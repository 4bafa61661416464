import type { StateStore } from './state-store.js';

/**
 * One count to add to a fixed window, all or nothing with the others of its `reserve()` call:
 * `amount` is added to the counter at `key` unless that would take it past `limit`. An `amount` of
 * 0 only checks that the counter is still below `limit` (spend counted after the call, like USD).
 */
export type QuotaClaim = {
  /** The counter's full key, window slot included (see `windowSlotKey`). */
  readonly key: string;
  readonly amount: number;
  readonly limit: number;
  /** How long the counter must outlive its window: the window's length. */
  readonly ttlMs: number;
};

/** The index of the first claim that did not fit, or -1 when all were counted. */
export type QuotaVerdict = number;

/** What a client needs to report store errors and to refuse calls while a fail-closed store is down. */
export type StoreErrorMode = 'local' | 'fail-closed';

/**
 * A `StateStore` shared by many processes that can also count claims atomically where the state
 * lives (one round trip), and report its errors. `redisStateStore()` makes one.
 */
export interface SharedStateStore extends StateStore {
  /** Counts `claims` all or nothing, atomically across every process sharing the store. */
  reserve(claims: readonly QuotaClaim[]): Promise<QuotaVerdict>;
  /** Subscribes to store errors (timeouts, lost connections); returns the unsubscribe. */
  onStoreError(listener: (error: Error, operation: 'sync' | 'reserve') => void): () => void;
  /** `'local'`: keep serving from in-process state; `'fail-closed'`: refuse calls while the store is down. */
  readonly errorMode: StoreErrorMode;
  /** False once an operation failed, until one succeeds again. */
  readonly isAvailable: boolean;
}

/** Whether `store` is a `SharedStateStore` (duck-typed: it may come from another copy of the package). */
export function isSharedStateStore(store: StateStore | undefined): store is SharedStateStore {
  return typeof (store as Partial<SharedStateStore> | undefined)?.reserve === 'function' && typeof (store as Partial<SharedStateStore>).onStoreError === 'function';
}

/** The key of the counter for the fixed window of `windowMs` holding the wall-clock time `wallMs`. */
export function windowSlotKey(base: string, windowMs: number, wallMs: number): string {
  return `${base}\u001f${Math.floor(wallMs / windowMs)}`;
}

/** Milliseconds from `wallMs` to the end of its fixed window of `windowMs`. */
export function windowRemainingMs(windowMs: number, wallMs: number): number {
  return windowMs - (wallMs % windowMs);
}

/** `reserve` on any synchronous store (one process, or a shared store's mirror while it is down). */
export function reserveLocally(store: StateStore, claims: readonly QuotaClaim[]): QuotaVerdict {
  for (let index = 0; index < claims.length; index++) {
    const claim = claims[index]!;
    const value = store.get(claim.key);
    const current = typeof value === 'number' ? value : 0;
    if (claim.amount > 0 ? current + claim.amount > claim.limit : current >= claim.limit) return index;
  }
  for (const claim of claims) if (claim.amount > 0) store.increment(claim.key, claim.amount, claim.ttlMs);
  return -1;
}
