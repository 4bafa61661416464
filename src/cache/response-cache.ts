import type { NormalizedChatRequest as ChatRequest, ChatResponse } from '../client/types.js';

/** What the client passes with every cache call. */
export type CacheContext = {
  readonly requestId: string;
  /** The tenant or namespace key; answers are never shared across namespaces. */
  readonly namespace?: string;
  readonly signal: AbortSignal;
  /** Called for each candidate the cache turns down and why; the client sets it for `cache-rejected`. */
  readonly onRejected?: (rejection: CacheRejection) => void;
};

/** A candidate the cache turned down: which check (`'role'`, `'number'`, `'ambiguous'`, …) and what differed. */
export type CacheRejection = {
  readonly tier: 'exact' | 'semantic';
  readonly similarity: number;
  readonly reason: string;
  readonly detail: string;
};

/** A cache hit. */
export type CacheLookup = {
  /** The stored response, as it was stored. */
  readonly response: ChatResponse;
  readonly tier: 'exact' | 'semantic';
  /** Cosine similarity of the two questions; 1 for an exact hit. */
  readonly similarity: number;
  readonly ageMs: number;
  /** Shadow mode: record the would-be hit, do not serve it. */
  readonly isShadow: boolean;
};

/** The contract between the client and a cache. `SemanticCache` implements it; so can you. */
export interface ResponseCache {
  /**
   * How long the client waits for `lookup` (never more than half the time left before the call's
   * deadline); a slower look-up is aborted through its signal and the call is served uncached.
   * @default 500
   */
  readonly lookupTimeoutMs?: number;
  /**
   * Returns a hit, or undefined. `request.model` is the resolved alias. Throws only when the
   * embedder or store fails; the client then serves the request uncached and emits `cache-error`.
   */
  lookup(request: ChatRequest, context: CacheContext): Promise<CacheLookup | undefined>;
  /**
   * Stores a complete, successful answer; decides itself whether the request and response are
   * cacheable. Runs in the background with its own signal (aborted when the client closes or the
   * store takes too long), never the caller's. The response is the caller's object: keep a copy.
   */
  store(request: ChatRequest, response: ChatResponse, context: CacheContext): Promise<void>;
}
