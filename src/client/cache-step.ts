import type { CacheContext, CacheLookup, ResponseCache } from '../cache/response-cache.js';
import type { EventHub } from '../events/events.js';
import type { ChatResponse, NormalizedChatRequest } from './types.js';

/** The context of one call's cache lookups and stores; the real AbortSignal is made only if read. */
export function cacheContextFor(requestId: string, tenant: string | undefined, makeSignal: () => AbortSignal): CacheContext {
  let signal: AbortSignal | undefined;
  return {
    requestId,
    ...(tenant !== undefined ? { namespace: tenant } : {}),
    get signal() {
      return (signal ??= makeSignal());
    },
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Looks the request up and reports the verdict as an event. A shadow hit is reported and not
 * served; a failing embedder or store is reported as `cache-error` and the call goes on uncached.
 */
export async function lookupInCache(
  cache: ResponseCache,
  events: EventHub,
  request: NormalizedChatRequest,
  context: CacheContext,
): Promise<CacheLookup | undefined> {
  try {
    const hit = await cache.lookup(request, context);
    if (!hit) {
      if (events.has('cache-miss')) events.emit('cache-miss', { requestId: context.requestId });
      return undefined;
    }
    if (events.has('cache-hit')) {
      events.emit('cache-hit', { requestId: context.requestId, tier: hit.tier, similarity: hit.similarity, isShadow: hit.isShadow });
    }
    return hit.isShadow ? undefined : hit;
  } catch (error) {
    if (events.has('cache-error')) events.emit('cache-error', { requestId: context.requestId, error: asError(error) });
    return undefined;
  }
}

/** Stores off the caller's path; a failing store is reported, never thrown. */
export function storeInCache(
  cache: ResponseCache,
  events: EventHub,
  request: NormalizedChatRequest,
  response: ChatResponse,
  context: CacheContext,
): void {
  cache.store(request, response, context).catch((error: unknown) => {
    if (events.has('cache-error')) events.emit('cache-error', { requestId: context.requestId, error: asError(error) });
  });
}
