import { randomUUID } from 'node:crypto';
import type { ResponseCache } from '../cache/response-cache.js';
import { Budget, type BudgetReservation } from '../cost/budget.js';
import { blendedPricePerMillion } from '../cost/cost-multiplier.js';
import { computeCost, estimateCost } from '../cost/compute-cost.js';
import { estimateTokens } from '../cost/estimate-tokens.js';
import { PriceTable } from '../cost/price-table.js';
import { UsageLedger, type UsageReport } from '../cost/usage-ledger.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { EventHub, type EventType, type Listener } from '../events/events.js';
import { FallbackPolicy, NO_FALLBACK } from '../policy/fallback/fallback-policy.js';
import { systemClock, type Clock } from '../providers/provider.js';
import { TaskRouter, type TaskRouterOptions } from '../routing/router.js';
import { AbortToken, type AbortSignalLike } from '../transport/abort-token.js';
import { FetchTransport } from '../transport/fetch-transport.js';
import type { Transport } from '../transport/transport.js';
import { UndiciTransport } from '../transport/undici-transport.js';
import { CallExecutor, type CallPlan } from './call-executor.js';
import type { CallOptions, ClientOptions, HedgeOptions, RetryOptions } from './client-options.js';
import { cacheContextFor, lookupInCache, storeInCache } from './cache-step.js';
import { buildModelRegistry, contextWindowOf, vendorKindOf, type ModelRegistry } from './model-registry.js';
import { replayCached } from './replay-cached.js';
import { StreamResult } from './stream-result.js';
import {
  normalizeTools,
  runWithToolRepairs,
  type ToolRepairEvent,
  type ValidatedChatResponse,
} from '../tools/run-with-tool-repairs.js';
import { runTools, type RunToolsResult } from '../tools/run-tools.js';
import { structuredOutput } from '../tools/structured-output.js';
import type { AnyTool } from '../tools/tool.js';
import { validateStream } from '../tools/validate-stream.js';
import type {
  ChatRequest,
  ChatResponse,
  EmbedResult,
  Message,
  NormalizedChatRequest,
  RouteInfo,
  StreamPart,
  ToolSpec,
} from './types.js';
import { validateChatRequest } from './validate-request.js';
import { validateClientOptions } from './validate-client-options.js';

const DEFAULT_DEADLINE_MS = 300_000;

/** Health of one deployment, as `llm.health()` reports it. */
export type DeploymentHealth = ReturnType<ModelRegistry['health']>[number];

function needsToolLoop(request: ChatRequest<unknown>): boolean {
  // A request that is not an object is left to validation, which rejects it with a clear message.
  if (typeof request !== 'object' || request === null) return false;
  if (request.schema !== undefined) return true;
  const tools = request.tools;
  return tools !== undefined && tools.length > 0;
}

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
  private readonly budget: Budget | undefined;
  private readonly ledger: UsageLedger;
  private readonly router: TaskRouter | undefined;
  private readonly cache: ResponseCache | undefined;
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
    this.prices = new PriceTable(options.prices);
    this.budget = options.budget ? new Budget(options.budget) : undefined;
    this.ledger = new UsageLedger(options.stateStore ? { store: options.stateStore } : {});
    this.cache = options.cache;
    this.registry = buildModelRegistry(options, this.clock, this.events, (model) => this.prices.lookup(model)?.contextWindow);
    this.registry.checkPolicy(this.policy);
    if (options.router) {
      const routerOptions: TaskRouterOptions =
        'tiers' in options.router && typeof options.router.tiers === 'object'
          ? (options.router as TaskRouterOptions)
          : { tiers: options.router as Readonly<Record<string, string>> };
      for (const [tier, alias] of Object.entries(routerOptions.tiers)) {
        if (!this.registry.pools.has(alias)) {
          throw new InvalidArgumentError(`router.${tier}`, `Expected \`router.${tier}\` to be a configured alias, got ${JSON.stringify(alias)}.`);
        }
      }
      const labeller = routerOptions.llmClassifier?.alias;
      if (labeller !== undefined && labeller !== 'auto' && !this.registry.pools.has(labeller)) {
        throw new InvalidArgumentError(
          'router.llmClassifier.alias',
          `Expected \`router.llmClassifier.alias\` to be a configured alias, got ${JSON.stringify(labeller)}.`,
        );
      }
      this.router = new TaskRouter({
        contextWindows: (alias) => contextWindowOf(this.registry, alias),
        clock: this.clock,
        ...routerOptions,
        // The classifier's call runs as a plain call on its alias: never routed, never cached.
        chat: (request, callOptions) => this.chat(request, callOptions),
      });
    }
    const maxQueueMs = new Map<string, number>();
    for (const [alias, config] of Object.entries(options.models)) {
      const queue = (config as { maxQueueMs?: number }).maxQueueMs;
      if (queue !== undefined) maxQueueMs.set(alias, queue);
    }
    const prices = this.prices;
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
      cost: {
        costOf(model, usage) {
          const price = prices.lookup(model);
          return price ? computeCost(usage, price) : undefined;
        },
        estimateOf(model, inputTokens, maxOutputTokens) {
          const price = prices.lookup(model);
          return price ? estimateCost(inputTokens, maxOutputTokens ?? Math.min(price.maxOutputTokens ?? 4096, 4096), price) : undefined;
        },
        priceIndexOf(model) {
          const price = prices.lookup(model);
          return price ? blendedPricePerMillion(price) : undefined;
        },
      },
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
    return this.chatWithTools(request, options);
  }

  private async chatWithTools<const TTools extends readonly (AnyTool | ToolSpec)[], TObject>(
    request: ChatRequest<TObject> & { readonly tools?: TTools },
    options: CallOptions,
  ): Promise<ValidatedChatResponse<TTools, TObject>> {
    const { tools, schema, schemaName, maxToolRepairs, escalate, ...base } = request;
    const loop = this.toolLoop(base.model, options, { schemaName, maxToolRepairs, escalate });
    return runWithToolRepairs<TTools, TObject>({
      ...loop.options,
      request: base as NormalizedChatRequest,
      ...(tools ? { tools } : {}),
      ...(schema ? { schema } : {}),
      call: this.repairCall(base.model, options, loop.deadlineAt),
    });
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
    const { tools, maxSteps, messages, schema, schemaName, maxToolRepairs, escalate, ...base } = request;
    const loop = this.toolLoop(base.model, options, { schemaName, maxToolRepairs, escalate });
    return runTools<TObject>({
      ...loop.options,
      messages: messages as readonly Message[],
      tools,
      request: base as Omit<NormalizedChatRequest, 'messages' | 'tools'>,
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(schema ? { schema } : {}),
      call: this.repairCall(base.model, options, loop.deadlineAt),
    });
  }

  /**
   * Starts a streaming request and returns at once. Iterate it for parts, or await `response`.
   * Breaking out of the loop, calling `return()` or aborting the signal cancels the call.
   */
  stream<TObject = unknown>(request: ChatRequest<TObject>, options: CallOptions = {}): StreamResult<TObject> {
    if (!needsToolLoop(request)) return this.streamNormalized(request as NormalizedChatRequest, options) as StreamResult<TObject>;
    return this.streamWithTools(request, options);
  }

  /**
   * A stream with tools or a schema: each tool call is validated as it completes (an invalid one
   * is never shown as valid), `partial-object` parts carry the object as it grows, and when the
   * answer is invalid the repair loop asks again: a `reset` part, then the corrected answer.
   */
  private streamWithTools<TObject>(request: ChatRequest<TObject>, options: CallOptions): StreamResult<TObject> {
    const { tools, schema, schemaName, maxToolRepairs, escalate, ...base } = request;
    const alias = base.model;
    const normalizedTools = normalizeTools(tools ?? []);
    const output = schema ? structuredOutput(schema, schemaName !== undefined ? { name: schemaName } : {}) : undefined;
    const validation = { tools: normalizedTools, ...(output ? { output } : {}) };
    const loop = this.toolLoop(alias, options, { maxToolRepairs, escalate });
    const deadlineAt = loop.deadlineAt;
    let outer: StreamResult<TObject> | undefined;
    const early: StreamPart[] = [];
    const emit = (part: StreamPart) => {
      if (outer) outer.push(part);
      else early.push(part);
    };
    let current: StreamResult | undefined;
    let cancelled: { reason: unknown } | undefined;
    let calls = 0;
    const response = Promise.resolve()
      .then(() =>
        runWithToolRepairs<readonly (AnyTool | ToolSpec)[], TObject>({
          ...loop.options,
          request: base as NormalizedChatRequest,
          tools: normalizedTools,
          ...(output ? { schema: output } : {}),
          call: async (next, info) => {
            if (cancelled) throw cancelled.reason;
            if (calls++ > 0) emit({ type: 'reset', reason: 'invalid tool call or object: asking the model again' });
            const inner = this.streamNormalized(info.escalateTo === 'next' ? { ...next, model: this.nextAlias(alias, options) } : next, options, deadlineAt);
            current = inner;
            try {
              for await (const part of validateStream(inner, validation)) if (part.type !== 'finish') emit(part);
            } catch (error) {
              // An invalid final answer is the repair loop's to handle; anything else is the call's error.
              if ((error as { code?: string }).code !== 'RLLM_TOOL_REPAIR_EXHAUSTED') throw error;
            }
            return inner.response;
          },
        }),
      )
      .then((final) => {
        const validated = final as unknown as ChatResponse<TObject>;
        emit({ type: 'finish', response: validated as ChatResponse });
        return validated;
      });
    outer = new StreamResult<TObject>(response, (reason) => {
      cancelled = { reason: reason ?? new DOMException('The stream was cancelled by its consumer', 'AbortError') };
      current?.cancel(cancelled.reason);
    });
    for (const part of early) outer.push(part);
    return outer;
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
    try {
      const estimatedTokens = estimateTokens(request);
      let alias = request.model;
      let route: RouteInfo | undefined;
      if (alias === 'auto') {
        if (!this.router) throw new InvalidArgumentError('model', 'Expected `model` to be an alias: "auto" needs the client option `router`.');
        const decision = await this.router.route(request, estimatedTokens, this.realSignal(input), { tenant: options.tenant, requestId });
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

      const cacheContext = this.cache && options.cache !== false ? cacheContextFor(requestId, options.tenant, () => this.realSignal(input)) : undefined;
      if (cacheContext && options.cache !== 'refresh') {
        const hit = await lookupInCache(this.cache!, this.events, resolved, cacheContext);
        if (hit) {
          const response = replayCached(hit, route, isStream ? onPart : undefined);
          this.endEvent(requestId, startedAt, response);
          return response;
        }
      }

      const plan = this.plan(resolved, options, requestId, isStream, onPart, signal, estimatedTokens, spending, input.deadlineAt);
      if (this.budget) {
        const estimate = this.estimateFirstAttempt(plan);
        if (estimate !== undefined) reservation = this.budget.reserve(estimate, this.clock.now());
      }
      const executed = await this.executor.execute(plan);
      const response = route ? { ...executed, route } : executed;
      reservation?.commit(spending.usd, this.clock.now());
      reservation = undefined;
      if (cacheContext) storeInCache(this.cache!, this.events, resolved, response, cacheContext);
      this.endEvent(requestId, startedAt, response);
      return response;
    } catch (error) {
      reservation?.commit(spending.usd, this.clock.now());
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
      deadlineAt: sharedDeadlineAt ?? this.clock.now() + deadlineMs,
      deadlineMs,
      signal,
      isStream,
      onPart,
      hedge: hedge ? { afterMs: hedge.afterMs, maxExtra: hedge.maxExtra ?? 1 } : undefined,
      estimatedTokens,
      maxCostUsd: this.budget?.perRequestUsd,
      tenant: options.tenant,
      spending,
    };
  }

  /** What every tool-repair loop of one call shares: the deadline, the vendor, the repair events. */
  private toolLoop(
    alias: string,
    options: CallOptions,
    fields: { readonly schemaName?: string | undefined; readonly maxToolRepairs?: number | undefined; readonly escalate?: boolean | undefined },
  ) {
    const deadlineMs = options.deadlineMs ?? this.deadlineMs;
    const deadlineAt = this.clock.now() + deadlineMs;
    const loopId = this.generateId();
    const vendorKind = vendorKindOf(this.registry, alias);
    return {
      deadlineAt,
      options: {
        ...(fields.schemaName !== undefined ? { schemaName: fields.schemaName } : {}),
        ...(fields.maxToolRepairs !== undefined ? { maxToolRepairs: fields.maxToolRepairs } : {}),
        ...(fields.escalate !== undefined ? { escalate: fields.escalate } : {}),
        ...(vendorKind !== undefined ? { vendorKind } : {}),
        deadlineAt,
        deadlineMs,
        clock: this.clock,
        onRepair: (event: ToolRepairEvent) => this.emitRepair(loopId, event),
      },
    };
  }

  /** One model call of a tool-repair loop: the shared deadline; escalation moves to the next alias. */
  private repairCall(alias: string, options: CallOptions, deadlineAt: number) {
    return (next: NormalizedChatRequest, info: { readonly escalateTo?: 'next' }): Promise<ChatResponse> =>
      this.run({
        request: info.escalateTo === 'next' ? { ...next, model: this.nextAlias(alias, options) } : next,
        options,
        isStream: false,
        onPart: undefined,
        token: undefined,
        deadlineAt,
      });
  }

  /** The alias after `alias` in the fallback chain, for tool-repair escalation. */
  private nextAlias(alias: string, options: CallOptions): string {
    const policy = options.fallback === false ? NO_FALLBACK : options.fallback instanceof FallbackPolicy ? options.fallback : this.policy;
    return policy.chainFor(alias)[1] ?? alias;
  }

  private emitRepair(requestId: string, event: ToolRepairEvent): void {
    if (this.events.has('tool-repair')) {
      this.events.emit('tool-repair', { requestId, repair: event.repair, toolName: event.toolNames.join(','), issues: event.issues });
    }
  }

  private estimateFirstAttempt(plan: CallPlan): number | undefined {
    const pool = this.registry.pools.get(plan.aliases[0]!)!;
    let estimate: number | undefined;
    for (const deployment of pool.deployments) {
      const price = this.prices.lookup(deployment.model);
      if (!price) continue;
      const cost = estimateCost(plan.estimatedTokens, plan.request.maxTokens ?? Math.min(price.maxOutputTokens ?? 4096, 4096), price);
      estimate = Math.max(estimate ?? 0, cost);
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
  async embed(
    request: { readonly model: string; readonly input: readonly string[]; readonly dimensions?: number },
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<EmbedResult> {
    const pool = this.registry.pools.get(request.model);
    if (!pool) throw new InvalidArgumentError('model', `Expected \`model\` to be a configured alias, got ${JSON.stringify(request.model)}.`);
    if (!Array.isArray(request.input) || request.input.length === 0 || request.input.some((text) => typeof text !== 'string' || text.length === 0)) {
      throw new InvalidArgumentError('input', 'Expected `input` to be a non-empty array of non-empty strings.');
    }
    const deployment = pool.pick({ now: this.clock.now(), random: this.random }) ?? pool.deployments[0]!;
    const adapter = this.registry.adapters.get(deployment.providerName)!;
    if (!adapter.embed) throw new InvalidArgumentError('model', `The provider of ${JSON.stringify(request.model)} cannot embed.`);
    const token = new AbortToken();
    const unfollow = token.follow(options.signal);
    try {
      return await adapter.embed(
        { model: deployment.model, input: request.input, ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}) },
        {
          abort: token,
          get signal() {
            return token.signal;
          },
          transport: this.transport,
          clock: this.clock,
        },
      );
    } finally {
      unfollow?.();
    }
  }

  /** Requests, tokens, errors and cost so far: in total and by alias, deployment and tenant. */
  usage(): UsageReport {
    return this.ledger.totals();
  }

  /** Each deployment's breaker state, cooldown, rate-limit headroom, in-flight count and last error. */
  health(): DeploymentHealth[] {
    return this.registry.health(this.clock.now());
  }

  /** Opens connections to every configured origin ahead of the first request. */
  async warmup(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const origins = [...this.registry.adapters.values()].flatMap((adapter) => adapter.origins ?? []);
    await this.transport.warmup?.(origins, options.signal);
  }

  /** Releases connections. Calls after `close()` are refused. */
  async close(): Promise<void> {
    this.isClosed = true;
    if (this.ownsTransport) await this.transport.close();
  }
}
