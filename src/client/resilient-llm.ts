import { randomUUID } from 'node:crypto';
import type { ResponseCache } from '../cache/response-cache.js';
import { Budget, type BudgetReservation } from '../cost/budget.js';
import { estimateTokens } from '../cost/estimate-tokens.js';
import { PriceTable } from '../cost/price-table.js';
import { UsageLedger, type UsageReport } from '../cost/usage-ledger.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { EventHub, type EventType, type Listener } from '../events/events.js';
import { FallbackPolicy, NO_FALLBACK } from '../policy/fallback/fallback-policy.js';
import { StateScope } from '../state/state-scope.js';
import { systemClock, type Clock } from '../providers/provider.js';
import { buildRouter } from '../routing/build-router.js';
import type { TaskRouter } from '../routing/router.js';
import { AbortToken, type AbortSignalLike } from '../transport/abort-token.js';
import { FetchTransport } from '../transport/fetch-transport.js';
import type { Transport } from '../transport/transport.js';
import { UndiciTransport } from '../transport/undici-transport.js';
import { CallExecutor, type CallPlan, type CostHooks } from './call-executor.js';
import type { CallOptions, ClientOptions, HedgeOptions, RetryOptions } from './client-options.js';
import { CacheStores, lookupInCache } from './cache-step.js';
import { isPatchedResponse } from './attempt-accounting.js';
import { costHooks } from './cost-hooks.js';
import { embedTexts, type EmbedTextsRequest } from './embed-texts.js';
import { buildModelRegistry, contextWindowOf, type ModelRegistry } from './model-registry.js';
import { replayCached } from './replay-cached.js';
import { sharedStateHooks, type SharedStateHooks } from './shared-state-hooks.js';
import { StreamResult } from './stream-result.js';
import type { ValidatedChatResponse } from '../tools/run-with-tool-repairs.js';
import type { RunToolsResult } from '../tools/run-tools.js';
import type { AnyTool } from '../tools/tool.js';
import { needsToolLoop, ToolWiring } from './tool-wiring.js';
import type { ChatRequest, ChatResponse, EmbedResult, NormalizedChatRequest, RouteInfo, StreamPart, ToolSpec } from './types.js';
import { validateChatRequest } from './validate-request.js';
import { validateClientOptions } from './validate-client-options.js';

const DEFAULT_DEADLINE_MS = 300_000;

/** Health of one deployment, as `llm.health()` reports it. */
export type DeploymentHealth = ReturnType<ModelRegistry['health']>[number];

function isTransport(value: unknown): value is Transport {
  return typeof value === 'object' && value !== null && typeof (value as Transport).request === 'function';
}

/** Everything one call carries from `chat()`/`stream()` into `run()`. */
type CallInput = {
  readonly request: NormalizedChatRequest;
  /** A deadline shared with other calls (the tool-repair loop); else one from `deadlineMs`. */
  readonly deadlineAt?: number;
  readonly options: CallOptions;
  readonly isStream: boolean;
  readonly onPart: ((part: StreamPart) => void) | undefined;
  readonly token: AbortToken | undefined;
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
  private isClosed = false;

  constructor(options: ClientOptions) {
    validateClientOptions(options);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    if (options.generateId) this.generateId = options.generateId;
    else {
      // A random prefix per client and a counter: unique, and far cheaper than a UUID per call.
      const prefix = `req_${randomUUID().slice(0, 8)}_`;
      let counter = 0;
      this.generateId = () => prefix + (++counter).toString(36);
    }
    if (options.fetch) {
      this.transport = new FetchTransport({ fetch: options.fetch });
      this.ownsTransport = true;
    } else if (isTransport(options.transport)) {
      this.transport = options.transport;
      this.ownsTransport = false;
    } else {
      this.transport = new UndiciTransport(options.transport ?? {});
      this.ownsTransport = true;
    }
    this.policy =
      options.fallback === undefined
        ? NO_FALLBACK
        : options.fallback instanceof FallbackPolicy
          ? options.fallback
          : new FallbackPolicy(options.fallback);
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.retry = {
      maxRetries: options.retry?.maxRetries ?? 2,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 8000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 60_000,
    };
    this.hedge = options.hedge;
    this.prices = options.prices instanceof PriceTable ? options.prices : new PriceTable(options.prices);
    const state = StateScope.forClient(options.stateStore, this.clock);
    this.budget = options.budget ? new Budget(options.budget, state.child('budget')) : undefined;
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
          chat: (request, callOptions) => this.chat(request, callOptions),
        })
      : undefined;
    const maxQueueMs = new Map<string, number>();
    for (const [alias, config] of Object.entries(options.models)) {
      const queue = (config as { maxQueueMs?: number }).maxQueueMs;
      if (queue !== undefined) maxQueueMs.set(alias, queue);
    }
    this.cost = costHooks(this.prices);
    this.executor = new CallExecutor({
      pools: this.registry.pools,
      adapters: this.registry.adapters,
      deploymentHeaders: this.registry.deploymentHeaders,
      maxQueueMs,
      transport: this.transport,
      clock: this.clock,
      random: this.random,
      events: this.events,
      retry: this.retry,
      ledger: this.ledger,
      cost: this.cost,
      admitAttempt: this.shared?.admitAttempt,
    });
    this.tools = new ToolWiring({
      clock: this.clock,
      deadlineMs: this.deadlineMs,
      generateId: this.generateId,
      registry: this.registry,
      events: this.events,
      policy: this.policy,
      call: (request, callOptions, deadlineAt) =>
        this.run({ request, options: callOptions, isStream: false, onPart: undefined, token: undefined, deadlineAt }),
      stream: (request, callOptions, deadlineAt) => this.streamNormalized(request, callOptions, deadlineAt),
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
    if (!needsToolLoop(request)) {
      // Not async: one fewer suspension on the plain path; `run()` turns every failure into a rejection.
      return this.run({ request: request as NormalizedChatRequest, options, isStream: false, onPart: undefined, token: undefined }) as Promise<
        ValidatedChatResponse<TTools, TObject>
      >;
    }
    return this.tools.chat(request, options);
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
    return this.tools.runTools(request, options);
  }

  /**
   * Starts a streaming request and returns at once. Iterate it for parts, or await `response`.
   * Breaking out of the loop, calling `return()` or aborting the signal cancels the call.
   */
  stream<TObject = unknown>(request: ChatRequest<TObject>, options: CallOptions = {}): StreamResult<TObject> {
    if (!needsToolLoop(request)) return this.streamNormalized(request as NormalizedChatRequest, options) as StreamResult<TObject>;
    return this.tools.stream(request, options);
  }

  private streamNormalized(request: NormalizedChatRequest, options: CallOptions, deadlineAt?: number): StreamResult {
    const token = new AbortToken();
    const unfollow = token.follow(options.signal);
    let result: StreamResult | undefined;
    const pending: StreamPart[] = [];
    const onPart = (part: StreamPart) => {
      if (result) result.push(part);
      else pending.push(part);
    };
    const response = Promise.resolve()
      .then(() => this.run({ request, options, isStream: true, onPart, token, ...(deadlineAt !== undefined ? { deadlineAt } : {}) }))
      .then((value) => {
        onPart({ type: 'finish', response: value });
        return value;
      });
    if (unfollow) response.then(unfollow, unfollow);
    result = new StreamResult(response, (reason?: unknown) => {
      if (!token.aborted) token.abort(reason ?? new DOMException('The stream was cancelled by its consumer', 'AbortError'));
    });
    for (const part of pending) result.push(part);
    return result;
  }

  private async run(input: CallInput): Promise<ChatResponse> {
    if (this.isClosed) throw new InvalidArgumentError('client', 'This ResilientLLM was closed; create a new one.');
    const { options, isStream, onPart } = input;
    const request = validateChatRequest(input.request);
    const signal: AbortSignalLike | undefined = input.token ?? options.signal;
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
    try {
      const estimatedTokens = estimateTokens(request);
      let alias = request.model;
      let route: RouteInfo | undefined;
      if (alias === 'auto') {
        if (!this.router) throw new InvalidArgumentError('model', 'Expected `model` to be an alias: "auto" needs the client option `router`.');
        const decision = await this.router.route(request, estimatedTokens, this.realSignal(input), { tenant: options.tenant, requestId });
        hasWaited = true;
        alias = decision.alias;
        const { tier, reason, source, classifierCost, classifierUsage } = decision;
        const spent = { ...(classifierCost !== undefined ? { classifierCost } : {}), ...(classifierUsage ? { classifierUsage } : {}) };
        route = { tier, reason, source, ...spent };
        if (events.has('route')) events.emit('route', { requestId, tier, alias, reason, ...spent });
      } else if (!this.registry.pools.has(alias)) {
        throw new InvalidArgumentError(
          'model',
          `Expected \`model\` to be one of ${[...this.registry.pools.keys(), ...(this.router ? ['auto'] : [])].map((key) => JSON.stringify(key)).join(', ')}, got ${JSON.stringify(alias)}.`,
        );
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
      const plan = this.plan(resolved, options, requestId, isStream, onPart, signal, estimatedTokens, spending, deadlineAt, plannedAt);
      if (this.budget) {
        const estimate = this.estimateFirstAttempt(plan);
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
    }
  }

  private plan(
    request: NormalizedChatRequest,
    options: CallOptions,
    requestId: string,
    isStream: boolean,
    onPart: ((part: StreamPart) => void) | undefined,
    signal: AbortSignalLike | undefined,
    estimatedTokens: number,
    spending: { usd: number },
    sharedDeadlineAt: number | undefined,
    now: number,
  ): CallPlan {
    const policy =
      options.fallback === false
        ? NO_FALLBACK
        : options.fallback === undefined
          ? this.policy
          : options.fallback instanceof FallbackPolicy
            ? options.fallback
            : new FallbackPolicy(options.fallback);
    if (policy !== this.policy && policy !== NO_FALLBACK) this.registry.checkPolicy(policy);
    const deadlineMs = options.deadlineMs ?? this.deadlineMs;
    if (!(typeof deadlineMs === 'number' && deadlineMs > 0)) {
      throw new InvalidArgumentError('deadlineMs', `Expected \`deadlineMs\` to be a positive number, got ${String(deadlineMs)}.`);
    }
    const maxRetries = options.maxRetries ?? this.retry.maxRetries;
    if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) {
      throw new InvalidArgumentError('maxRetries', `Expected \`maxRetries\` to be a non-negative integer, got ${String(maxRetries)}.`);
    }
    const hedge = options.hedge === false ? undefined : (options.hedge ?? this.hedge);
    if (hedge !== undefined && !(typeof hedge.afterMs === 'number' && hedge.afterMs > 0)) {
      throw new InvalidArgumentError('hedge.afterMs', `Expected \`hedge.afterMs\` to be a positive number of milliseconds, got ${String(hedge.afterMs)}.`);
    }
    return {
      requestId,
      request,
      aliases: policy.chainFor(request.model),
      policy,
      maxRetries,
      deadlineAt: sharedDeadlineAt ?? now + deadlineMs,
      deadlineMs,
      signal,
      isStream,
      onPart,
      hedge: hedge ? { afterMs: hedge.afterMs, maxExtra: hedge.maxExtra ?? 1 } : undefined,
      estimatedTokens,
      maxCostUsd: this.budget?.perRequestUsd,
      tenant: options.tenant,
      spending,
      plannedAt: now,
    };
  }

  /** The dearest deployment of the first alias, for the budget to reserve. */
  private estimateFirstAttempt(plan: CallPlan): number | undefined {
    let estimate: number | undefined;
    for (const deployment of this.registry.pools.get(plan.aliases[0]!)!.deployments) {
      const cost = this.cost.estimateOf(deployment.model, plan.estimatedTokens, plan.request.maxTokens);
      if (cost !== undefined) estimate = Math.max(estimate ?? 0, cost);
    }
    return estimate;
  }

  /** A real AbortSignal for code that needs one (user classifiers, cache embedders): made on demand. */
  private realSignal(input: CallInput): AbortSignal {
    if (input.token) return input.token.signal;
    if (input.options.signal) return input.options.signal;
    return new AbortController().signal;
  }

  private endEvent(requestId: string, startedAt: number, response: ChatResponse): void {
    if (this.events.has('request-end')) {
      this.events.emit('request-end', { requestId, durationMs: this.clock.now() - startedAt, response });
    }
  }

  /** Embeds texts with an alias whose adapter supports embeddings. */
  embed(request: EmbedTextsRequest, options: { readonly signal?: AbortSignal } = {}): Promise<EmbedResult> {
    return embedTexts({ registry: this.registry, transport: this.transport, clock: this.clock, random: this.random }, request, options.signal);
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
    const origins = [...this.registry.adapters.values()].flatMap((adapter) => adapter.origins ?? []);
    await Promise.all([this.transport.warmup?.(origins, options.signal), this.registry.pullSharedState(this.clock.now())]);
  }

  /** Releases connections. Calls after `close()` are refused. */
  async close(): Promise<void> {
    this.isClosed = true;
    await this.cacheStores?.close();
    this.shared?.close();
    if (this.ownsTransport) await this.transport.close();
  }
}
