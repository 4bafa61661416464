import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { Usage } from '../client/types.js';
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_RLLM_CLIENT_ATTEMPTS,
} from './semconv.js';

// Bucket boundaries the GenAI conventions advise for these histograms.
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** The four instruments: operation duration, token usage, time to first chunk, attempts by outcome. */
export class TelemetryMetrics {
  private readonly duration: Histogram;
  private readonly tokens: Histogram;
  private readonly firstChunk: Histogram;
  private readonly attempts: Counter;

  constructor(meter: Meter) {
    this.duration = meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'Duration of a GenAI call (all its attempts, from the caller’s view)',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.tokens = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Input and output tokens used, per attempt that reported usage',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.firstChunk = meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
      description: 'Time from sending a streaming attempt to its first content chunk',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.attempts = meter.createCounter(METRIC_RLLM_CLIENT_ATTEMPTS, {
      description: 'Attempts made against deployments, by outcome (success, error, aborted)',
      unit: '{attempt}',
    });
  }

  operation(seconds: number, attributes: Attributes): void {
    this.duration.record(seconds, attributes);
  }

  firstChunkAfter(seconds: number, attributes: Attributes): void {
    this.firstChunk.record(seconds, attributes);
  }

  attempt(attributes: Attributes): void {
    this.attempts.add(1, attributes);
  }

  usage(usage: Usage, attributes: Attributes): void {
    this.tokens.record(usage.inputTokens, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT });
    this.tokens.record(usage.outputTokens, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT });
  }
}
