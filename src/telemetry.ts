// `llm-resilience/telemetry`: OpenTelemetry traces and metrics (GenAI semantic conventions).
// `@opentelemetry/api` is an optional peer dependency: only types are imported here; it loads on first use.

export { instrumentTelemetry, instrumentWith, type InstrumentableClient } from './telemetry/instrument-telemetry.js';
export { telemetryAttemptHook } from './telemetry/attempt-context-hook.js';
export type { TelemetryOptions } from './telemetry/telemetry-options.js';
export * as telemetryAttributes from './telemetry/semconv.js';
