import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import { ContentFilterError, InvalidArgumentError, RateLimitError } from '../../src/errors/errors.js';
import { azureOpenAI, type AzureOpenAIOptions } from '../../src/providers/azure/azure-openai-adapter.js';
import { drain } from './helpers/fault-harness.js';
import { httpError, rawBody, rateLimit, type ServerStep } from '../../src/testing/index.js';
import { serverForTest } from './helpers/server-for-test.js';

const KEY = 'azure-key-0123456789abcdef';

// Shapes from Azure OpenAI's content-filtering docs (learn.microsoft.com/azure/ai-services/openai/concepts/content-filter):
// the 400 for a filtered prompt, and `prompt_filter_results` on an answer.
const FILTERED_PROMPT_400 = {
  error: {
    message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
    type: null,
    param: 'prompt',
    code: 'content_filter',
    status: 400,
    innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'high' } } },
  },
};
const promptFilterResults = (filtered: boolean) => [
  { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' }, jailbreak: { filtered, detected: filtered } } },
];
const FILTERED_ANSWER = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  prompt_filter_results: promptFilterResults(true),
  choices: [{ index: 0, message: { role: 'assistant', content: 'Leaked.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
});

async function azureClient(options: Partial<AzureOpenAIOptions>, script: Record<string, readonly ServerStep[]>, retries = 0) {
  const { server, track } = await serverForTest(script);
  const adapter = azureOpenAI({ baseURL: `${server.url}/openai`, ...(options.getToken ? {} : { apiKey: KEY }), ...options });
  const llm = track(
    new ResilientLLM({ providers: { azure: adapter }, models: { main: { provider: 'azure', model: 'gpt-4o' } }, retry: { maxRetries: retries, baseDelayMs: 1, maxDelayMs: 5 } }),
  );
  return { server, llm };
}

describe('azureOpenAI: Chat Completions', () => {
  it('posts to the deployment with api-version and the api-key header, in chat() and stream()', async () => {
    const { server, llm } = await azureClient({ deployment: 'prod-4o' }, { 'prod-4o': [{ text: 'Hello from Azure.' }] });
    expect((await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] })).text).toBe('Hello from Azure.');
    expect((await drain(llm.stream({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] }))).response?.text).toBe('Hello from Azure.');
    expect(server.requests.map((request) => request.path)).toEqual([
      '/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21',
      '/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21',
    ]);
    expect(server.requests[0]!.headers['api-key']).toBe(KEY);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('uses the request model as the deployment by default, and the v1 routes', async () => {
    const { server, llm } = await azureClient({ apiVersion: 'v1' }, { 'gpt-4o': [{ text: 'ok' }] });
    await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] });
    expect(server.requests[0]!.path).toBe('/openai/v1/chat/completions');
    expect(server.requests[0]!.model).toBe('gpt-4o');
  });

  it('sends a bearer token from getToken on each call, and never shows it in an error', async () => {
    let calls = 0;
    const tokens = ['entra-token-AAAAAAAAAAAA', 'entra-token-BBBBBBBBBBBB'];
    const { server, llm } = await azureClient(
      { getToken: async () => tokens[Math.min(calls++, 1)]! },
      { 'gpt-4o': [{ text: 'ok' }, httpError(401, { body: { error: { code: '401', message: `Token entra-token-BBBBBBBBBBBB is expired` } } })] },
    );
    await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] });
    const error = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${tokens[0]}`, `Bearer ${tokens[1]}`]);
    expect(server.requests[0]!.headers['api-key']).toBeUndefined();
    expect(error).toBeInstanceOf(Error);
    expect(JSON.stringify(error) + String((error as Error).message) + String((error as Error).stack)).not.toContain('entra-token-BBBBBBBBBBBB');
  });

  it('maps the content-filter 400 to ContentFilterError, not retried', async () => {
    const { server, llm } = await azureClient({}, { 'gpt-4o': [httpError(400, { body: FILTERED_PROMPT_400 })] }, 2);
    const error = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(findCause(error, ContentFilterError)).toBeInstanceOf(ContentFilterError);
    expect(server.requests).toHaveLength(1);
  });

  it('maps prompt_filter_results marked filtered to ContentFilterError, in a body and in a stream', async () => {
    const { llm } = await azureClient({}, { 'gpt-4o': [rawBody(FILTERED_ANSWER)] });
    await expect(llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toSatisfy(isContentFilter);
    const firstChunk = JSON.stringify({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: promptFilterResults(true) });
    const { llm: streaming } = await azureClient({}, { 'gpt-4o': [rawBody(FILTERED_ANSWER, { sse: `data: ${firstChunk}\n\ndata: [DONE]\n\n` })] });
    const outcome = await drain(streaming.stream({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] }));
    expect(isContentFilter(outcome.error)).toBe(true);
  });

  it('answers normally when prompt_filter_results say nothing was filtered', async () => {
    const clean = FILTERED_ANSWER.replace('"filtered":true', '"filtered":false');
    const { llm } = await azureClient({}, { 'gpt-4o': [rawBody(clean)] });
    expect((await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] })).text).toBe('Leaked.');
  });

  it('waits out retry-after-ms on a 429 and then succeeds', async () => {
    const { server, llm } = await azureClient({}, { 'gpt-4o': [rateLimit({ retryAfterMs: 150 }), { text: 'after the wait' }] }, 1);
    const response = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.text).toBe('after the wait');
    const [first, second] = server.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(140);
  });

  it('reports retryAfterMs on the RateLimitError', async () => {
    const { llm } = await azureClient({}, { 'gpt-4o': [rateLimit({ retryAfterMs: 2500 })] });
    const error = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    const cause = findCause(error, RateLimitError);
    expect(cause).toMatchObject({ retryAfterMs: 2500 });
  });
});

describe('azureOpenAI: Responses', () => {
  it('posts to /openai/responses with api-version and the deployment as model', async () => {
    const { server, llm } = await azureClient({ api: 'responses', deployment: 'reasoner' }, { reasoner: [{ text: 'Hello from Responses.' }] });
    expect((await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] })).text).toBe('Hello from Responses.');
    expect((await drain(llm.stream({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] }))).response?.text).toBe('Hello from Responses.');
    expect(server.requests[0]!.path).toBe('/openai/responses?api-version=2025-04-01-preview');
    expect(server.requests[0]!.protocol).toBe('openai-responses');
    expect((server.requests[0]!.body as { model: string }).model).toBe('reasoner');
    expect(server.requests[0]!.headers['api-key']).toBe(KEY);
  });

  it('maps a content_filter failure to ContentFilterError', async () => {
    const { llm } = await azureClient({ api: 'responses' }, { 'gpt-4o': [httpError(400, { body: FILTERED_PROMPT_400 })] });
    await expect(llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toSatisfy(isContentFilter);
  });
});

describe('azureOpenAI: options', () => {
  it('rejects bad options with InvalidArgumentError, never echoing a key', () => {
    expect(() => azureOpenAI({ apiKey: KEY })).toThrow(/exactly one of `resource` and `baseURL`/);
    expect(() => azureOpenAI({ resource: 'r', baseURL: 'https://x', apiKey: KEY })).toThrow(InvalidArgumentError);
    expect(() => azureOpenAI({ resource: 'my resource!', apiKey: KEY })).toThrow(/resource/);
    expect(() => azureOpenAI({ resource: 'myres', apiKey: KEY, api: 'embeddings' as never })).toThrow(/`api`/);
    expect(() => azureOpenAI({ resource: 'myres', apiKey: KEY, getToken: () => 't' })).toThrow(/not both/);
    expect(() => azureOpenAI({ resource: 'myres', apiKey: '' })).toThrow(/apiKey/);
    try {
      azureOpenAI({ resource: 'myres', apiKey: KEY, deployment: '' });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(KEY);
    }
    expect(azureOpenAI({ resource: 'myres', apiKey: KEY }).origins).toEqual(['https://myres.openai.azure.com']);
  });
});

function isContentFilter(error: unknown): boolean {
  return findCause(error, ContentFilterError) !== undefined;
}

function findCause<T>(error: unknown, errorClass: abstract new (...args: never[]) => T): T | undefined {
  if (error instanceof errorClass) return error;
  const nested = (error as { errors?: readonly unknown[]; cause?: unknown } | null) ?? {};
  for (const candidate of [...(nested.errors ?? []), nested.cause]) {
    const found = candidate === undefined ? undefined : findCause(candidate, errorClass);
    if (found !== undefined) return found;
  }
  return undefined;
}
