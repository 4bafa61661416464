import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { EventHub, type EventType, type Listener } from '../events/events.js';
import { FallbackPolicy, NO_FALLBACK } from '../policy/fallback/fallback-policy.js';
import { systemClock, type Clock, type ProviderAdapter } from '../providers/provider.js';
import { AbortToken, type AbortSignalLike } from '../transport/abort-token.js';
import { FetchTransport } from '../transport/fetch-transport.js';
import type { Transport } from '../transport/transport.js';
import { UndiciTransport } from '../transport/undici-transport.js';
import { CallExecutor, type CallPlan } from './call-executor.js';
import type { CallOptions, ClientOptions, RetryOptions } from './client-options.js';
import { buildModelRegistry, type ModelRegistry } from './model-registry.js';
import { StreamResult } from './stream-result.js';
import type { ChatRequest, ChatResponse, EmbedResult, StreamPart } from './types.js';
import { validateChatRequest } from './validate-request.js';
import { validateClientOptions } from './validate-client-options.js';

const DEFAULT_DEADLINE_MS = 300_000;

/** Health of one deployment, as `llm.health()` reports it. */
export type DeploymentHealth = ReturnType<ModelRegistry['health']>[number];

function isTransport(value: unknown): value is Transport {
  return typeof value === 'object' && value !== null && typeof (value as Transport).request === 'function';
}

/**
 * One client in front of every configured vendor. `chat()` and `stream()` validate the request,
 * then run it through the fallback chain, pools, retries and watchdogs, inside one deadline.
 */
export class ResilientLLM {
  private readonly events = new EventHub();
  private readonly registry: ModelRegistry;
  private readonly executor: CallExecutor;
  private readonly transport: Transport;
  private readonly ownsTransport: boolean;
  private readonly clock: Clock;
  private readonly policy: FallbackPolicy;
  private readonly deadlineMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly generateId: () => string;
  private isClosed = false;

  constructor(options: ClientOptions) {
    validateClientOptions(options);
    this.clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
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
    this.registry = buildModelRegistry(options, this.clock, this.events);
    this.registry.checkPolicy(this.policy);
    this.executor = new CallExecutor({
      pools: this.registry.pools,
      adapters: this.registry.adapters,
      deploymentHeaders: this.registry.deploymentHeaders,
      transport: this.transport,
      clock: this.clock,
      random,
      events: this.events,
      retry: this.retry,
      hedge: options.hedge ? { afterMs: options.hedge.afterMs, maxExtra: options.hedge.maxExtra ?? 1 } : undefined,
      costOf: () => undefined,
    });
  }

  /** Subscribes to a typed event; returns the function that unsubscribes. */
  on<T extends EventType>(type: T, listener: Listener<T>): () => void {
    return this.events.on(type, listener);
  }

  /** Sends one request and resolves with the whole answer. */
  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    const plan = this.plan(request, options, false, undefined, options.signal);
    return this.run(plan, options);
  }

  /**
   * Starts a streaming request and returns at once. Iterate it for parts, or await `response`.
   * Breaking out of the loop, calling `return()` or aborting the signal cancels the call.
   */
  stream(request: ChatRequest, options: CallOptions = {}): StreamResult {
    const controller = new AbortToken();
    const unfollow = controller.follow(options.signal);
    let result: StreamResult | undefined;
    const pending: StreamPart[] = [];
    const onPart = (part: StreamPart) => {
      if (result) result.push(part);
      else pending.push(part);
    };
    let response: Promise<ChatResponse>;
    try {
      const plan = this.plan(request, options, true, onPart, controller);
      response = Promise.resolve().then(() => this.run(plan, options));
    } catch (error) {
      response = Promise.reject(error);
    }
    response = response.then(
      (value) => {
        onPart({ type: 'finish', response: value });
        return value;
      },
      (error: unknown) => {
        throw error;
      },
    );
    if (unfollow) response.then(unfollow, unfollow);
    result = new StreamResult(response, (reason?: unknown) => {
      if (!controller.aborted) {
        controller.abort(reason ?? new DOMException('The stream was cancelled by its consumer', 'AbortError'));
      }
    });
    for (const part of pending) result.push(part);
    return result;
  }

  private plan(
    request: ChatRequest,
    options: CallOptions,
    isStream: boolean,
    onPart: ((part: StreamPart) => void) | undefined,
    signal: AbortSignalLike | undefined,
  ): CallPlan {
    if (this.isClosed) throw new InvalidArgumentError('client', 'This ResilientLLM was closed; create a new one.');
    const validated = validateChatRequest(request);
    const alias = validated.model;
    if (!this.registry.pools.has(alias)) {
      throw new InvalidArgumentError(
        'model',
        `Expected \`model\` to be one of ${[...this.registry.pools.keys()].map((key) => JSON.stringify(key)).join(', ')}, got ${JSON.stringify(alias)}.`,
      );
    }
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
    if (!(deadlineMs > 0)) {
      throw new InvalidArgumentError('deadlineMs', `Expected \`deadlineMs\` to be a positive number, got ${String(deadlineMs)}.`);
    }
    const maxRetries = options.maxRetries ?? this.retry.maxRetries;
    if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) {
      throw new InvalidArgumentError('maxRetries', `Expected \`maxRetries\` to be a non-negative integer, got ${String(maxRetries)}.`);
    }
    return {
      requestId: this.generateId(),
      request: validated,
      aliases: policy.chainFor(alias),
      policy,
      maxRetries,
      deadlineAt: this.clock.now() + deadlineMs,
      deadlineMs,
      signal,
      isStream,
      onPart,
    };
  }

  private async run(plan: CallPlan, options: CallOptions): Promise<ChatResponse> {
    const events = this.events;
    const startedAt = this.clock.now();
    if (events.has('request-start')) {
      events.emit('request-start', {
        requestId: plan.requestId,
        model: plan.request.model,
        isStream: plan.isStream,
        ...(options.metadata ? { metadata: options.metadata } : {}),
      });
    }
    try {
      const response = await this.executor.execute(plan);
      if (events.has('request-end')) {
        events.emit('request-end', { requestId: plan.requestId, durationMs: this.clock.now() - startedAt, response });
      }
      return response;
    } catch (error) {
      if (events.has('request-end')) {
        events.emit('request-end', {
          requestId: plan.requestId,
          durationMs: this.clock.now() - startedAt,
          error: error instanceof Error ? error : new ResilientLLMError('RLLM_PROVIDER_ERROR', String(error), false),
        });
      }
      throw error;
    }
  }

  /** Embeds texts with an alias whose adapter supports embeddings. */
  async embed(request: { readonly model: string; readonly input: readonly string[]; readonly dimensions?: number }, options: { readonly signal?: AbortSignal } = {}): Promise<EmbedResult> {
    const pool = this.registry.pools.get(request.model);
    if (!pool) throw new InvalidArgumentError('model', `Expected \`model\` to be a configured alias, got ${JSON.stringify(request.model)}.`);
    if (!Array.isArray(request.input) || request.input.some((text) => typeof text !== 'string' || text.length === 0)) {
      throw new InvalidArgumentError('input', 'Expected `input` to be an array of non-empty strings.');
    }
    const deployment = pool.pick({ now: this.clock.now(), random: Math.random })!;
    const adapter: ProviderAdapter = this.registry.adapters.get(deployment.providerName)!;
    if (!adapter.embed) throw new InvalidArgumentError('model', `The provider of ${JSON.stringify(request.model)} cannot embed.`);
    return adapter.embed(
      { model: deployment.model, input: request.input, ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}) },
      { signal: options.signal ?? new AbortController().signal, transport: this.transport, clock: this.clock },
    );
  }

  /** Each deployment's breaker state, cooldown, in-flight count and last error. */
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
