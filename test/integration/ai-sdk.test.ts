import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { aiSdkModel } from '../../src/ai-sdk.js';
import { anthropic, openai, ResilientLLM, type ClientOptions, type StreamPart } from '../../src/index.js';
import { createProviderServer, cutMidStream, inBandError, rateLimit, serverError, slowFirstToken, type ProviderServerScript } from '../../src/testing/index.js';

// The real `ai`, `@ai-sdk/openai-compatible` and `@ai-sdk/anthropic` packages against the provider
// server on 127.0.0.1: this client as an AI SDK model, and AI SDK models as deployments.

const ANSWER = 'The fallback deployment answered in full.';

async function start(script: ProviderServerScript) {
  const server = await createProviderServer({ script });
  onTestFinished(() => server.close());
  const gateway = createOpenAICompatible({ name: 'gateway', baseURL: server.baseURL('openai-compatible'), apiKey: 'sk-test-gateway-key', includeUsage: true });
  const claude = createAnthropic({ baseURL: server.baseURL('anthropic'), apiKey: 'sk-ant-test-key' });
  const native = {
    openai: openai({ apiKey: 'sk-test-openai-key', baseURL: server.baseURL('openai') }),
    anthropic: anthropic({ apiKey: 'sk-ant-test-native-key', baseURL: server.baseURL('anthropic') }),
  };
  const client = (options: Omit<ClientOptions, 'providers'> & { providers?: ClientOptions['providers'] }) => {
    const llm = new ResilientLLM({ retry: { maxRetries: 0, baseDelayMs: 1 }, ...options, providers: { ...native, ...options.providers } });
    onTestFinished(() => llm.close());
    return llm;
  };
  return { server, gateway, claude, client };
}

const weather = tool({
  description: 'Current weather for a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
  execute: async ({ city }) => ({ city, celsius: 3 }),
});

describe('llm.languageModel() with a failing primary and a healthy fallback', () => {
  async function setup(primary: ProviderScriptSteps) {
    const harness = await start({ 'gpt-primary': primary, 'claude-backup': [{ text: ANSWER }] });
    const llm = harness.client({
      models: { main: { provider: 'openai', model: 'gpt-primary' }, backup: { provider: 'anthropic', model: 'claude-backup' } },
      fallback: { chain: ['main', 'backup'] },
    });
    return { ...harness, llm };
  }

  it('generateText gets the fallback answer', async () => {
    const { server, llm } = await setup([serverError(500)]);
    const result = await generateText({ model: llm.languageModel('main'), prompt: 'Hello?' });
    expect(result.text).toBe(ANSWER);
    expect(result.providerMetadata?.llmResilience).toMatchObject({ alias: 'backup', provider: 'anthropic' });
    expect(server.requestsFor('gpt-primary')).toHaveLength(1);
    const sent = server.requestsFor('claude-backup')[0]!.body as { messages: unknown[] };
    expect(sent.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello?' }] }]);
  });

  it('streamText streams the fallback answer', async () => {
    const { llm } = await setup([serverError(503)]);
    const result = streamText({ model: llm.languageModel('main'), prompt: 'Hello?' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join('')).toBe(ANSWER);
    expect(deltas.length).toBeGreaterThan(1);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('runs tools: the fallback calls the tool, the AI SDK executes it, the answer uses its result', async () => {
    const harness = await start({
      'gpt-primary': [serverError(500)],
      'claude-backup': [{ toolCalls: [{ name: 'weather', args: { city: 'Oslo' } }] }, { text: 'It is 3 degrees in Oslo.' }],
    });
    const llm = harness.client({
      models: { main: { provider: 'openai', model: 'gpt-primary' }, backup: { provider: 'anthropic', model: 'claude-backup' } },
      fallback: { chain: ['main', 'backup'] },
    });
    const result = await generateText({ model: llm.languageModel('main'), prompt: 'Weather in Oslo?', tools: { weather }, stopWhen: ({ steps }) => steps.length >= 2 });
    expect(result.text).toBe('It is 3 degrees in Oslo.');
    expect(result.steps[0]!.toolResults[0]).toMatchObject({ toolName: 'weather', output: { city: 'Oslo', celsius: 3 } });
    const second = harness.server.requestsFor('claude-backup')[1]!.body as { tools: { name: string }[]; messages: { role: string; content: { type: string }[] }[] };
    expect(second.tools[0]).toMatchObject({ name: 'weather' });
    expect(second.messages.at(-1)!.content[0]).toMatchObject({ type: 'tool_result' });
  });

  it('toUIMessageStreamResponse() sends the answer to the browser', async () => {
    const { llm } = await setup([serverError(500)]);
    const response = streamText({ model: llm.languageModel('main'), prompt: 'Hello?' }).toUIMessageStreamResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const body = await response.text();
    const deltas = [...body.matchAll(/"type":"text-delta","id":"[^"]+","delta":"([^"]*)"/g)].map((match) => match[1]).join('');
    expect(deltas).toBe(ANSWER);
    expect(body).toContain('data: [DONE]');
  });
});

type ProviderScriptSteps = ProviderServerScript[string];

describe('aiSdkModel() deployments in a chain with native adapters', () => {
  it('fails over from an AI SDK deployment (openai-compatible, HTTP 500) to a native one', async () => {
    const harness = await start({ 'gw-model': [serverError(500)], 'claude-native': [{ text: ANSWER }] });
    const llm = harness.client({
      providers: { gateway: aiSdkModel(harness.gateway.chatModel('gw-model')) },
      models: { main: { provider: 'gateway', model: 'gw-model' }, backup: { provider: 'anthropic', model: 'claude-native' } },
      fallback: { chain: ['main', 'backup'] },
    });
    const errors: unknown[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));
    const response = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.text).toBe(ANSWER);
    expect(errors[0]).toMatchObject({ code: 'RLLM_SERVER_ERROR', status: 500, provider: 'gateway.chat', model: 'gw-model' });
  });

  it('fails over from a native deployment to an AI SDK one (@ai-sdk/anthropic), streaming', async () => {
    const harness = await start({ 'gpt-native': [serverError(502)], 'claude-sdk': [{ text: ANSWER, reasoning: 'Let me think.' }] });
    const llm = harness.client({
      providers: { claude: aiSdkModel(harness.claude('claude-sdk')) },
      models: { main: { provider: 'openai', model: 'gpt-native' }, backup: { provider: 'claude', model: 'claude-sdk' } },
      fallback: { chain: ['main', 'backup'] },
    });
    const stream = llm.stream({ model: 'main', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], maxTokens: 300 });
    let text = '';
    for await (const part of stream) if (part.type === 'text-delta') text += part.text;
    const response = await stream.response;
    expect(text).toBe(ANSWER);
    expect(response.alias).toBe('backup');
    expect(response.reasoning[0]?.text).toBe('Let me think.');
    expect(response.usage.outputTokens).toBeGreaterThan(0);
    const sent = harness.server.requestsFor('claude-sdk')[0]!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: 'claude-sdk', system: [{ type: 'text', text: 'Be brief.' }], max_tokens: 300, stream: true });
  });

  it('sends tools and tool results through an AI SDK deployment', async () => {
    const harness = await start({ 'gw-model': [{ toolCalls: [{ name: 'weather', args: { city: 'Oslo' } }] }, { text: 'Cold.' }] });
    const llm = harness.client({ providers: { gateway: aiSdkModel(harness.gateway.chatModel('gw-model')) }, models: { main: { provider: 'gateway', model: 'gw-model' } } });
    const first = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Weather?' }], tools: [{ name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] });
    expect(first.toolCalls[0]).toMatchObject({ name: 'weather', args: { city: 'Oslo' } });
    const second = await llm.chat({
      model: 'main',
      messages: [{ role: 'user', content: 'Weather?' }, first.message, { role: 'tool', toolCallId: first.toolCalls[0]!.id, content: { celsius: 3 } }],
    });
    expect(second.text).toBe('Cold.');
    const body = harness.server.requestsFor('gw-model')[1]!.body as { messages: { role: string; tool_call_id?: string; content: unknown }[] };
    expect(body.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: first.toolCalls[0]!.id, content: '{"celsius":3}' });
  });

  it('reads a 429 with Retry-After through an AI SDK provider and fails over instead of waiting too long', async () => {
    const harness = await start({ 'claude-sdk': [rateLimit({ retryAfterSeconds: 30 })], 'gpt-native': [{ text: ANSWER }] });
    const llm = harness.client({
      providers: { claude: aiSdkModel(harness.claude('claude-sdk')) },
      models: { main: { provider: 'claude', model: 'claude-sdk' }, backup: { provider: 'openai', model: 'gpt-native' } },
      fallback: { chain: ['main', 'backup'] },
      retry: { maxRetries: 2, baseDelayMs: 1, maxRetryAfterMs: 1_000 },
    });
    const errors: unknown[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));
    const started = performance.now();
    const response = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.text).toBe(ANSWER);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(errors[0]).toMatchObject({ name: 'RateLimitError', code: 'RLLM_RATE_LIMITED', status: 429, retryAfterMs: 30_000, isRetryable: true });
    expect(harness.server.requestsFor('claude-sdk')).toHaveLength(1);
    // The server's Retry-After cools the deployment down for later calls.
    expect(llm.health().find((deployment) => deployment.model === 'claude-sdk')).toMatchObject({ lastError: expect.anything(), cooldownUntil: expect.any(Number) });
  });

  it('restarts on the fallback when an AI SDK stream is cut mid-answer, with a reset part', async () => {
    const harness = await start({ 'gw-model': [cutMidStream({ afterChunks: 2, reply: { text: 'Alpha beta gamma delta epsilon.' } })], 'claude-native': [{ text: ANSWER }] });
    const llm = harness.client({
      providers: { gateway: aiSdkModel(harness.gateway.chatModel('gw-model')) },
      models: { main: { provider: 'gateway', model: 'gw-model' }, backup: { provider: 'anthropic', model: 'claude-native' } },
      fallback: { chain: ['main', 'backup'] },
    });
    const parts: StreamPart[] = [];
    const stream = llm.stream({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] });
    for await (const part of stream) parts.push(part);
    const response = await stream.response;
    expect(response.text).toBe(ANSWER);
    const reset = parts.findIndex((part) => part.type === 'reset');
    expect(reset).toBeGreaterThan(0);
    expect(parts.slice(0, reset).some((part) => part.type === 'text-delta')).toBe(true);
    expect(response.attempts[0]).toMatchObject({ outcome: 'error' });
    expect(response.attempts[0]!.errorCode).toBe('RLLM_CONNECTION');
  });

  it('maps an in-band error inside an AI SDK stream to the taxonomy and fails over', async () => {
    const harness = await start({ 'claude-sdk': [inBandError({ afterChunks: 0, type: 'overloaded' })], 'gpt-native': [{ text: ANSWER }] });
    const llm = harness.client({
      providers: { claude: aiSdkModel(harness.claude('claude-sdk')) },
      models: { main: { provider: 'claude', model: 'claude-sdk' }, backup: { provider: 'openai', model: 'gpt-native' } },
      fallback: { chain: ['main', 'backup'] },
    });
    const errors: unknown[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));
    const stream = llm.stream({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] });
    expect((await stream.response).text).toBe(ANSWER);
    expect(errors[0]).toMatchObject({ code: 'RLLM_OVERLOADED', providerCode: 'overloaded_error' });
  });

  it('aborts a slow AI SDK deployment through its abortSignal when the first-token watchdog fires', async () => {
    const harness = await start({ 'gw-model': [slowFirstToken(10_000, { text: 'too late' })], 'claude-native': [{ text: ANSWER }] });
    const llm = harness.client({
      providers: { gateway: aiSdkModel(harness.gateway.chatModel('gw-model')) },
      models: { main: { provider: 'gateway', model: 'gw-model' }, backup: { provider: 'anthropic', model: 'claude-native' } },
      fallback: { chain: ['main', 'backup'], firstTokenTimeoutMs: 200 },
    });
    const stream = llm.stream({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] });
    const started = performance.now();
    expect((await stream.response).text).toBe(ANSWER);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await stream.response).attempts[0]).toMatchObject({ outcome: 'error', errorCode: 'RLLM_TIMEOUT' });
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1));
  });

  it("through llm.languageModel(), a cut AI SDK stream after text reaches streamText as an error, not as two answers", async () => {
    const harness = await start({ 'gw-model': [cutMidStream({ afterChunks: 2, reply: { text: 'Alpha beta gamma delta epsilon.' } })], 'claude-native': [{ text: ANSWER }] });
    const llm = harness.client({
      providers: { gateway: aiSdkModel(harness.gateway.chatModel('gw-model')) },
      models: { main: { provider: 'gateway', model: 'gw-model' }, backup: { provider: 'anthropic', model: 'claude-native' } },
      fallback: { chain: ['main', 'backup'] },
    });
    const errors: unknown[] = [];
    const result = streamText({ model: llm.languageModel('main'), prompt: 'Hi', onError: ({ error }) => void errors.push(error) });
    await result.consumeStream();
    expect(await result.text).not.toContain('fallback');
    expect(errors[0]).toMatchObject({ code: 'RLLM_STREAM_INTERRUPTED' });
  });
});
