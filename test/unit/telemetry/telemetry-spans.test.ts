import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { SemanticCache } from '../../../src/cache/semantic-cache.js';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { ClientOptions } from '../../../src/client/client-options.js';
import { instrumentTelemetry } from '../../../src/telemetry.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';
import { tool } from '../../../src/tools/tool.js';
import { otelForTest, type TestTelemetry } from '../../helpers/otel.js';

const ask = (content: string) => [{ role: 'user' as const, content }];

async function instrumented(options: ClientOptions, telemetry: { captureContent?: boolean } = {}) {
  const otel = otelForTest();
  const llm = new ResilientLLM(options);
  const dispose = await instrumentTelemetry(llm, { tracer: otel.tracer, meter: otel.meter, ...telemetry });
  onTestFinished(async () => {
    dispose();
    await llm.close();
  });
  return { otel, llm, dispose };
}

/** Runs `fn` inside an application span, as an app's request handler would. */
function inAppSpan<T>(otel: TestTelemetry, fn: () => Promise<T>): Promise<T> {
  return otel.tracer.startActiveSpan('app', async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

const attr = (span: ReadableSpan, name: string) => span.attributes[name];
const byAttempt = (spans: ReadableSpan[]) => [...spans].sort((a, b) => Number(attr(a, 'llm_resilience.attempt.number')) - Number(attr(b, 'llm_resilience.attempt.number')));

describe('instrumentTelemetry: span trees', () => {
  it('a failover: one call span under the caller, a failed attempt then the fallback’s, with the resilience story', async () => {
    const { otel, llm } = await instrumented({
      providers: { openai: mockProvider([{ error: { status: 500, message: 'boom' } }]), anthropic: mockProvider([{ text: 'from the backup', model: 'claude-x-2025', usage: { inputTokens: 7, outputTokens: 3, totalTokens: 10, cachedInputTokens: 2 } }]) },
      models: { main: { provider: 'openai', model: 'gpt-x' }, backup: { provider: 'anthropic', model: 'claude-x' } },
      fallback: { chain: ['main', 'backup'] },
      retry: { maxRetries: 0 },
    });
    const response = await inAppSpan(otel, () => llm.chat({ model: 'main', messages: ask('hi') }));
    expect(response.text).toBe('from the backup');

    const [app] = otel.named('app');
    const [call] = otel.named('chat main');
    expect(call!.parentSpanContext?.spanId).toBe(app!.spanContext().spanId);
    expect(call!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'main',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': 'claude-x-2025',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.cache_read.input_tokens': 2,
      'llm_resilience.alias': 'backup',
      'llm_resilience.attempt.count': 2,
      'llm_resilience.fallback.count': 1,
      'llm_resilience.retry.count': 0,
      'llm_resilience.cache.hit': false,
      'llm_resilience.deployment.id': 'backup/anthropic/claude-x',
    });
    expect(call!.events.map((event) => [event.name, event.attributes])).toEqual([
      ['llm_resilience.fallback', { 'llm_resilience.fallback.from': 'main', 'llm_resilience.fallback.to': 'backup', 'llm_resilience.fallback.hop': 1, 'error.type': 'RLLM_SERVER_ERROR' }],
    ]);
    const [failed, served] = byAttempt(otel.childrenOf(call!));
    expect(otel.childrenOf(call!)).toHaveLength(2);
    expect(failed!.name).toBe('chat gpt-x');
    expect(failed!.kind).toBe(otel.api.SpanKind.CLIENT);
    expect(failed!.status.code).toBe(otel.api.SpanStatusCode.ERROR);
    expect(failed!.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-x',
      'error.type': 'RLLM_SERVER_ERROR',
      'http.response.status_code': 500,
      'llm_resilience.attempt.number': 1,
      'llm_resilience.attempt.outcome': 'error',
      'llm_resilience.fallback.hop': 0,
      'llm_resilience.breaker.state': 'closed',
      'llm_resilience.deployment.id': 'main/openai/gpt-x',
    });
    expect(served!.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-x',
      'gen_ai.response.model': 'claude-x-2025',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 7,
      'llm_resilience.attempt.number': 2,
      'llm_resilience.attempt.outcome': 'success',
      'llm_resilience.fallback.hop': 1,
    });
    expect(served!.status.code).toBe(otel.api.SpanStatusCode.UNSET);
    // The attempt spans sit inside the call span's time.
    for (const attempt of [failed!, served!]) {
      expect(attempt.startTime[0] * 1e9 + attempt.startTime[1]).toBeGreaterThanOrEqual(call!.startTime[0] * 1e9 + call!.startTime[1]);
    }

    const attempts = await otel.points('llm_resilience.client.attempts');
    expect(attempts.map((point) => [point.attributes['llm_resilience.attempt.outcome'], point.attributes['gen_ai.provider.name'], point.value]).sort()).toEqual([
      ['error', 'openai', 1],
      ['success', 'anthropic', 1],
    ]);
    const [duration] = await otel.points('gen_ai.client.operation.duration');
    expect(duration!.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'main', 'gen_ai.provider.name': 'anthropic', 'gen_ai.response.model': 'claude-x-2025' });
    expect((duration!.value as { count: number }).count).toBe(1);
    const tokens = await otel.points('gen_ai.client.token.usage');
    expect(tokens.map((point) => [point.attributes['gen_ai.token.type'], (point.value as { sum: number }).sum]).sort()).toEqual([
      ['input', 7],
      ['output', 3],
    ]);
  });

  it('a retry: the 429’s Retry-After on the failed attempt, the wait on the next one', async () => {
    const { otel, llm } = await instrumented({
      providers: { openai: mockProvider([{ error: { status: 429, message: 'slow down', retryAfterMs: 5 } }, { text: 'ok' }]) },
      models: { main: { provider: 'openai', model: 'gpt-x' } },
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
    });
    await llm.chat({ model: 'main', messages: ask('hi') });
    const [call] = otel.named('chat main');
    const [first, second] = byAttempt(otel.childrenOf(call!));
    expect(first!.attributes).toMatchObject({ 'error.type': 'RLLM_RATE_LIMITED', 'http.response.status_code': 429, 'llm_resilience.retry_after_ms': 5 });
    expect(second!.attributes['llm_resilience.retry.wait_ms']).toBeGreaterThanOrEqual(5);
    expect(first!.attributes['llm_resilience.retry.wait_ms']).toBeUndefined();
    expect(call!.attributes['llm_resilience.retry.count']).toBe(1);
    expect(call!.events.map((event) => event.name)).toEqual(['llm_resilience.retry']);
    expect(call!.events[0]!.attributes).toMatchObject({ 'llm_resilience.attempt.number': 1, 'llm_resilience.retry_after_ms': 5, 'error.type': 'RLLM_RATE_LIMITED' });
  });

  it('a hedge: the slow attempt aborted, the hedged one marked and serving, time to first chunk measured', async () => {
    const { otel, llm } = await instrumented({
      providers: { slow: mockProvider({ respond: () => ({ firstTokenDelayMs: 400, text: 'late' }) }), fast: mockProvider([{ text: 'quick answer' }]) },
      models: { main: { deployments: [{ provider: 'slow', model: 'm-slow' }, { provider: 'fast', model: 'm-fast' }], strategy: 'round-robin' } } as ClientOptions['models'],
      hedge: { afterMs: 20 },
    });
    const parts: string[] = [];
    for await (const part of llm.stream({ model: 'main', messages: ask('hi') })) if (part.type === 'text-delta') parts.push(part.text);
    expect(parts.join('')).toBe('quick answer');
    await new Promise((resolve) => setTimeout(resolve, 20));

    const [call] = otel.named('chat main');
    expect(call!.attributes).toMatchObject({ 'gen_ai.request.stream': true, 'llm_resilience.attempt.count': 2, 'gen_ai.response.model': 'm-fast' });
    expect(call!.events.map((event) => [event.name, event.attributes?.["llm_resilience.hedge.after_ms"]])).toEqual([['llm_resilience.hedge', 20]]);
    const [slow, fast] = byAttempt(otel.childrenOf(call!));
    expect(slow!.attributes).toMatchObject({ 'gen_ai.request.model': 'm-slow', 'llm_resilience.attempt.outcome': 'aborted' });
    expect(slow!.attributes['llm_resilience.hedge']).toBeUndefined();
    expect(slow!.status.code).toBe(otel.api.SpanStatusCode.UNSET);
    expect(fast!.attributes).toMatchObject({ 'gen_ai.request.model': 'm-fast', 'llm_resilience.hedge': true, 'llm_resilience.hedge.after_ms': 20, 'llm_resilience.attempt.outcome': 'success' });
    expect(typeof fast!.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    expect(typeof fast!.attributes['llm_resilience.time_to_first_token_ms']).toBe('number');
    const firstChunk = await otel.points('gen_ai.client.operation.time_to_first_chunk');
    expect(firstChunk.map((point) => [point.attributes['gen_ai.request.model'], (point.value as { count: number }).count])).toEqual([['m-fast', 1]]);
    const outcomes = await otel.points('llm_resilience.client.attempts');
    expect(outcomes.map((point) => point.attributes['llm_resilience.attempt.outcome']).sort()).toEqual(['aborted', 'success']);
  });

  it('a stream cut mid-answer: the restart on the backup counted and marked on the call span', async () => {
    const { otel, llm } = await instrumented({
      providers: { openai: mockProvider([{ text: 'half an', error: { status: 500, message: 'cut' } }]), anthropic: mockProvider([{ text: 'whole answer' }]) },
      models: { main: { provider: 'openai', model: 'gpt-x' }, backup: { provider: 'anthropic', model: 'claude-x' } },
      fallback: { chain: ['main', 'backup'] },
      retry: { maxRetries: 0 },
    });
    const kinds: string[] = [];
    for await (const part of llm.stream({ model: 'main', messages: ask('hi') })) kinds.push(part.type);
    expect(kinds).toContain('reset');
    const [call] = otel.named('chat main');
    expect(call!.attributes).toMatchObject({ 'llm_resilience.stream.reset_count': 1, 'llm_resilience.fallback.count': 1, 'llm_resilience.alias': 'backup' });
    expect(call!.events.map((event) => event.name)).toEqual(expect.arrayContaining(['llm_resilience.stream_reset', 'llm_resilience.fallback']));
    const [cut] = byAttempt(otel.childrenOf(call!));
    expect(typeof cut!.attributes['llm_resilience.time_to_first_token_ms']).toBe('number');
  });

  it('a cache hit: a call span with the tier and similarity, and no attempt', async () => {
    const provider = mockProvider([{ text: 'Rotate it in the dashboard.' }]);
    const { otel, llm } = await instrumented({ providers: { openai: provider }, models: { main: { provider: 'openai', model: 'gpt-x' } }, cache: new SemanticCache() });
    await llm.chat({ model: 'main', messages: ask('How do I rotate an API key?') });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await llm.chat({ model: 'main', messages: ask('How do I rotate an API key?') });

    const [missed, hit] = otel.named('chat main');
    expect(missed!.attributes['llm_resilience.cache.hit']).toBe(false);
    expect(otel.childrenOf(missed!)).toHaveLength(1);
    expect(hit!.attributes).toMatchObject({ 'llm_resilience.cache.hit': true, 'llm_resilience.cache.tier': 'exact', 'llm_resilience.cache.similarity': 1, 'llm_resilience.attempt.count': 0 });
    expect(typeof hit!.attributes['llm_resilience.cache.age_ms']).toBe('number');
    expect(hit!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(otel.childrenOf(hit!)).toEqual([]);
    expect(provider.calls).toHaveLength(1);
  });

  it('a tool repair: a tool-loop span over the first call and its repair, each with its attempt', async () => {
    const weather = tool({ name: 'get_weather', parameters: z.object({ city: z.string() }) });
    const { otel, llm } = await instrumented({
      providers: { openai: mockProvider([{ toolCalls: [{ name: 'get_weather', args: { city: 42 } }] }, { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] }]) },
      models: { main: { provider: 'openai', model: 'gpt-x' } },
    });
    const response = await llm.chat({ model: 'main', messages: ask('Weather in Paris?'), tools: [weather] });
    expect(response.toolCalls[0]!.args).toEqual({ city: 'Paris' });

    const [loop] = otel.named('llm_resilience.tool_loop main');
    expect(loop!.attributes['llm_resilience.tool_repair.count']).toBe(1);
    expect(loop!.events.map((event) => [event.name, event.attributes])).toEqual([
      ['llm_resilience.tool_repair', { 'llm_resilience.tool_repair': 1, 'llm_resilience.tool_repair.tool_name': 'get_weather' }],
    ]);
    const calls = otel.childrenOf(loop!);
    expect(calls.map((span) => [span.name, span.attributes['llm_resilience.tool_repair'], span.attributes['gen_ai.response.finish_reasons']])).toEqual([
      ['chat main', undefined, ['tool_call']],
      ['chat main', 1, ['tool_call']],
    ]);
    for (const call of calls) expect(otel.childrenOf(call).map((span) => span.name)).toEqual(['chat gpt-x']);
    expect(JSON.stringify(otel.spans().map((span) => [span.attributes, span.events]))).not.toContain('Weather in Paris');
  });

  it('a failed call: error status and type on the call span and the duration metric', async () => {
    const { otel, llm } = await instrumented({
      providers: { openai: mockProvider([{ error: { status: 401, message: 'bad key' } }]) },
      models: { main: { provider: 'openai', model: 'gpt-x' } },
    });
    await expect(llm.chat({ model: 'main', messages: ask('hi') })).rejects.toThrow();
    const [call] = otel.named('chat main');
    expect(call!.status.code).toBe(otel.api.SpanStatusCode.ERROR);
    expect(call!.attributes['error.type']).toBe('RLLM_AUTHENTICATION');
    const [duration] = await otel.points('gen_ai.client.operation.duration');
    expect(duration!.attributes['error.type']).toBe('RLLM_AUTHENTICATION');
  });
});

describe('instrumentTelemetry: breaker state and cost', () => {
  it('marks an attempt with its deployment’s breaker state, and attempts and calls with their cost', async () => {
    const { otel, llm } = await instrumented({
      providers: { openai: mockProvider([{ error: { status: 500, message: 'boom' } }, { text: 'recovered' }]), anthropic: mockProvider({ respond: () => ({ text: 'ok', usage: { inputTokens: 1000, outputTokens: 1000, totalTokens: 2000 } }) }) },
      models: {
        main: { provider: 'openai', model: 'gpt-x' },
        backup: { provider: 'anthropic', model: 'claude-x' },
      },
      breaker: { consecutiveFailures: 1, openMs: 30 },
      fallback: { chain: ['main', 'backup'] },
      retry: { maxRetries: 0 },
      prices: { 'claude-x': { inputPerMillion: 1, outputPerMillion: 2 } },
    });
    await llm.chat({ model: 'main', messages: ask('first') });
    expect(llm.health().find((item) => item.id === 'main/openai/gpt-x')?.circuit).toMatchObject({ state: 'open' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await llm.chat({ model: 'main', messages: ask('second') })).text).toBe('recovered');
    const [first, second] = otel.named('chat main');
    const [probe] = otel.childrenOf(second!);
    expect(probe!.attributes['llm_resilience.breaker.state']).toBe('half-open');
    const [failed, served] = byAttempt(otel.childrenOf(first!));
    expect(failed!.attributes['llm_resilience.breaker.state']).toBe('closed');
    expect(served!.attributes['llm_resilience.cost.usd']).toBeCloseTo(0.003, 9);
    expect(first!.attributes['llm_resilience.cost.usd']).toBeCloseTo(0.003, 9);
  });
});

describe('instrumentTelemetry: content', () => {
  const options = (): ClientOptions => ({
    providers: { openai: mockProvider({ respond: () => ({ text: 'The secret is 42.' }) }) },
    models: { main: { provider: 'openai', model: 'gpt-x' } },
  });
  const messages = [
    { role: 'system' as const, content: 'Be terse.' },
    { role: 'user' as const, content: 'What is the secret?' },
  ];

  it('records no prompt or answer by default', async () => {
    const { otel, llm } = await instrumented(options());
    await llm.chat({ model: 'main', messages });
    const everything = JSON.stringify(otel.spans().map((span) => [span.attributes, span.events]));
    expect(everything).not.toContain('secret');
    expect(everything).not.toContain('Be terse');
    expect(otel.spans().length).toBe(2);
  });

  it('records the prompt and the answer with captureContent: true, for chat() and stream()', async () => {
    const { otel, llm } = await instrumented(options(), { captureContent: true });
    await llm.chat({ model: 'main', messages });
    for await (const part of llm.stream({ model: 'main', messages: [{ role: 'user', content: 'Streamed question?' }] })) void part;
    const [call, streamed] = otel.named('chat main');
    expect(JSON.parse(String(call!.attributes['gen_ai.system_instructions']))).toEqual([{ type: 'text', content: 'Be terse.' }]);
    expect(JSON.parse(String(call!.attributes['gen_ai.input.messages']))).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'What is the secret?' }] }]);
    expect(JSON.parse(String(streamed!.attributes['gen_ai.input.messages']))).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Streamed question?' }] }]);
    expect(streamed!.attributes['gen_ai.system_instructions']).toBeUndefined();
    expect(JSON.parse(String(call!.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'The secret is 42.' }], finish_reason: 'stop' },
    ]);
  });
});

describe('instrumentTelemetry: lifecycle', () => {
  it('the disposer unsubscribes and puts the client’s methods back', async () => {
    const { otel, llm, dispose } = await instrumented({ providers: { openai: mockProvider({ respond: () => ({ text: 'ok' }) }) }, models: { main: { provider: 'openai', model: 'gpt-x' } } });
    expect(Object.hasOwn(llm, 'chat')).toBe(true);
    dispose();
    dispose();
    expect(Object.hasOwn(llm, 'chat')).toBe(false);
    await llm.chat({ model: 'main', messages: ask('hi') });
    expect(otel.spans()).toEqual([]);
  });

  it('with no SDK registered calls run as before; an SDK registered later starts receiving spans', async () => {
    const api = await import('@opentelemetry/api');
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const weather = tool({ name: 'get_weather', parameters: z.object({ city: z.string() }) });
    const llm = new ResilientLLM({ providers: { openai: mockProvider({ respond: () => ({ text: 'ok' }) }) }, models: { main: { provider: 'openai', model: 'gpt-x' } } });
    const dispose = await instrumentTelemetry(llm);
    onTestFinished(async () => {
      dispose();
      api.trace.disable();
      await llm.close();
    });
    expect((await llm.chat({ model: 'main', messages: ask('hi') })).text).toBe('ok');
    expect((await llm.stream({ model: 'main', messages: ask('hi') }).response).text).toBe('ok');
    expect((await llm.chat({ model: 'main', messages: ask('hi'), tools: [weather] })).text).toBe('ok');

    const exporter = new InMemorySpanExporter();
    api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    await llm.chat({ model: 'main', messages: ask('hi') });
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['chat gpt-x', 'chat main']);
  });

  it('never changes a call when the tracer throws', async () => {
    const otel = otelForTest();
    const llm = new ResilientLLM({ providers: { openai: mockProvider({ respond: () => ({ text: 'ok' }) }) }, models: { main: { provider: 'openai', model: 'gpt-x' } } });
    const broken = { ...otel.tracer, startSpan: () => { throw new Error('exporter down'); } } as unknown as typeof otel.tracer;
    const dispose = await instrumentTelemetry(llm, { tracer: broken, meter: otel.meter });
    onTestFinished(() => dispose());
    const listenerErrors: unknown[] = [];
    llm.on('listener-error', (event) => listenerErrors.push(event.error));
    expect((await llm.chat({ model: 'main', messages: ask('hi') })).text).toBe('ok');
    expect(listenerErrors).toEqual([]);
  });

  it('rejects bad options with InvalidArgumentError', async () => {
    const llm = new ResilientLLM({ providers: { openai: mockProvider([]) }, models: { main: { provider: 'openai', model: 'gpt-x' } } });
    await expect(instrumentTelemetry(llm, { captureContent: 'yes' as never })).rejects.toMatchObject({ code: 'RLLM_INVALID_ARGUMENT', field: 'captureContent' });
    await expect(instrumentTelemetry(llm, { tracer: {} as never })).rejects.toMatchObject({ field: 'tracer' });
  });
});
