import type { Attempt, ChatResponse, Usage } from '../client/types.js';
import type { ResilientLLMError } from '../errors/resilient-llm-error.js';
import type { AdmissionChange } from '../policy/admission/deployment-admission.js';
import { Emitter, type EventListener } from './emitter.js';

type AttemptRef = {
  readonly requestId: string;
  /** 1-based number of this attempt within the call. */
  readonly attempt: number;
  readonly alias: string;
  readonly provider: string;
  readonly model: string;
  readonly deploymentId: string;
};

/** Every event the client emits, by type. Payloads never contain keys or request bodies. */
export type EventMap = {
  'request-start': { readonly requestId: string; readonly model: string; readonly isStream: boolean; readonly metadata?: Readonly<Record<string, unknown>> };
  'request-end': {
    readonly requestId: string;
    readonly durationMs: number;
    readonly response?: ChatResponse;
    readonly error?: ResilientLLMError | Error;
  };
  'attempt-start': AttemptRef;
  /**
   * An attempt ended without a failure of its deployment: it answered (`success`), or it was
   * cancelled (`aborted`: a lost hedge, the caller's abort, the client closing; `reason` says which).
   * Every `attempt-start` is followed by exactly one `attempt-end` or `attempt-error`.
   */
  'attempt-end': AttemptRef & {
    readonly outcome: 'success' | 'aborted';
    readonly reason?: unknown;
    readonly latencyMs: number;
    readonly timeToFirstTokenMs?: number;
    readonly usage?: Usage;
  };
  'attempt-error': AttemptRef & { readonly latencyMs: number; readonly error: ResilientLLMError; readonly attemptRecord: Attempt };
  'retry': AttemptRef & { readonly delayMs: number; readonly error: ResilientLLMError };
  'fallback': { readonly requestId: string; readonly from: string; readonly to: string; readonly error: ResilientLLMError };
  'stream-reset': { readonly requestId: string; readonly reason: string; readonly errorCode?: string };
  'circuit-state': {
    readonly deploymentId: string;
    readonly from: 'closed' | 'open' | 'half-open';
    readonly to: 'closed' | 'open' | 'half-open';
    readonly reason: string;
  };
  'cooldown': { readonly deploymentId: string; readonly untilMs: number; readonly reason: string };
  'hedge': AttemptRef & { readonly afterMs: number };
  'tool-repair': { readonly requestId: string; readonly repair: number; readonly toolName: string; readonly issues: string };
  'cache-hit': { readonly requestId: string; readonly tier: 'exact' | 'semantic'; readonly similarity: number; readonly isShadow: boolean };
  'cache-miss': { readonly requestId: string };
  /**
   * The cache turned a candidate down (before its `cache-miss`, or before a hit on a later candidate):
   * `reason` names the guard (`negation`, `number`, `entity`, `role`), `ambiguous` or `verify`, and
   * `detail` says what differed (`roles differ (paris, london): "…" vs "…"`, quoting question words).
   */
  'cache-rejected': { readonly requestId: string; readonly tier: 'exact' | 'semantic'; readonly similarity: number; readonly reason: string; readonly detail: string };
  'cache-error': { readonly requestId: string; readonly error: Error };
  'route': {
    readonly requestId: string;
    readonly tier: string;
    readonly alias: string;
    readonly reason: string;
    /** USD of the LLM classifier's call, when one was made for this request. */
    readonly classifierCost?: number;
    /** Tokens of the LLM classifier's call, when one was made for this request. */
    readonly classifierUsage?: Usage;
  };
  /** A shared state store (Redis) failed or was too slow; with `mode: 'local'` calls go on from in-process state. */
  'state-store-error': { readonly operation: 'sync' | 'reserve'; readonly error: Error; readonly mode: 'local' | 'fail-closed' };
  /**
   * A prefetch (`llm.prefetch()`) started, was claimed by an equal call, or expired unclaimed after
   * `ttlMs` (cancelled if still running; its attempts' usage and cost are in `usage()` either way).
   */
  'prefetch': {
    readonly key: string;
    readonly outcome: 'started' | 'claimed' | 'expired';
    /** Set on `expired`: whether the call was still running and was cancelled. */
    readonly wasCancelled?: boolean;
    /** Set on `expired` when the call had finished: what it used and cost. */
    readonly usage?: Usage;
    readonly cost?: number;
  };
  /**
   * A deployment's admission changed (`admission.concurrency`): its adaptive limit moved
   * (`kind: 'limit'`, with `previousLimit` and the `reason`), or a call was shed (`kind: 'shed'`).
   */
  'admission': { readonly deploymentId: string; readonly limit: number; readonly inFlight: number; readonly queued: number } & AdmissionChange;
  /** A listener threw; the call was not affected. */
  'listener-error': { readonly type: string; readonly error: unknown };
};

export type EventType = keyof EventMap;
export type Listener<T extends EventType> = EventListener<EventMap, T>;

/**
 * The client's events (`llm.on()`): an `Emitter` whose throwing listeners are reported as
 * `listener-error` (never changing the outcome of a call).
 */
export class EventHub extends Emitter<EventMap> {
  constructor() {
    super((type, error) => {
      if (type !== 'listener-error') this.emit('listener-error', { type, error });
    });
  }
}
