import type { Context } from '@opentelemetry/api';
import type { AttemptHook } from '../client/attempt-hook.js';
import type { OtelApi } from './otel-api.js';

/** What the hook asks of an instrumentation: the context of a running attempt's span. */
export type AttemptContexts = {
  readonly api: OtelApi;
  attemptContext(requestId: string, attempt: number): Context | undefined;
};

/** The live instrumentations (usually one); `instrumentTelemetry()` adds one, its disposer removes it. */
const live = new Set<AttemptContexts>();

export function registerAttemptContexts(contexts: AttemptContexts): () => void {
  live.add(contexts);
  return () => {
    live.delete(contexts);
  };
}

/**
 * An attempt hook that runs each attempt inside its span's context, so OpenTelemetry's HTTP
 * instrumentations (undici, http) parent their spans under the attempt span, and anything the
 * adapter does sees it as the active span. Give it to the client, then instrument the client:
 * `new ResilientLLM({ …, attemptHooks: [telemetryAttemptHook] })`. Without `instrumentTelemetry()`
 * (or with no SDK recording) it only calls `next()`.
 */
export const telemetryAttemptHook: AttemptHook = (context, next) => {
  if (live.size > 0) {
    for (const contexts of live) {
      const found = contexts.attemptContext(context.requestId, context.attempt);
      if (found) return contexts.api.context.with(found, next);
    }
  }
  return next();
};
