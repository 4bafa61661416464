import type { ResponseCache } from '../cache/response-cache.js';
import { Budget, type BudgetReservation } from '../cost/budget.js';
import { estimateTokens } from '../cost/estimate-tokens.js';
import { PriceTable } from '../cost/price-table.js';
import { UsageLedger, type UsageReport } from '../cost/usage-ledger.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { EventHub, type EventType, type Listener } from '../events/events.js';
import { FallbackPolicy, NO_FALLBACK } from '../policy/fallback/fallback-policy.js';
import { StateScope } from '../state/state-scope.js';
import { systemClock, type Clock } from '../providers/provider.js';
import { buildRouter } from '../routing/build-router.js';
import type { TaskRouter } from '../routing/router.js';
import { AbortToken, type AbortSignalLike } from '../transport/abort-token.js';
import type { Transport } from '../transport/transport.js';
import { CallExecutor, type CostHooks } from './call-executor.js';
import { buildCallPlan, estimateFirstAttempt, type PlanDefaults } from './call-plan.js';
import { clientTransport } from './client-transport.js';
import { retryOptionsOf } from './retry-wait.js';
import { resolveRoute, type RouteContext } from './resolve-route.js';
import { ClientLifecycle, type CloseOptions } from './client-lifecycle.js';
import type { CallOptions, ClientOptions, HedgeOptions, RetryOptions } from './client-options.js';
import { CacheStores, lookupInCache } from './cache-step.js';
import { isPatchedResponse } from './attempt-accounting.js';
import { costHooks } from './cost-hooks.js';
import { embedTexts, type EmbedTextsRequest } from './embed-texts.js';
import { buildModelRegistry, contextWindowOf, type ModelRegistry } from './model-registry.js';
import { replayCached } from './replay-cached.js';
import { sharedStateHooks, type SharedStateHooks } from './shared-state-hooks.js';
import { requestIdGenerator } from './request-ids.js';
import { SharedCalls, type PrefetchOptions } from './shared-calls.js';
import type { StreamResult } from './stream-result.js';
import { startStream } from './start-stream.js';
import type { ValidatedChatResponse } from '../tools/run-with-tool-repairs.js';
import type { RunToolsResult } from '../tools/run-tools.js';
import type { AnyTool } from '../tools/tool.js';
import { needsToolLoop, ToolWiring } from './tool-wiring.js';
import type { ChatRequest, ChatResponse, EmbedResult, NormalizedChatRequest, RouteInfo, StreamPart, ToolSpec } from './types.js';
import { validateRequestWithKnownTools } from './known-tool-specs.js';
import { checkBudgetPrices } from './check-budget-prices.js';
import { buildAdmission } from './client-admission.js';
import type { AttemptHook } from './attempt-hook.js';
/** The user's attempt hooks, then admission's gate (innermost, so a hook's span covers the wait): none is undefined. */
const withAdmission = (hooks: readonly AttemptHook[] | undefined, gate: AttemptHook | undefined): readonly AttemptHook[] | undefined => {
  const all = [...(hooks ?? []), ...(gate ? [gate] : [])];
  return all.length > 0 ? all : undefined;
};
import { validateCallOptions, validateClientOptions } from './validate-client-options.js';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { LanguageModelOptions } from '../interop/language-model-options.js';
import { toLanguageModel } from '../interop/to-language-model.js';

const DEFAULT_DEADLINE_MS = 300_000;

/** Health of one deployment, as `llm.health()` reports it. */
export type DeploymentHealth = ReturnType<ModelRegistry['health']>[number];

/** Everything one call carries from `chat()`/`stream()` into `run()`. */
type CallInput = {
  readonly request: NormalizedChatRequest;
  /** A deadline shared with other calls (the tool-repair loop); else one from `deadlineMs`. */
  readonly deadlineAt?: number;
  readonly options: CallOptions;
  readonly isStream: boolean;
  readonly onPart: ((part: StreamPart) => void) | undefined;
  readonly token: AbortToken | undefined;
  /** A step of a call already running (a tool-loop turn, the router's classifier): allowed while closing. */
  readonly isFollowUp?: boolean;
};

/**
 * One client in front of every configured vendor. `chat()` and `stream()` validate the request,
 * route `'auto'`, look in the cache, then run the call through the fallback chain, pools,
 * retries and watchdogs, inside one deadline, and account for every attempt.
 */
export class ResilientLLM {
  private readonly events = new EventHub();
  private readonly registry: ModelRegistry;
  private readonly executor: CallExecutor;
  private readonly transport: Transport;
  private readonly ownsTransport: boolean;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly policy: FallbackPolicy;
  private readonly deadlineMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly hedge: HedgeOptions | undefined;
  private readonly generateId: () => string;
  private readonly prices: PriceTable;
  private readonly cost: CostHooks;
  private readonly budget: Budget | undefined;
  private readonly shared: SharedStateHooks | undefined;
  private readonly ledger: UsageLedger;
  private readonly router: TaskRouter | undefined;
  private readonly cache: ResponseCache | undefined;
  private readonly cacheStores: CacheStores | undefined;
  private readonly tools: ToolWiring;
  private readonly sharedCalls = new SharedCalls(this.events, (request, options) => this.streamNormalized(request, options));
  private readonly lifecycle = new ClientLifecycle();
  private readonly planDefaults: PlanDefaults;
  private readonly routing: RouteContext;

  constructor(options: ClientOptions) {
    validateClientOptions(options);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.generateId = options.generateId ?? requestIdGenerator();
    const { transport, isOwned } = clientTransport(options);
    this.transport = transport;
    this.ownsTransport = isOwned;
    this.policy =
      options.fallback === undefined
        ? NO_FALLBACK
        : options.fallback instanceof FallbackPolicy
          ? options.fallback
          : new FallbackPolicy(options.fallback);
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.retry = retryOptionsOf(options.retry);
    this.hedge = options.hedge;
    this.prices = options.prices instanceof PriceTable ? options.prices : new PriceTable(options.prices);
    const state = StateScope.forClient(options.stateStore, this.clock);
    this.budget = options.budget ? new Budget(options.budget, state.child('budget')) : undefined;
    checkBudgetPrices(options, this.budget, this.prices);
    this.ledger = new UsageLedger(options.stateStore ? { store: options.stateStore } : {});
    this.cache = options.cache;
    this.cacheStores = options.cache ? new CacheStores(options.cache, this.events, this.clock) : undefined;
    this.registry = buildModelRegistry(options, this.clock, this.events, state, (model) => this.prices.lookup(model)?.contextWindow);
    this.registry.checkPolicy(this.policy);
    this.shared = sharedStateHooks(options, state, this.registry.pools, this.clock, this.events);
    this.router = options.router
      ? buildRouter(options.router, {
          hasAlias: (alias) => this.registry.pools.has(alias),
          contextWindows: (alias) => contextWindowOf(this.registry, alias),
          clock: this.clock,
          chat: (request, callOptions) =>
            this.run({ request, options: callOptions, isStream: false, onPart: undefined, token: undefined, isFollowUp: true }),
        })
      : undefined;
    this.cost = costHooks(this.prices);
    const admission = buildAdmission(options.admission, this.registry.pools, this.clock, this.events);
    this.executor = new CallExecutor({
      pools: this.registry.pools,
      adapters: this.registry.adapters,
      deploymentHeaders: this.registry.deploymentHeaders,
      maxQueueMs: this.registry.maxQueueMs,
      transport: this.transport,
      clock: this.clock,
      random: this.random,
      events: this.events,
      retry: this.retry,
      ledger: this.ledger,
      cost: this.cost,
      admitAttempt: this.shared?.admitAttempt,
      attemptHooks: withAdmission(options.attemptHooks, admission?.hook),
      onFirstToken: admission?.onFirstToken,
    });
    this.routing = { registry: this.registry, router: this.router, events: this.events };
    this.planDefaults = {
      policy: this.policy,
      registry: this.registry,
      deadlineMs: this.deadlineMs,
      maxRetries: this.retry.maxRetries,
      hedge: this.hedge,
      maxCostUsd: this.budget?.perRequestUsd,
    };
    this.tools = new ToolWiring({
      clock: this.clock,
      deadlineMs: this.deadlineMs,
      generateId: this.generateId,
      registry: this.registry,
      events: this.events,
      policy: this.policy,
      call: (request, callOptions, deadlineAt) =>
        this.run({ request, options: callOptions, isStream: false, onPart: undefined, token: undefined, deadlineAt, isFollowUp: true }),
      stream: (request, callOptions, deadlineAt) => this.streamNormalized(request, callOptions, deadlineAt, true),
    });
  }

  /** Subscribes to a typed event; returns the function that unsubscribes. */
  on<T extends EventType>(type: T, listener: Listener<T>): () => void {
    return this.events.on(type, listener);
  }

  /**
   * Sends one request and resolves with the whole answer. With `tools` or `schema`, every tool
   * call (and the object) is validated, and invalid ones are sent back to the model to fix, up to
   * `maxToolRepairs` times, inside the same deadline.
   */
  chat<const TTools extends readonly (AnyTool | ToolSpec)[] = [], TObject = unknown>(
    request: ChatRequest<TObject> & { readonly tools?: TTools },
    options: CallOptions = {},
  ): Promise<ValidatedChatResponse<TTools, TObject>> {
    const joined = (this.sharedCalls.size > 0 || options.coalesce) && this.sharedCalls.join(request, options, false);
    if (joined) return joined as Promise<ValidatedChatResponse<TTools, TObject>>;
    if (!needsToolLoop(request)) {
      // Not async: one fewer suspension on the plain path; `run()` turns every failure into a rejection.
      return this.run({ request: request as NormalizedChatRequest, options, isStream: false, onPart: undefined, token: undefined }) as Promise<
        ValidatedChatResponse<TTools, TObject>
      >;
    }
    if (!this.lifecycle.canStart(false)) return Promise.reject(this.lifecycle.refusal());
    return this.tracked(this.tools.chat(request, options));
  }

  /**
   * The agent loop: calls the model, runs the `execute` of every tool it asks for with validated
   * arguments (one turn's calls concurrently), sends the results back, and stops at a final
   * answer or `maxSteps`. A tool that throws is reported to the model as an error result.
   */
  async runTools<TObject = unknown>(
    request: Omit<ChatRequest<TObject>, 'tools'> & { readonly tools: readonly AnyTool[]; readonly maxSteps?: number },
    options: CallOptions = {},
  ): Promise<RunToolsResult> {
    if (!this.lifecycle.canStart(false)) throw this.lifecycle.refusal();
    return this.tracked(this.tools.runTools(request, options));
  }

  /**
   * Starts a streaming request and returns at once. Iterate it for parts, or await `response`.
   * Breaking out of the loop, calling `return()` or aborting the signal cancels the call.
   */
  stream<TObject = unknown>(request: ChatRequest<TObject>, options: CallOptions = {}): StreamResult<TObject> {
    const joined = (this.sharedCalls.size > 0 || options.coalesce) && this.sharedCalls.join(request, options, true);
    if (joined) return joined as StreamResult<TObject>;
    if (!needsToolLoop(request)) return this.streamNormalized(request as NormalizedChatRequest, options) as StreamResult<TObject>;
    if (!this.lifecycle.canStart(false)) return this.streamNormalized(request as NormalizedChatRequest, options) as StreamResult<TObject>;
    const result = this.tools.stream(request, options);
    void this.tracked(result.response).catch(() => undefined);
    return result;
  }

  /**
   * Starts a call ahead of need (the likely next question, a draft being typed). A later `chat()` or
   * `stream()` with an equal request attaches to it, a stream replaying the parts so far. Unclaimed
   * after `ttlMs`, it is cancelled; its cost is in `usage()` and on the `prefetch` event.
   */
  prefetch(request: ChatRequest, options: PrefetchOptions = {}): void {
    this.sharedCalls.prefetch(request, options);
  }

  private streamNormalized(request: NormalizedChatRequest, options: CallOptions, deadlineAt?: number, isFollowUp = false): StreamResult {
    return startStream(options.signal, (token, onPart) =>
      this.run({ request, options, isStream: true, onPart, token, isFollowUp, ...(deadlineAt !== undefined ? { deadlineAt } : {}) }),
    );
  }

  private async run(input: CallInput): Promise<ChatResponse> {
    const lifecycle = this.lifecycle;
    if (!lifecycle.canStart(input.isFollowUp === true)) throw lifecycle.refusal();
    const { options, isStream, onPart } = input;
    validateCallOptions(options);
    const request = validateRequestWithKnownTools(input.request);
    // Every call gets a token: the caller's signal and `close()` abort it, and it aborts the call.
    const token = input.token ?? new AbortToken();
    const signal: AbortSignalLike = token;
    const requestId = this.generateId();
    const events = this.events;
    const startedAt = this.clock.now();
    if (events.has('request-start')) {
      events.emit('request-start', { requestId, model: request.model, isStream, ...(options.metadata ? { metadata: options.metadata } : {}) });
    }
    let reservation: BudgetReservation | undefined;
    const spending = { usd: 0 };
    let hasWaited = false;
    let shared: SharedStateHooks | undefined; // set once the call counted against its tenant's quota
    const unfollow = input.token ? undefined : token.follow(options.signal);
    lifecycle.add(token);
    try {
      const estimatedTokens = estimateTokens(request);
      let alias = request.model;
      let route: RouteInfo | undefined;
      if (alias === 'auto' || !this.registry.pools.has(alias)) {
        ({ alias, route } = await resolveRoute(request, this.routing, { estimatedTokens, token, options, requestId }));
        hasWaited = true;
      }
      const resolved: NormalizedChatRequest = alias === request.model ? request : { ...request, model: alias };

      // The deadline counts from the call's start: routing and the cache look-up are inside it.
      const deadlineAt = input.deadlineAt ?? startedAt + (options.deadlineMs ?? this.deadlineMs);
      const isCached = this.cache !== undefined && options.cache !== false;
      if (isCached && options.cache !== 'refresh') {
        const scope = { requestId, namespace: options.tenant };
        const hit = await lookupInCache(this.cache!, this.events, resolved, scope, { clock: this.clock, deadlineAt, signal });
        hasWaited = true;
        if (hit) {
          const response = replayCached(hit, route, isStream ? onPart : undefined);
          this.endEvent(requestId, startedAt, response);
          return response;
        }
      }

      const plannedAt = hasWaited ? this.clock.now() : startedAt;
      if (this.shared) {
        const admitted = this.shared.beforeCall(options.tenant, estimatedTokens);
        if (admitted) await admitted;
        shared = this.shared;
      }
      const plan = buildCallPlan(this.planDefaults, {
        request: resolved,
        options,
        requestId,
        isStream,
        onPart,
        signal,
        estimatedTokens,
        spending,
        deadlineAt,
        now: plannedAt,
      });
      if (this.budget) {
        const estimate = estimateFirstAttempt(this.registry, this.cost, plan);
        if (estimate !== undefined) reservation = this.budget.reserve(estimate, this.clock.now());
      }
      const executed = await this.executor.execute(plan);
      const response = route ? { ...executed, route } : executed;
      reservation?.commit(spending.usd, this.clock.now());
      reservation = undefined;
      shared?.afterCall(options.tenant, spending.usd, executed.usage.inputTokens - estimatedTokens);
      shared = undefined;
      if (isCached && !isPatchedResponse(executed)) this.cacheStores!.store(resolved, response, requestId, options.tenant);
      this.endEvent(requestId, startedAt, response);
      return response;
    } catch (error) {
      reservation?.commit(spending.usd, this.clock.now());
      shared?.afterCall(options.tenant, spending.usd, 0);
      if (events.has('request-end')) {
        events.emit('request-end', {
          requestId,
          durationMs: this.clock.now() - startedAt,
          error: error instanceof Error ? error : new ResilientLLMError('RLLM_PROVIDER_ERROR', String(error), false),
        });
      }
      throw error;
    } finally {
      lifecycle.delete(token);
      unfollow?.();
    }
  }

  /** Counts a tool loop as running until it settles, so `close()` waits for it between its calls. */
  private tracked<T>(promise: Promise<T>): Promise<T> {
    const token = new AbortToken();
    this.lifecycle.add(token);
    const done = () => this.lifecycle.delete(token);
    promise.then(done, done);
    return promise;
  }

  private endEvent(requestId: string, startedAt: number, response: ChatResponse): void {
    if (this.events.has('request-end')) {
      this.events.emit('request-end', { requestId, durationMs: this.clock.now() - startedAt, response });
    }
  }

  /** This client as an AI SDK model (`LanguageModelV4`) for `alias` or `'auto'`: `generateText({ model: llm.languageModel('chat') })`. */
  languageModel(alias: string, options?: LanguageModelOptions): LanguageModelV4 {
    return toLanguageModel(this, alias, options);
  }

  /** Embeds texts with an alias whose adapter supports embeddings. */
  embed(request: EmbedTextsRequest, options: { readonly signal?: AbortSignal } = {}): Promise<EmbedResult> {
    if (!this.lifecycle.canStart(false)) return Promise.reject(this.lifecycle.refusal());
    const token = new AbortToken();
    const unfollow = token.follow(options.signal);
    this.lifecycle.add(token);
    const done = () => {
      this.lifecycle.delete(token);
      unfollow?.();
    };
    const embedded = embedTexts({ registry: this.registry, transport: this.transport, clock: this.clock, random: this.random }, request, token.signal);
    embedded.then(done, done);
    return embedded;
  }

  /** Requests, tokens, errors and cost so far: in total and by alias, deployment and tenant. */
  usage(): UsageReport {
    return this.ledger.totals();
  }

  /** Each deployment's breaker state, cooldown, rate-limit headroom, in-flight count and last error. */
  health(): DeploymentHealth[] {
    return this.registry.health(this.clock.now());
  }

  /** Opens connections to every configured origin, and pulls a shared `stateStore`, ahead of the first request. */
  async warmup(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    if (!this.lifecycle.canStart(false)) throw this.lifecycle.refusal();
    const origins = [...this.registry.adapters.values()].flatMap((adapter) => adapter.origins ?? []);
    await Promise.all([this.transport.warmup?.(origins, options.signal), this.registry.pullSharedState(this.clock.now())]);
  }

  /**
   * Shuts the client down. New calls are refused at once with `ClientClosedError`; calls already
   * running may finish within `graceMs` (default 10 s), then are aborted with `ClientClosedError`,
   * including those waiting in a rate-limit queue or a backoff. The transport's sockets are then
   * closed (destroyed if still busy). Always resolves, within `graceMs` plus about a second.
   */
  close(options: CloseOptions = {}): Promise<void> {
    return this.lifecycle.close(options, async (graceMs) => {
      this.sharedCalls.close();
      this.shared?.close();
      // Stores ran in the background during the grace; what is left now is aborted.
      await this.cacheStores?.close(0);
      if (this.ownsTransport) await this.transport.close({ graceMs });
    });
  }
}
