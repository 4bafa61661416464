import { generateText, jsonSchema, Output, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, ResilientLLM, SemanticCache } from '../../../src/index.js';
import { mockProvider, type MockStep } from '../../../src/testing/index.js';
import { ServerError } from '../../../src/errors/errors.js';

function client(primary: readonly MockStep[], fallback: readonly MockStep[] = [{ text: 'fallback answer' }], midStream?: 'restart' | 'error') {
  const first = mockProvider({ steps: primary });
  const second = mockProvider({ steps: fallback });
  const llm = new ResilientLLM({
    providers: { first, second },
    models: { main: { provider: 'first', model: 'model-a' }, backup: { provider: 'second', model: 'model-b' } },
    fallback: { chain: ['main', 'backup'], ...(midStream ? { midStream } : {}) },
    retry: { maxRetries: 0, baseDelayMs: 1 },
  });
  return { llm, first, second };
}

async function collect<T>(stream: ReadableStream<T> | AsyncIterable<T>): Promise<T[]> {
  const parts: T[] = [];
  if (!('getReader' in stream)) {
    for await (const part of stream) parts.push(part);
    return parts;
  }
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

describe('llm.languageModel()', () => {
  it('is a LanguageModelV4 named after the alias', () => {
    const { llm } = client([{ text: 'x' }]);
    const model = llm.languageModel('main');
    expect(model.specificationVersion).toBe('v4');
    expect(model.provider).toBe('llm-resilience');
    expect(model.modelId).toBe('main');
  });

  it('rejects a bad restart mode when it is made', () => {
    const { llm } = client([{ text: 'x' }]);
    expect(() => llm.languageModel('main', { onRestart: 'concat' as never })).toThrow(/onRestart/);
  });

  it('answers generateText from the fallback when the primary fails, with what served it in providerMetadata', async () => {
    const { llm, first, second } = client([{ error: new ServerError('boom', { status: 500 }) }]);
    const result = await generateText({ model: llm.languageModel('main'), system: 'Be brief.', prompt: 'Hi?', maxRetries: 0 });
    expect(result.text).toBe('fallback answer');
    expect(first.calls).toHaveLength(1);
    expect(second.lastRequest?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi?' }] },
    ]);
    const metadata = result.providerMetadata?.llmResilience as Record<string, unknown>;
    expect(metadata.alias).toBe('backup');
    expect(metadata.deploymentId).toBe('backup/second/model-b');
    expect((metadata.attempts as { outcome: string }[]).map((attempt) => attempt.outcome)).toEqual(['error', 'success']);
    expect(result.finishReason).toBe('stop');
  });

  it('maps usage with cached and reasoning tokens', async () => {
    const { llm } = client([{ text: 'ok', usage: { inputTokens: 100, outputTokens: 30, cachedInputTokens: 40, reasoningTokens: 10 } }]);
    const result = await generateText({ model: llm.languageModel('main'), prompt: 'Hi?' });
    expect(result.usage.inputTokens).toBe(100);
    expect(result.usage.inputTokenDetails).toMatchObject({ cacheReadTokens: 40, noCacheTokens: 60 });
    expect(result.usage.outputTokenDetails).toMatchObject({ reasoningTokens: 10, textTokens: 20 });
  });

  it('streams text in start/delta/end blocks and ends with finish', async () => {
    const { llm } = client([{ text: 'one two three', reasoning: 'thinking' }]);
    const result = streamText({ model: llm.languageModel('main'), prompt: 'Count' });
    const parts = await collect(result.fullStream);
    const types = parts.map((part) => part.type);
    expect(types).toContain('reasoning-start');
    expect(types.filter((type) => type === 'text-delta').length).toBeGreaterThan(1);
    expect(types.indexOf('text-start')).toBeLessThan(types.indexOf('text-end'));
    expect(await result.text).toBe('one two three');
    expect(await result.reasoningText).toBe('thinking');
    expect((await result.providerMetadata)?.llmResilience).toMatchObject({ alias: 'main' });
  });

  it('runs AI SDK tools: the tool call, then the answer with its result', async () => {
    const { llm, first } = client([{ toolCalls: [{ name: 'weather', args: { city: 'Oslo' } }] }, { text: 'It is 3°C in Oslo.' }]);
    const result = await generateText({
      model: llm.languageModel('main'),
      prompt: 'Weather in Oslo?',
      tools: {
        weather: tool({
          description: 'Current weather',
          inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
          execute: async ({ city }) => ({ city, celsius: 3 }),
        }),
      },
      stopWhen: ({ steps }) => steps.length >= 2,
    });
    expect(result.text).toBe('It is 3°C in Oslo.');
    const second = first.calls[1]!.request;
    expect(second.tools?.[0]).toMatchObject({ name: 'weather', description: 'Current weather' });
    expect(second.messages.at(-2)).toMatchObject({ role: 'assistant', toolCalls: [{ name: 'weather', args: { city: 'Oslo' } }] });
    expect(second.messages.at(-1)).toMatchObject({ role: 'tool', toolName: 'weather', content: { city: 'Oslo', celsius: 3 } });
  });

  it('produces structured output through Output.object', async () => {
    const { llm, first } = client([{ text: '{"name":"Ada"}' }]);
    const result = await generateText({
      model: llm.languageModel('main'),
      prompt: 'Who?',
      output: Output.object({ schema: jsonSchema<{ name: string }>({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }) }),
    });
    expect(result.output).toEqual({ name: 'Ada' });
    expect(first.lastRequest?.responseFormat).toMatchObject({ type: 'json_schema' });
  });

  it('passes providerOptions.llmResilience as call options', async () => {
    const { llm, first } = client([{ text: 'ok' }]);
    await generateText({
      model: llm.languageModel('main'),
      prompt: 'Hi',
      providerOptions: { llmResilience: { tenant: 'acme', providerOptions: { mock: { flag: true } } } },
    });
    expect(first.lastRequest?.providerOptions).toEqual({ mock: { flag: true } });
    expect(llm.usage().byTenant.acme?.requests).toBe(1);
  });

  it('rejects a stream that fails before any output', async () => {
    const { llm } = client([{ error: new ServerError('down', { status: 500 }) }], [{ error: new ServerError('down too', { status: 500 }) }]);
    const model = llm.languageModel('main');
    await expect(model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] })).rejects.toMatchObject({
      code: 'RLLM_ALL_DEPLOYMENTS_FAILED',
    });
  });
});

describe('the client behind the AI SDK', () => {
  it('answers a repeated question from the cache, says so in providerMetadata, and emits events', async () => {
    const provider = mockProvider({ steps: [{ text: 'Paris is the capital of France.' }] });
    const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model: 'm' } }, cache: new SemanticCache({ isSemantic: false }) });
    const hits: unknown[] = [];
    llm.on('cache-hit', (event) => hits.push(event));
    const model = llm.languageModel('main');
    await generateText({ model, prompt: 'What is the capital of France?' });
    const second = streamText({ model, prompt: 'What is the capital of France?' });
    expect(await second.text).toBe('Paris is the capital of France.');
    expect(provider.calls).toHaveLength(1);
    expect(hits).toHaveLength(1);
    expect((await second.providerMetadata)?.llmResilience).toMatchObject({ deploymentId: 'cache', cached: { tier: 'exact' } });
  });

  it('refuses a call over the per-request budget before it is sent', async () => {
    const provider = mockProvider({ steps: [{ text: 'x' }] });
    const llm = new ResilientLLM({
      providers: { mock: provider },
      models: { main: { provider: 'mock', model: 'pricey' } },
      prices: { pricey: { inputPerMillion: 1_000_000, outputPerMillion: 1_000_000 } },
      budget: { perRequestUsd: 0.01 },
    });
    await expect(generateText({ model: llm.languageModel('main'), prompt: 'Hello there', maxRetries: 0 })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(provider.calls).toHaveLength(0);
  });
});

describe('a restart after output reached the AI SDK', () => {
  const cut: MockStep = { text: 'partial answer', error: new ServerError('cut', { status: 500 }) };
  const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] }];

  it("errors the stream by default ('error'), never concatenating the two answers", async () => {
    const { llm, second } = client([cut]);
    const { stream } = await llm.languageModel('main').doStream({ prompt });
    const parts = await collect(stream);
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
    expect(text).toBe('partial answer');
    const error = parts.find((part) => part.type === 'error') as { error: { code: string; partialText: string } };
    expect(error.error.code).toBe('RLLM_STREAM_INTERRUPTED');
    expect(error.error.partialText).toBe('partial answer');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'error' } });
    // The call was stopped: the fallback answer, which nobody would see, was not paid for in full.
    expect(second.calls.length).toBeLessThanOrEqual(1);
  });

  it("surfaces the restart as a custom part and marks the discarded block ('surface')", async () => {
    const { llm } = client([cut]);
    const { stream } = await llm.languageModel('main', { onRestart: 'surface' }).doStream({ prompt });
    const parts = await collect(stream);
    const types = parts.map((part) => part.type);
    expect(types.filter((type) => type === 'text-start')).toHaveLength(2);
    const reset = parts.find((part) => part.type === 'custom');
    expect(reset).toMatchObject({ kind: 'llm-resilience.reset' });
    const firstEnd = parts.find((part) => part.type === 'text-end');
    expect(firstEnd).toMatchObject({ providerMetadata: { llmResilience: { discarded: true } } });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
  });

  it("streamText's text in 'surface' mode keeps the blocks apart and the next turn drops the discarded one", async () => {
    const { llm, second } = client([cut], [{ text: 'fresh answer' }, { text: 'second turn' }]);
    const model = llm.languageModel('main', { onRestart: 'surface' });
    const result = streamText({ model, prompt: 'Hi' });
    await result.consumeStream();
    const response = await result.response;
    await generateText({ model, messages: [{ role: 'user', content: 'Hi' }, ...response.messages, { role: 'user', content: 'And?' }] });
    const assistant = second.lastRequest?.messages.find((message) => message.role === 'assistant');
    expect(assistant).toMatchObject({ content: 'fresh answer' });
  });

  it("shows only the final answer ('buffer')", async () => {
    const { llm } = client([cut]);
    const { stream } = await llm.languageModel('main', { onRestart: 'buffer' }).doStream({ prompt });
    const parts = await collect(stream);
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
    expect(text).toBe('fallback answer');
    expect(parts.some((part) => part.type === 'custom' || part.type === 'error')).toBe(false);
  });
});
