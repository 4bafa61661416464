import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import { instrumentTelemetry, telemetryAttemptHook } from '../../src/telemetry.js';
import { serverError } from '../../src/testing/index.js';
import { otelForTest } from '../helpers/otel.js';
import { adapterFor, serverForTest } from './helpers/server-for-test.js';

/**
 * With `attemptHooks: [telemetryAttemptHook]`, each attempt runs inside its span's context: what
 * an HTTP instrumentation sees when undici creates the request (the `undici:request:create`
 * diagnostics channel, which OpenTelemetry's undici instrumentation listens on) is the attempt span.
 */
describe('telemetryAttemptHook over real HTTP', () => {
  /** The active span's id each time undici creates a request. */
  function activeSpansAtRequest(otel: ReturnType<typeof otelForTest>): (string | undefined)[] {
    const seen: (string | undefined)[] = [];
    const onCreate = () => seen.push(otel.api.trace.getActiveSpan()?.spanContext().spanId);
    subscribe('undici:request:create', onCreate);
    onTestFinished(() => void unsubscribe('undici:request:create', onCreate));
    return seen;
  }

  it.each(['chat', 'stream'] as const)('%s: every attempt’s request is made with its attempt span active', async (method) => {
    const { server, track } = await serverForTest({ default: [serverError(503), { text: 'hello' }] });
    const otel = otelForTest();
    const llm = track(
      new ResilientLLM({
        providers: { openai: adapterFor('openai', server) },
        models: { main: { provider: 'openai', model: 'gpt-4.1-mini' } },
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
        attemptHooks: [telemetryAttemptHook],
      }),
    );
    const dispose = await instrumentTelemetry(llm, { tracer: otel.tracer, meter: otel.meter });
    onTestFinished(dispose);
    const seen = activeSpansAtRequest(otel);

    const request = { model: 'main', messages: [{ role: 'user' as const, content: 'hi' }] };
    const response = method === 'chat' ? await llm.chat(request) : await llm.stream(request).response;
    expect(response.text).toBe('hello');

    const [call] = otel.named('chat main');
    const attempts = otel.childrenOf(call!).sort((a, b) => Number(a.attributes['llm_resilience.attempt.number']) - Number(b.attributes['llm_resilience.attempt.number']));
    expect(attempts.map((span) => span.attributes['llm_resilience.attempt.outcome'])).toEqual(['error', 'success']);
    expect(seen).toEqual(attempts.map((span) => span.spanContext().spanId));
  });

  it('without the hook the request sees the caller’s context, not an attempt span', async () => {
    const { server, track } = await serverForTest({ default: [{ text: 'hello' }] });
    const otel = otelForTest();
    const llm = track(new ResilientLLM({ providers: { openai: adapterFor('openai', server) }, models: { main: { provider: 'openai', model: 'gpt-4.1-mini' } } }));
    const dispose = await instrumentTelemetry(llm, { tracer: otel.tracer, meter: otel.meter });
    onTestFinished(dispose);
    const seen = activeSpansAtRequest(otel);
    await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'hi' }] });
    expect(seen).toEqual([undefined]);
    expect(otel.named('chat gpt-4.1-mini')).toHaveLength(1);
  });
});
