import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { ChatResponse, Usage } from '../client/types.js';
import type { EventMap } from '../events/events.js';
import { outputMessages, semconvFinishReason } from './content.js';
import type { OtelApi } from './otel-api.js';
import * as sc from './semconv.js';
import type { TelemetryMetrics } from './telemetry-metrics.js';
import { loopOf, setPrompt, takePrompt } from './tool-loop-spans.js';

type AttemptRecord = {
  readonly span: Span;
  readonly context: Context;
  /** Set once a successful attempt ended: its span ends with the call, when the answer's model, id and cost are known. */
  endTime?: number;
};

type CallRecord = {
  readonly span: Span;
  readonly context: Context;
  readonly isRecording: boolean;
  readonly isStream: boolean;
  readonly requestModel: string;
  readonly attempts: Map<number, AttemptRecord>;
  fallbacks: number;
  retries: number;
  resets: number;
  /** Backoff waited before the next attempt (the `retry` event comes between two attempts). */
  waitMs: number | undefined;
  /** Attempt number → the hedge delay, for attempts started as hedges. */
  hedges: Map<number, number> | undefined;
  servingAttempt: number | undefined;
  isEnded: boolean;
};

type Handlers = { readonly [T in keyof EventMap]?: (event: EventMap[T]) => void };

/** What the span handlers share with the instrumentation. */
export type CallSpansHost = {
  readonly api: OtelApi;
  readonly tracer: Tracer;
  readonly metrics: TelemetryMetrics | undefined;
  readonly captureContent: boolean;
  readonly providerName: (provider: string) => string;
};

function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name.length > 0 ? name : '_OTHER';
}

function setUsage(span: Span, usage: Usage): void {
  span.setAttribute(sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
  span.setAttribute(sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
  if (usage.cachedInputTokens !== undefined) span.setAttribute(sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cachedInputTokens);
  if (usage.reasoningTokens !== undefined) span.setAttribute(sc.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens);
}

/** Wall-clock milliseconds, as span times take them. */
const wallNow = () => performance.timeOrigin + performance.now();

/**
 * One span per call (`chat {alias}`) and a child span per attempt (`chat {model}`), built from the
 * client's events: a record per call, dropped once the call and all its attempts ended. No handler
 * changes a call: each one is guarded, and a failure in it is dropped.
 */
export class CallSpans {
  private readonly host: CallSpansHost;
  private readonly calls = new Map<string, CallRecord>();
  /** Deployment id → breaker state, from `circuit-state` events (closed until one says otherwise). */
  private readonly breakers = new Map<string, string>();

  constructor(host: CallSpansHost) {
    this.host = host;
  }

  /** The span and context of a running attempt, for the attempt hook. */
  attemptContext(requestId: string, attempt: number): Context | undefined {
    return this.calls.get(requestId)?.attempts.get(attempt)?.context;
  }

  /** Sets attributes on a running call's span (the attempt hook adds the request it sees). */
  callSpan(requestId: string): Span | undefined {
    const call = this.calls.get(requestId);
    return call?.isRecording ? call.span : undefined;
  }

  handlers(): Handlers {
    return {
      'request-start': (event) => this.requestStart(event),
      'request-end': (event) => this.requestEnd(event),
      'attempt-start': (event) => this.attemptStart(event),
      'attempt-end': (event) => this.attemptEnd(event),
      'attempt-error': (event) => this.attemptError(event),
      retry: (event) => this.retry(event),
      fallback: (event) => this.fallback(event),
      hedge: (event) => this.hedge(event),
      'stream-reset': (event) => this.streamReset(event),
      'cache-hit': (event) => this.cacheHit(event),
      route: (event) => this.route(event),
      'circuit-state': (event) => this.breakers.set(event.deploymentId, event.to),
    };
  }

  /** Ends every open span (the instrumentation is being removed). */
  endAll(): void {
    for (const call of this.calls.values()) {
      for (const attempt of call.attempts.values()) attempt.span.end(attempt.endTime);
      if (!call.isEnded) call.span.end();
    }
    this.calls.clear();
  }

  private requestStart(event: EventMap['request-start']): void {
    const { api, tracer } = this.host;
    const parent = api.context.active();
    const attributes: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      [sc.ATTR_GEN_AI_REQUEST_MODEL]: event.model,
      [sc.ATTR_GEN_AI_REQUEST_STREAM]: event.isStream,
      [sc.ATTR_RLLM_REQUEST_ID]: event.requestId,
    };
    const loop = loopOf(api, parent);
    if (loop?.pendingRepair !== undefined) {
      attributes[sc.ATTR_RLLM_TOOL_REPAIR] = loop.pendingRepair;
      loop.pendingRepair = undefined;
    }
    const span = tracer.startSpan(`${sc.GEN_AI_OPERATION_NAME_VALUE_CHAT} ${event.model}`, { kind: api.SpanKind.INTERNAL, attributes }, parent);
    const isRecording = span.isRecording();
    if (this.host.captureContent) {
      const messages = takePrompt(parent);
      if (messages && isRecording) setPrompt(span, messages);
    }
    if (!isRecording && !this.host.metrics) return;
    this.calls.set(event.requestId, {
      span,
      context: api.trace.setSpan(parent, span),
      isRecording,
      isStream: event.isStream,
      requestModel: event.model,
      attempts: new Map(),
      fallbacks: 0,
      retries: 0,
      resets: 0,
      waitMs: undefined,
      hedges: undefined,
      servingAttempt: undefined,
      isEnded: false,
    });
  }

  private attemptStart(event: EventMap['attempt-start']): void {
    const call = this.calls.get(event.requestId);
    if (!call) return;
    const { api, tracer } = this.host;
    const attributes: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      [sc.ATTR_GEN_AI_PROVIDER_NAME]: this.host.providerName(event.provider),
      [sc.ATTR_GEN_AI_REQUEST_MODEL]: event.model,
      [sc.ATTR_GEN_AI_REQUEST_STREAM]: call.isStream,
      [sc.ATTR_RLLM_PROVIDER]: event.provider,
      [sc.ATTR_RLLM_ALIAS]: event.alias,
      [sc.ATTR_RLLM_DEPLOYMENT_ID]: event.deploymentId,
      [sc.ATTR_RLLM_ATTEMPT_NUMBER]: event.attempt,
      [sc.ATTR_RLLM_FALLBACK_HOP]: call.fallbacks,
      [sc.ATTR_RLLM_BREAKER_STATE]: this.breakers.get(event.deploymentId) ?? 'closed',
    };
    const hedgeAfterMs = call.hedges?.get(event.attempt);
    if (hedgeAfterMs !== undefined) {
      attributes[sc.ATTR_RLLM_HEDGE] = true;
      attributes[sc.ATTR_RLLM_HEDGE_AFTER_MS] = hedgeAfterMs;
    }
    if (call.waitMs !== undefined) {
      attributes[sc.ATTR_RLLM_RETRY_WAIT_MS] = call.waitMs;
      call.waitMs = undefined;
    }
    const span = tracer.startSpan(`${sc.GEN_AI_OPERATION_NAME_VALUE_CHAT} ${event.model}`, { kind: api.SpanKind.CLIENT, attributes }, call.context);
    call.attempts.set(event.attempt, { span, context: api.trace.setSpan(call.context, span) });
  }

  private attemptEnd(event: EventMap['attempt-end']): void {
    const call = this.calls.get(event.requestId);
    const attempt = call?.attempts.get(event.attempt);
    const metrics = this.host.metrics;
    const metricAttributes = metrics ? this.attemptMetricAttributes(event) : undefined;
    if (metrics) {
      metrics.attempt({ ...metricAttributes, [sc.ATTR_RLLM_ATTEMPT_OUTCOME]: event.outcome });
      if (event.usage) metrics.usage(event.usage, metricAttributes!);
      if (event.outcome === 'success' && call?.isStream && event.timeToFirstTokenMs !== undefined) {
        metrics.firstChunkAfter(event.timeToFirstTokenMs / 1000, metricAttributes!);
      }
    }
    if (!call || !attempt) return;
    const span = attempt.span;
    span.setAttribute(sc.ATTR_RLLM_ATTEMPT_OUTCOME, event.outcome);
    if (event.timeToFirstTokenMs !== undefined) {
      span.setAttribute(sc.ATTR_RLLM_TIME_TO_FIRST_TOKEN_MS, event.timeToFirstTokenMs);
      if (call.isStream) span.setAttribute(sc.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, event.timeToFirstTokenMs / 1000);
    }
    if (event.usage) setUsage(span, event.usage);
    if (event.outcome === 'success' && !call.isEnded) {
      // Ends with the call: the answer's model, id, finish reason and cost arrive on `request-end`.
      call.servingAttempt = event.attempt;
      attempt.endTime = wallNow();
      return;
    }
    if (event.outcome === 'aborted') span.setAttribute(sc.ATTR_RLLM_ABORT_REASON, errorType(event.reason));
    this.endAttempt(call, event.attempt, attempt);
  }

  private attemptError(event: EventMap['attempt-error']): void {
    const call = this.calls.get(event.requestId);
    const attempt = call?.attempts.get(event.attempt);
    const { error, attemptRecord } = event;
    const metrics = this.host.metrics;
    if (metrics) {
      const metricAttributes = this.attemptMetricAttributes(event);
      metrics.attempt({ ...metricAttributes, [sc.ATTR_RLLM_ATTEMPT_OUTCOME]: 'error', [sc.ATTR_ERROR_TYPE]: error.code });
      if (attemptRecord.usage) metrics.usage(attemptRecord.usage, metricAttributes);
    }
    if (!call || !attempt) return;
    const span = attempt.span;
    span.setAttribute(sc.ATTR_RLLM_ATTEMPT_OUTCOME, 'error');
    span.setAttribute(sc.ATTR_ERROR_TYPE, error.code);
    if (error.status !== undefined) span.setAttribute(sc.ATTR_HTTP_RESPONSE_STATUS_CODE, error.status);
    if (error.retryAfterMs !== undefined) span.setAttribute(sc.ATTR_RLLM_RETRY_AFTER_MS, error.retryAfterMs);
    if (attemptRecord.timeToFirstTokenMs !== undefined) span.setAttribute(sc.ATTR_RLLM_TIME_TO_FIRST_TOKEN_MS, attemptRecord.timeToFirstTokenMs);
    if (attemptRecord.usage) setUsage(span, attemptRecord.usage);
    if (attemptRecord.cost !== undefined) span.setAttribute(sc.ATTR_RLLM_COST_USD, attemptRecord.cost);
    span.setStatus({ code: this.host.api.SpanStatusCode.ERROR, message: error.message });
    this.endAttempt(call, event.attempt, attempt);
  }

  private attemptMetricAttributes(event: EventMap['attempt-start']): Attributes {
    return {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      [sc.ATTR_GEN_AI_PROVIDER_NAME]: this.host.providerName(event.provider),
      [sc.ATTR_GEN_AI_REQUEST_MODEL]: event.model,
      [sc.ATTR_RLLM_ALIAS]: event.alias,
    };
  }

  private endAttempt(call: CallRecord, number: number, attempt: AttemptRecord): void {
    attempt.span.end(attempt.endTime);
    call.attempts.delete(number);
    if (call.isEnded && call.attempts.size === 0) this.dropCall(call);
  }

  private dropCall(call: CallRecord): void {
    for (const [key, value] of this.calls) {
      if (value === call) {
        this.calls.delete(key);
        return;
      }
    }
  }

  private retry(event: EventMap['retry']): void {
    const call = this.calls.get(event.requestId);
    if (!call) return;
    call.retries++;
    call.waitMs = event.delayMs;
    if (!call.isRecording) return;
    const attributes: Attributes = {
      [sc.ATTR_RLLM_ATTEMPT_NUMBER]: event.attempt,
      [sc.ATTR_RLLM_DEPLOYMENT_ID]: event.deploymentId,
      [sc.ATTR_RLLM_RETRY_WAIT_MS]: event.delayMs,
      [sc.ATTR_ERROR_TYPE]: event.error.code,
    };
    if (event.error.retryAfterMs !== undefined) attributes[sc.ATTR_RLLM_RETRY_AFTER_MS] = event.error.retryAfterMs;
    call.span.addEvent(sc.EVENT_RLLM_RETRY, attributes);
  }

  private fallback(event: EventMap['fallback']): void {
    const call = this.calls.get(event.requestId);
    if (!call) return;
    call.fallbacks++;
    if (!call.isRecording) return;
    call.span.addEvent(sc.EVENT_RLLM_FALLBACK, {
      [sc.ATTR_RLLM_FALLBACK_FROM]: event.from,
      [sc.ATTR_RLLM_FALLBACK_TO]: event.to,
      [sc.ATTR_RLLM_FALLBACK_HOP]: call.fallbacks,
      [sc.ATTR_ERROR_TYPE]: event.error.code,
    });
  }

  private hedge(event: EventMap['hedge']): void {
    const call = this.calls.get(event.requestId);
    if (!call) return;
    (call.hedges ??= new Map()).set(event.attempt, event.afterMs);
    if (!call.isRecording) return;
    call.span.addEvent(sc.EVENT_RLLM_HEDGE, {
      [sc.ATTR_RLLM_ATTEMPT_NUMBER]: event.attempt,
      [sc.ATTR_RLLM_DEPLOYMENT_ID]: event.deploymentId,
      [sc.ATTR_RLLM_HEDGE_AFTER_MS]: event.afterMs,
    });
  }

  private streamReset(event: EventMap['stream-reset']): void {
    const call = this.calls.get(event.requestId);
    if (!call) return;
    call.resets++;
    if (!call.isRecording) return;
    const attributes: Attributes = { [sc.ATTR_RLLM_RESET_REASON]: event.reason };
    if (event.errorCode !== undefined) attributes[sc.ATTR_ERROR_TYPE] = event.errorCode;
    call.span.addEvent(sc.EVENT_RLLM_STREAM_RESET, attributes);
  }

  private cacheHit(event: EventMap['cache-hit']): void {
    const call = this.calls.get(event.requestId);
    if (!call?.isRecording) return;
    call.span.setAttributes({
      [sc.ATTR_RLLM_CACHE_TIER]: event.tier,
      [sc.ATTR_RLLM_CACHE_SIMILARITY]: event.similarity,
      [sc.ATTR_RLLM_CACHE_SHADOW]: event.isShadow,
    });
  }

  private route(event: EventMap['route']): void {
    const call = this.calls.get(event.requestId);
    if (!call?.isRecording) return;
    call.span.setAttributes({ [sc.ATTR_RLLM_ROUTE_TIER]: event.tier, [sc.ATTR_RLLM_ALIAS]: event.alias });
  }

  private requestEnd(event: EventMap['request-end']): void {
    const call = this.calls.get(event.requestId);
    if (!call) return;
    call.isEnded = true;
    const { response, error } = event;
    const span = call.span;
    const provider = response && !response.cached ? this.host.providerName(response.provider) : undefined;
    if (this.host.metrics) {
      const attributes: Attributes = {
        [sc.ATTR_GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATION_NAME_VALUE_CHAT,
        [sc.ATTR_GEN_AI_REQUEST_MODEL]: call.requestModel,
      };
      if (provider !== undefined) attributes[sc.ATTR_GEN_AI_PROVIDER_NAME] = provider;
      if (response) attributes[sc.ATTR_GEN_AI_RESPONSE_MODEL] = response.model;
      if (response?.cached) attributes[sc.ATTR_RLLM_CACHE_HIT] = true;
      if (error) attributes[sc.ATTR_ERROR_TYPE] = errorType(error);
      this.host.metrics.operation(event.durationMs / 1000, attributes);
    }
    if (call.isRecording) {
      span.setAttributes({
        [sc.ATTR_RLLM_FALLBACK_COUNT]: call.fallbacks,
        [sc.ATTR_RLLM_RETRY_COUNT]: call.retries,
        [sc.ATTR_RLLM_RESET_COUNT]: call.resets,
      });
      if (response) this.answered(call, response, provider);
      if (error) {
        span.setAttribute(sc.ATTR_ERROR_TYPE, errorType(error));
        span.setStatus({ code: this.host.api.SpanStatusCode.ERROR, message: error.message });
      }
    }
    const serving = call.servingAttempt !== undefined ? call.attempts.get(call.servingAttempt) : undefined;
    if (serving) this.endAttempt(call, call.servingAttempt!, serving);
    span.end();
    if (call.attempts.size === 0) this.calls.delete(event.requestId);
  }

  /** The answer's attributes, on the call span and on the attempt that served it. */
  private answered(call: CallRecord, response: ChatResponse, provider: string | undefined): void {
    const span = call.span;
    const attributes: Attributes = {
      [sc.ATTR_GEN_AI_RESPONSE_MODEL]: response.model,
      [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [semconvFinishReason(response.finishReason)],
      [sc.ATTR_RLLM_ALIAS]: response.alias,
      [sc.ATTR_RLLM_ATTEMPT_COUNT]: response.attempts.length,
    };
    if (response.responseId !== undefined) attributes[sc.ATTR_GEN_AI_RESPONSE_ID] = response.responseId;
    if (provider !== undefined) {
      attributes[sc.ATTR_GEN_AI_PROVIDER_NAME] = provider;
      attributes[sc.ATTR_RLLM_PROVIDER] = response.provider;
    }
    if (response.cost !== undefined) attributes[sc.ATTR_RLLM_COST_USD] = response.cost;
    const cached = response.cached;
    attributes[sc.ATTR_RLLM_CACHE_HIT] = cached !== undefined;
    if (cached) {
      attributes[sc.ATTR_RLLM_CACHE_TIER] = cached.tier;
      attributes[sc.ATTR_RLLM_CACHE_SIMILARITY] = cached.similarity;
      attributes[sc.ATTR_RLLM_CACHE_AGE_MS] = cached.ageMs;
    } else {
      setUsage(span, response.usage);
    }
    let served: (typeof response.attempts)[number] | undefined;
    for (const attempt of response.attempts) if (attempt.outcome === 'success') served = attempt;
    if (served) {
      attributes[sc.ATTR_RLLM_DEPLOYMENT_ID] = served.deploymentId;
      if (served.timeToFirstTokenMs !== undefined) attributes[sc.ATTR_RLLM_TIME_TO_FIRST_TOKEN_MS] = served.timeToFirstTokenMs;
    }
    span.setAttributes(attributes);
    if (this.host.captureContent) span.setAttribute(sc.ATTR_GEN_AI_OUTPUT_MESSAGES, outputMessages(response));
    const serving = call.servingAttempt !== undefined ? call.attempts.get(call.servingAttempt) : undefined;
    if (serving) {
      serving.span.setAttributes({
        [sc.ATTR_GEN_AI_RESPONSE_MODEL]: response.model,
        [sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [semconvFinishReason(response.finishReason)],
      });
      if (response.responseId !== undefined) serving.span.setAttribute(sc.ATTR_GEN_AI_RESPONSE_ID, response.responseId);
      if (served?.cost !== undefined) serving.span.setAttribute(sc.ATTR_RLLM_COST_USD, served.cost);
    }
  }
}
