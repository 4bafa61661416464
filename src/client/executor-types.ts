import type { ResilientLLMError } from '../errors/resilient-llm-error.js';
import type { UsageLedger } from '../cost/usage-ledger.js';
import type { EventHub } from '../events/events.js';
import type { FallbackPolicy } from '../policy/fallback/fallback-policy.js';
import type { DeploymentPool } from '../policy/pool/deployment-pool.js';
import type { DeploymentState } from '../policy/pool/deployment-state.js';
import type { Clock, ProviderAdapter } from '../providers/provider.js';
import type { AbortSignalLike } from '../transport/abort-token.js';
import type { Transport } from '../transport/transport.js';
import type { AttemptHook, AttemptPriority } from './attempt-hook.js';
import type { RetryOptions } from './client-options.js';
import type { AttemptAdmission } from './shared-admission.js';
import type { Attempt, NormalizedChatRequest as ChatRequest, StreamPart, Usage } from './types.js';

/** Spending hooks; absent when the client has no prices or budget. */
export type CostHooks = {
  /** USD for `usage` on `model`, when its price is known. */
  costOf(model: string, usage: Usage): number | undefined;
  /** USD a call of `estimatedTokens` prompt tokens may cost on `model` (for budgets), when known. */
  estimateOf(model: string, estimatedTokens: number, maxOutputTokens: number | undefined): number | undefined;
  /** Relative price of `model` (for the fallback cost cap), when known; `cachedInputFraction` of the input at the cached rate. */
  priceIndexOf(model: string, cachedInputFraction?: number): number | undefined;
};

/** What the executor needs from the client; built once per client. */
export type ExecutorEnvironment = {
  readonly pools: ReadonlyMap<string, DeploymentPool>;
  readonly adapters: ReadonlyMap<string, ProviderAdapter>;
  readonly deploymentHeaders: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly maxQueueMs: ReadonlyMap<string, number>;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: () => number;
  readonly events: EventHub;
  readonly retry: Required<RetryOptions>;
  readonly cost: CostHooks;
  readonly ledger: UsageLedger;
  /** Counts each attempt against limits shared across processes before it is sent (see `sharedAttemptAdmission`). */
  readonly admitAttempt?: AttemptAdmission | undefined;
  /** The client's `attemptHooks`; undefined when there are none, so the hot path checks one field. */
  readonly attemptHooks?: readonly AttemptHook[] | undefined;
  /** Told when an attempt's first token arrives (admission learns latency from it); undefined without admission. */
  readonly onFirstToken?: ((requestId: string, attempt: number, deploymentId: string) => void) | undefined;
};

/** One call, as the client prepared it. */
export type CallPlan = {
  readonly requestId: string;
  readonly request: ChatRequest;
  readonly aliases: readonly string[];
  readonly policy: FallbackPolicy;
  readonly maxRetries: number;
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  readonly signal: AbortSignalLike | undefined;
  readonly isStream: boolean;
  readonly onPart: ((part: StreamPart) => void) | undefined;
  readonly hedge: { readonly afterMs: number; readonly maxExtra: number } | undefined;
  /** Estimated prompt tokens (rate limits, budgets); 0 when nothing needs it. */
  readonly estimatedTokens: number;
  /** USD this call may spend over all its attempts. */
  readonly maxCostUsd: number | undefined;
  /** Tenant for usage totals. */
  readonly tenant: string | undefined;
  /** Running USD spent by this call's attempts (read by the client for budgets). */
  readonly spending: { usd: number };
  /** Clock time the plan was made; the first pick reads it instead of the clock. */
  readonly plannedAt: number;
  /** The call's `priority` option, for attempt hooks. */
  readonly priority?: AttemptPriority | undefined;
};

/** A deployment chosen for one attempt, with what it takes to run it. */
export type Candidate = {
  readonly alias: string;
  readonly deployment: DeploymentState;
  readonly adapter: ProviderAdapter;
  /** The breaker generation at acquire time, so a verdict that arrives late is not misread. */
  readonly generation: number;
  /** Clock time it was picked and acquired; its attempt starts right away, so this is the attempt's start. */
  readonly pickedAt: number;
};

/** Per-call accounting, shared by every attempt of the call. */
export type CallState = {
  readonly attempts: Attempt[];
  readonly errors: ResilientLLMError[];
  usage: Usage;
  cost: number | undefined;
  attemptNumber: number;
  /** Text already emitted and kept (mid-stream `continue`). */
  carriedText: string;
  /** Whether the consumer was sent a `reset` part: the answer is then never cached. */
  hasReset: boolean;
  /** USD the attempts still running may cost (estimated), for the per-request budget of a hedge. */
  inFlightUsd: number;
};
