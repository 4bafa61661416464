import type { Meter, Tracer } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors/errors.js';

/** Options of `instrumentTelemetry()`. */
export type TelemetryOptions = {
  /** The tracer spans are made with. @default trace.getTracer('llm-resilience') of the global provider */
  readonly tracer?: Tracer;
  /** The meter metrics are recorded with. @default metrics.getMeter('llm-resilience') of the global provider */
  readonly meter?: Meter;
  /**
   * Record prompts and answers (`gen_ai.input.messages`, `gen_ai.output.messages`,
   * `gen_ai.system_instructions`) and tool-repair issues. They may hold personal data. @default false
   */
  readonly captureContent?: boolean;
  /**
   * `gen_ai.provider.name` for a configured provider key. By default a key or adapter kind that
   * starts with a well-known name maps to its conventional value (`gemini` → `gcp.gemini`), any
   * other key is used as it is.
   */
  readonly providerName?: (provider: string) => string;
};

export function validateTelemetryOptions(options: TelemetryOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'Expected telemetry options to be an object.');
  const { tracer, meter, captureContent, providerName } = options;
  if (tracer !== undefined && typeof (tracer as { startSpan?: unknown }).startSpan !== 'function') {
    throw new InvalidArgumentError('tracer', 'Expected `tracer` to be an OpenTelemetry Tracer (with startSpan).');
  }
  if (meter !== undefined && typeof (meter as { createHistogram?: unknown }).createHistogram !== 'function') {
    throw new InvalidArgumentError('meter', 'Expected `meter` to be an OpenTelemetry Meter (with createHistogram).');
  }
  if (captureContent !== undefined && typeof captureContent !== 'boolean') {
    throw new InvalidArgumentError('captureContent', `Expected \`captureContent\` to be a boolean, got ${JSON.stringify(captureContent)}.`);
  }
  if (providerName !== undefined && typeof providerName !== 'function') {
    throw new InvalidArgumentError('providerName', 'Expected `providerName` to be a function.');
  }
}
