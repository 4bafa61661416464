import type { EventMap, EventType } from '../events/events.js';
import { registerAttemptContexts } from './attempt-context-hook.js';
import { CallSpans } from './call-spans.js';
import { loadOtelApi, type OtelApi } from './otel-api.js';
import { genAiProviderName } from './provider-name.js';
import { TelemetryMetrics } from './telemetry-metrics.js';
import { validateTelemetryOptions, type TelemetryOptions } from './telemetry-options.js';
import { noteRepair, wrapToolLoops } from './tool-loop-spans.js';

/** What `instrumentTelemetry()` needs of a client: its events, and the methods a tool loop starts from. */
export type InstrumentableClient = {
  on<T extends EventType>(type: T, listener: (event: EventMap[T]) => void): () => void;
  chat(...args: never[]): unknown;
  stream(...args: never[]): unknown;
  runTools(...args: never[]): unknown;
};

const SCOPE_NAME = 'llm-resilience';

/**
 * Traces and measures every call of `llm` with OpenTelemetry, following the GenAI semantic
 * conventions: a span per call with a child span per attempt, the resilience story as
 * `llm_resilience.*` attributes and span events, and the GenAI client metrics. Loads
 * `@opentelemetry/api` (an optional peer dependency) on first use. Prompts and answers are
 * recorded only with `captureContent: true`. Resolves to the function that removes it all.
 *
 * Build the client with `attemptHooks: [telemetryAttemptHook]` for each attempt to run inside its
 * span's context (HTTP instrumentations then nest their spans under it).
 */
export async function instrumentTelemetry(llm: InstrumentableClient, options: TelemetryOptions = {}): Promise<() => void> {
  validateTelemetryOptions(options);
  const api = await loadOtelApi();
  return instrumentWith(api, llm, options);
}

/** `instrumentTelemetry()` with the API module already loaded. */
export function instrumentWith(api: OtelApi, llm: InstrumentableClient, options: TelemetryOptions = {}): () => void {
  validateTelemetryOptions(options);
  const tracer = options.tracer ?? api.trace.getTracer(SCOPE_NAME);
  const meter = options.meter ?? api.metrics.getMeter(SCOPE_NAME);
  // With no meter provider registered, the API hands out a no-op meter: skip measuring entirely.
  const isNoopMeter = meter.constructor === api.createNoopMeter().constructor;
  const metrics = isNoopMeter ? undefined : new TelemetryMetrics(meter);
  const mapName = options.providerName;
  const providerName = mapName
    ? (provider: string) => {
        const name = mapName(provider);
        return typeof name === 'string' && name.length > 0 ? name : genAiProviderName(provider);
      }
    : genAiProviderName;
  const captureContent = options.captureContent === true;
  const spans = new CallSpans({ api, tracer, metrics, captureContent, providerName });

  const unsubscribes: (() => void)[] = [];
  const handlers = spans.handlers() as Record<string, ((event: never) => void) | undefined>;
  for (const [type, handler] of Object.entries(handlers)) {
    if (handler) unsubscribes.push(llm.on(type as EventType, guard(api, handler) as (event: unknown) => void));
  }
  unsubscribes.push(llm.on('tool-repair', guard(api, (event: EventMap['tool-repair']) => noteRepair(api, api.context.active(), event, captureContent))));
  unsubscribes.push(wrapToolLoops(api, tracer, llm, captureContent));
  unsubscribes.push(registerAttemptContexts({ api, attemptContext: (requestId, attempt) => spans.attemptContext(requestId, attempt) }));

  let isDisposed = false;
  return () => {
    if (isDisposed) return;
    isDisposed = true;
    for (const unsubscribe of unsubscribes) unsubscribe();
    spans.endAll();
  };
}

/** Telemetry never changes a call: a handler that throws is reported to OpenTelemetry's diag logger and dropped. */
function guard<E>(api: OtelApi, handler: (event: E) => void): (event: E) => void {
  return (event) => {
    try {
      handler(event);
    } catch (error) {
      api.diag.warn('llm-resilience telemetry: a handler failed', error);
    }
  };
}
