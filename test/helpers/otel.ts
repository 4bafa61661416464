import { AsyncLocalStorage } from 'node:async_hooks';
import * as api from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { onTestFinished } from 'vitest';

/**
 * A tiny context manager on AsyncLocalStorage (what `@opentelemetry/context-async-hooks` does),
 * so the active context follows awaits as it does under the Node SDK.
 */
class AsyncLocalContextManager implements api.ContextManager {
  private readonly storage = new AsyncLocalStorage<api.Context>();
  active(): api.Context {
    return this.storage.getStore() ?? api.ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: api.Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(context, () => fn.call(thisArg, ...args));
  }
  bind<T>(context: api.Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (...args: unknown[]) => this.with(context, () => (target as (...inner: unknown[]) => unknown)(...args));
    return run as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export type TestTelemetry = Awaited<ReturnType<typeof otelForTest>>;

/** A tracer on an in-memory exporter, a meter on a reader collected on demand, and an AsyncLocalStorage context manager; all undone when the test ends. */
export function otelForTest() {
  const contextManager = new AsyncLocalContextManager();
  api.context.setGlobalContextManager(contextManager);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  onTestFinished(async () => {
    api.context.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
  const spans = () => exporter.getFinishedSpans();
  return {
    api,
    tracer: tracerProvider.getTracer('test'),
    meter: meterProvider.getMeter('test'),
    spans,
    /** The finished spans named `name` (or all), oldest first. */
    named: (prefix: string) => spans().filter((span) => span.name.startsWith(prefix)),
    childrenOf: (parent: ReadableSpan) => spans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId),
    /** Every data point of metric `name`, with its attributes. */
    async points(name: string): Promise<DataPoint<number | Histogram>[]> {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((item) => item.descriptor.name === name);
      return (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[];
    },
  };
}
