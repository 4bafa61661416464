import { CacheError } from '../cache/cache-error.js';
import type { CacheContext, CacheLookup, ResponseCache } from '../cache/response-cache.js';
import type { EventHub } from '../events/events.js';
import type { Clock } from '../providers/provider.js';
import type { AbortSignalLike } from '../transport/abort-token.js';
import type { ChatResponse, NormalizedChatRequest } from './types.js';

/** How long a look-up may take when the cache does not say (`ResponseCache.lookupTimeoutMs`). */
export const DEFAULT_CACHE_LOOKUP_TIMEOUT_MS = 500;

/** How long one store may run in the background before it is abandoned. */
export const CACHE_STORE_TIMEOUT_MS = 30_000;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** What bounds one look-up. */
export type CacheLookupLimits = {
  readonly clock: Clock;
  /** Clock time the call's deadline ends; the look-up takes at most half of what is left. */
  readonly deadlineAt: number;
  /** The caller's signal: its abort ends the look-up and the call. */
  readonly signal: AbortSignalLike | undefined;
};

/**
 * Looks the request up and reports the verdict as an event. A shadow hit is reported and not
 * served. A failing embedder or store, or a look-up slower than the cache's `lookupTimeoutMs`
 * (and than half the time left before the deadline), is reported as `cache-error` and the call
 * goes on uncached; the look-up's signal is aborted so that its work stops.
 */
export async function lookupInCache(
  cache: ResponseCache,
  events: EventHub,
  request: NormalizedChatRequest,
  scope: { readonly requestId: string; readonly namespace: string | undefined },
  limits: CacheLookupLimits,
): Promise<CacheLookup | undefined> {
  const { clock, signal: callerSignal } = limits;
  const requestId = scope.requestId;
  // The look-up's own signal, made only if the cache reads it; it follows the caller's.
  let controller: AbortController | undefined;
  const onCallerAbort = () => controller?.abort(callerSignal!.reason);
  const context: CacheContext = {
    requestId,
    ...(scope.namespace !== undefined ? { namespace: scope.namespace } : {}),
    ...(events.has('cache-rejected') ? { onRejected: (rejection) => events.emit('cache-rejected', { requestId, ...rejection }) } : {}),
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (callerSignal?.aborted) controller.abort(callerSignal.reason);
        else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
      }
      return controller.signal;
    },
  };
  const timeoutMs = Math.max(0, Math.min(cache.lookupTimeoutMs ?? DEFAULT_CACHE_LOOKUP_TIMEOUT_MS, (limits.deadlineAt - clock.now()) / 2));
  let timer: unknown;
  try {
    const hit = await new Promise<CacheLookup | undefined>((resolve, reject) => {
      timer = clock.setTimeout(() => {
        timer = undefined;
        const error = new CacheError('lookup', new Error(`the look-up timed out after ${Math.round(timeoutMs)} ms`));
        controller?.abort(error);
        reject(error);
      }, timeoutMs);
      cache.lookup(request, context).then(resolve, reject);
    });
    if (!hit) {
      if (events.has('cache-miss')) events.emit('cache-miss', { requestId });
      return undefined;
    }
    if (events.has('cache-hit')) events.emit('cache-hit', { requestId, tier: hit.tier, similarity: hit.similarity, isShadow: hit.isShadow });
    return hit.isShadow ? undefined : hit;
  } catch (error) {
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (events.has('cache-error')) events.emit('cache-error', { requestId, error: asError(error) });
    return undefined;
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    if (controller) callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

type PendingStore = { readonly controller: AbortController; timer: unknown };

/**
 * The cache stores of one client. A store runs off the caller's path with its own lifetime: the
 * caller's signal (often a request-scoped one that fires when the HTTP response closes) does not
 * cancel it. Each is abandoned after `CACHE_STORE_TIMEOUT_MS`; `close()` waits for the rest up to
 * a grace period, then aborts them. A failing store is reported as `cache-error`, never thrown.
 */
export class CacheStores {
  private readonly cache: ResponseCache;
  private readonly events: EventHub;
  private readonly clock: Clock;
  private readonly pending = new Map<Promise<void>, PendingStore>();

  constructor(cache: ResponseCache, events: EventHub, clock: Clock) {
    this.cache = cache;
    this.events = events;
    this.clock = clock;
  }

  /** Stores in flight. */
  get size(): number {
    return this.pending.size;
  }

  store(request: NormalizedChatRequest, response: ChatResponse, requestId: string, namespace: string | undefined): void {
    const controller = new AbortController();
    const entry: PendingStore = { controller, timer: undefined };
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = undefined;
      controller.abort(new CacheError('add', new Error(`the store timed out after ${CACHE_STORE_TIMEOUT_MS} ms`)));
    }, CACHE_STORE_TIMEOUT_MS);
    const context: CacheContext = { requestId, ...(namespace !== undefined ? { namespace } : {}), signal: controller.signal };
    const done: Promise<void> = this.cache
      .store(request, response, context)
      .catch((error: unknown) => {
        if (this.events.has('cache-error')) this.events.emit('cache-error', { requestId, error: asError(error) });
      })
      .finally(() => this.settle(done));
    this.pending.set(done, entry);
  }

  /** Waits up to `graceMs` for the stores in flight, then aborts the rest and lets them go. */
  async close(graceMs = 0): Promise<void> {
    if (this.pending.size === 0) return;
    if (graceMs > 0) {
      let timer: unknown;
      const grace = new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled(this.pending.keys()), grace]);
      this.clock.clearTimeout(timer);
    }
    for (const [done, entry] of this.pending) {
      entry.controller.abort(new CacheError('add', new Error('the client was closed')));
      this.settle(done);
    }
  }

  private settle(done: Promise<void>): void {
    const entry = this.pending.get(done);
    if (!entry) return;
    this.pending.delete(done);
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
  }
}
