import type { ResponseCache } from '../cache/response-cache.js';
import type { BudgetOptions } from '../cost/budget.js';
import type { ModelPrice, PriceTable } from '../cost/price-table.js';
import type { PromptPrefixAffinityOptions } from '../policy/pool/prompt-prefix-affinity.js';
import type { CircuitBreakerOptions } from '../policy/circuit-breaker/circuit-breaker.js';
import type { StateStore } from '../state/state-store.js';
import type { TaskRouterOptions } from '../routing/router.js';
import type { Clock, ProviderAdapter } from '../providers/provider.js';
import type { FallbackPolicy, FallbackPolicyOptions } from '../policy/fallback/fallback-policy.js';
import type { Transport } from '../transport/transport.js';
import type { AttemptHook } from './attempt-hook.js';
import type { Priority } from '../policy/admission/priority-queue.js';
import type { AdmissionOptions } from './admission-options.js';
import type { UndiciTransportOptions } from '../transport/undici-transport.js';

/** One place a model is served: an adapter, a model id, and how much traffic it takes. */
export type DeploymentConfig = {
  /** A key of the client's `providers`. */
  readonly provider: string;
  /** The vendor's model id. */
  readonly model: string;
  /** Share of traffic under weighted strategies. @default 1 */
  readonly weight?: number;
  /** A stable id for health, events and usage. @default `${alias}/${provider}/${model}` (+ `#n` when repeated) */
  readonly id?: string;
  /** Extra headers for this deployment's requests. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Client-side request-per-minute limit. */
  readonly rpm?: number;
  /** Client-side token-per-minute limit. */
  readonly tpm?: number;
  /** Context window in tokens; read from the price table when omitted. */
  readonly contextWindow?: number;
};

export type PoolStrategyName = 'weighted-random' | 'round-robin' | 'least-busy' | 'lowest-latency' | 'most-headroom';

/** An alias served by several deployments. */
export type PoolConfig = {
  readonly deployments: readonly DeploymentConfig[];
  /** How a deployment is picked. @default 'weighted-random' */
  readonly strategy?: PoolStrategyName;
  /** Longest wait for client-side rate-limit headroom before failing over. @default 0 */
  readonly maxQueueMs?: number;
  /**
   * Cache-aware routing: `'prompt-prefix'` keeps a conversation (same system prompt, tools and
   * opening turn) on the deployment that last served it for `ttlMs` (default 5 minutes), where its
   * prompt cache is warm; it still moves on when that deployment is unhealthy or over its limits.
   * @default none (the strategy picks every time)
   */
  readonly affinity?: 'prompt-prefix' | PromptPrefixAffinityOptions;
};

export type ModelConfig = DeploymentConfig | readonly DeploymentConfig[] | PoolConfig;

export type RetryOptions = {
  /** Retries after the first attempt, per alias. @default 2 */
  readonly maxRetries?: number;
  /** First backoff step; doubles per retry, with full jitter. @default 500 */
  readonly baseDelayMs?: number;
  /** Backoff cap. @default 8000 */
  readonly maxDelayMs?: number;
  /** A server-requested wait longer than this fails over at once instead of sleeping. @default 60_000 */
  readonly maxRetryAfterMs?: number;
};

export type HedgeOptions = {
  /** Start another candidate when no first token arrived within this time. */
  readonly afterMs: number;
  /** Extra attempts in parallel at most. @default 1 */
  readonly maxExtra?: number;
};

export type ClientOptions = {
  /** Adapters by name: `{ openai: openai({ apiKey }), claude: anthropic({ apiKey }) }`. */
  readonly providers: Readonly<Record<string, ProviderAdapter>>;
  /** Aliases callers use, each naming one deployment or a pool. */
  readonly models: Readonly<Record<string, ModelConfig>>;
  /** Fallback chain and watchdogs. @default no chain; default watchdogs */
  readonly fallback?: FallbackPolicy | FallbackPolicyOptions;
  readonly retry?: RetryOptions;
  /** One budget in ms for a whole call: retries, fallbacks, tool repairs. @default 300_000 */
  readonly deadlineMs?: number;
  /** Opt-in hedging of slow first tokens. */
  readonly hedge?: HedgeOptions;
  /** The HTTP transport, or options for the default undici one. */
  readonly transport?: Transport | UndiciTransportOptions;
  /** Shorthand for `transport: fetchTransport({ fetch })` (msw, edge runtimes, proxies). */
  readonly fetch?: typeof globalThis.fetch;
  /** Circuit breaker settings for every deployment. @default 5 consecutive failures or 50 % over 30 s opens for 15 s */
  readonly breaker?: CircuitBreakerOptions;
  /** A response cache, e.g. `new SemanticCache()`. */
  readonly cache?: ResponseCache;
  /**
   * Routing for `model: 'auto'`: tier → alias (`{ simple: 'fast', complex: 'strong' }`), or the
   * full router options (user classifier, LLM classifier, extra tiers).
   */
  readonly router?: Readonly<Record<string, string>> | TaskRouterOptions;
  /**
   * Price overrides and additions, USD per million tokens, by model id; or a whole `PriceTable`,
   * e.g. one loaded from a JSON file with `loadPriceTable()` to pick up new prices without a release.
   */
  readonly prices?: Readonly<Record<string, ModelPrice>> | PriceTable;
  /** Spending limits; a call that would break one is refused before it is sent. */
  readonly budget?: BudgetOptions;
  /**
   * Where the state that several processes may share lives: each deployment's cooldown, circuit
   * breaker, rate-limit buckets and learned limits (keys `deployment␟<id>␟…`), and the usage totals
   * (`usage␟…`). Plug in one shared store in every process and they enforce one `rpm`, open and close
   * circuits together and sum usage. Deployment ids must then be the same in every process (the
   * default ids, `<alias>/<provider>/<model>`, are when the configuration is). Times are stored on
   * the wall clock (`Clock.timeOrigin`).
   * @default a `MemoryStateStore` of this client's own
   */
  readonly stateStore?: StateStore;
  /** Adaptive concurrency with priorities and shedding (off by default), and retry budgets (on). */
  readonly admission?: AdmissionOptions;
  /** Injected clock (tests). */
  readonly clock?: Clock;
  /** Injected random source in [0, 1) (tests). */
  readonly random?: () => number;
  /** Injected request id generator. */
  readonly generateId?: () => string;
  /**
   * Run around every attempt, the first outermost: each may gate the attempt, refuse it (throw a
   * `ResilientLLMError`: the call fails over), or run it inside an async context (a tracing span).
   * See `AttemptHook`.
   * @default []
   */
  readonly attemptHooks?: readonly AttemptHook[];
};

/** Options for one call. */
export type CallOptions = {
  readonly signal?: AbortSignal;
  /** Overrides the client's `deadlineMs` for this call. */
  readonly deadlineMs?: number;
  /** Overrides `retry.maxRetries` for this call. */
  readonly maxRetries?: number;
  /** A different fallback policy for this call, or `false` for none. */
  readonly fallback?: FallbackPolicy | FallbackPolicyOptions | false;
  /** `false` skips the cache; `'refresh'` skips the lookup but stores the answer. */
  readonly cache?: false | 'refresh';
  /** Tenant or namespace: partitions the cache and the usage totals. */
  readonly tenant?: string;
  /** Hedge slow first tokens for this call, or `false` to turn the client's hedging off. */
  readonly hedge?: HedgeOptions | false;
  /** Free-form data echoed on `request-start` events. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * Share one upstream call with equal requests already in flight that opted in too (same alias,
   * messages, sampling and tenant, as the cache's partition). Requests with tools or a schema are
   * never shared. @default false
   */
  readonly coalesce?: boolean;
  /**
   * Who goes first at a deployment's concurrency limit (`admission.concurrency`): higher first;
   * lower priorities are shed first (`ShedError`). `'interactive'` is 2, `'default'` 1, `'batch'` 0.
   * @default 'default'
   */
  readonly priority?: Priority;
};
