import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { StreamPart } from '../../../src/client/types.js';
import {
  AllDeploymentsFailedError,
  AuthenticationError,
  BadRequestError,
  ContentFilterError,
  InvalidArgumentError,
  StreamInterruptedError,
} from '../../../src/errors/errors.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';

const user = (content: string) => [{ role: 'user' as const, content }];

function client(steps: Parameters<typeof mockProvider>[0], extra: Partial<ConstructorParameters<typeof ResilientLLM>[0]> = {}) {
  const provider = mockProvider(steps);
  const llm = new ResilientLLM({
    providers: { mock: provider },
    models: { main: { provider: 'mock', model: 'mock-1' } },
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  });
  return { llm, provider };
}

describe('ResilientLLM.chat', () => {
  it('returns the text, usage, served model and one successful attempt', async () => {
    const { llm, provider } = client([{ text: 'Hello there', usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } }]);
    const response = await llm.chat({ model: 'main', messages: user('hi'), temperature: 0.3, maxTokens: 50 });
    expect(response.text).toBe('Hello there');
    expect(response.finishReason).toBe('stop');
    expect(response.usage).toEqual({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
    expect(response.alias).toBe('main');
    expect(response.provider).toBe('mock');
    expect(response.model).toBe('mock-1');
    expect(response.attempts).toHaveLength(1);
    expect(response.attempts[0]).toMatchObject({ outcome: 'success', deploymentId: 'main/mock/mock-1' });
    expect(response.message).toEqual({ role: 'assistant', content: 'Hello there' });
    expect(provider.lastRequest).toMatchObject({ model: 'mock-1', temperature: 0.3, maxTokens: 50 });
  });

  it('rejects an invalid request with InvalidArgumentError naming the field, before sending', async () => {
    const { llm, provider } = client([{ text: 'x' }]);
    const error = await llm.chat({ model: 'main', messages: [{ role: 'robot', content: 'x' }] } as never).catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.field).toBe('messages.0.role');
    expect(error.message).toContain('"system", "user", "assistant", "tool"');
    const unknownAlias = await llm.chat({ model: 'nope', messages: user('x') }).catch((caught) => caught);
    expect(unknownAlias).toBeInstanceOf(InvalidArgumentError);
    expect(unknownAlias.message).toContain('"main"');
    const badTemperature = await llm.chat({ model: 'main', messages: user('x'), temperature: 5 }).catch((caught) => caught);
    expect(badTemperature.field).toBe('temperature');
    expect(provider.calls).toHaveLength(0);
  });

  it('retries a 503 on the same deployment and then succeeds', async () => {
    const { llm, provider } = client({ steps: [{ error: { status: 503, message: 'busy' } }, { text: 'ok' }], repeat: true });
    const response = await llm.chat({ model: 'main', messages: user('hi') });
    expect(response.text).toBe('ok');
    expect(response.attempts.map((attempt) => attempt.outcome)).toEqual(['error', 'success']);
    expect(response.attempts[0]).toMatchObject({ errorCode: 'RLLM_OVERLOADED', status: 503 });
    expect(provider.calls).toHaveLength(2);
  });

  it('does not retry a 400 and surfaces the typed error', async () => {
    const { llm, provider } = client([{ error: { status: 400, message: 'bad field' } }]);
    await expect(llm.chat({ model: 'main', messages: user('hi') })).rejects.toBeInstanceOf(BadRequestError);
    expect(provider.calls).toHaveLength(1);
  });

  it('fails over along the chain on 401 without retrying the same key', async () => {
    const primary = mockProvider([{ error: { status: 401, message: 'bad key' } }]);
    const secondary = mockProvider([{ text: 'from b' }]);
    const llm = new ResilientLLM({
      providers: { a: primary, b: secondary },
      models: { first: { provider: 'a', model: 'a-1' }, second: { provider: 'b', model: 'b-1' } },
      fallback: { chain: ['first', 'second'] },
    });
    const events: string[] = [];
    llm.on('fallback', (event) => events.push(`${event.from}->${event.to}:${event.error.code}`));
    const response = await llm.chat({ model: 'first', messages: user('hi') });
    expect(response.text).toBe('from b');
    expect(response.alias).toBe('second');
    expect(primary.calls).toHaveLength(1);
    expect(events).toEqual(['first->second:RLLM_AUTHENTICATION']);
  });

  it('throws a lone deployment\'s own error with every attempt of the call on it', async () => {
    const { llm } = client([{ error: { status: 500, message: 'boom' } }], { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await llm.chat({ model: 'main', messages: user('hi') }).catch((caught) => caught);
    expect(error).not.toBeInstanceOf(AllDeploymentsFailedError);
    expect(error.code).toBe('RLLM_SERVER_ERROR');
    expect(error.attempts).toHaveLength(2);
  });

  it('returns a content-policy refusal as it is instead of routing around it', async () => {
    const primary = mockProvider([{ error: { status: 400, message: 'flagged by our content policy', providerCode: 'content_policy_violation' } }]);
    const secondary = mockProvider([{ text: 'should not be used' }]);
    const llm = new ResilientLLM({
      providers: { a: primary, b: secondary },
      models: { first: { provider: 'a', model: 'a-1' }, second: { provider: 'b', model: 'b-1' } },
      fallback: { chain: ['first', 'second'] },
    });
    await expect(llm.chat({ model: 'first', messages: user('hi') })).rejects.toBeInstanceOf(ContentFilterError);
    expect(secondary.calls).toHaveLength(0);
  });

  it('keeps the outcome when an event listener throws', async () => {
    const { llm } = client([{ text: 'fine' }]);
    const listenerErrors: unknown[] = [];
    llm.on('attempt-start', () => {
      throw new Error('listener bug');
    });
    llm.on('listener-error', (event) => listenerErrors.push(event.error));
    const response = await llm.chat({ model: 'main', messages: user('hi') });
    expect(response.text).toBe('fine');
    expect(listenerErrors).toHaveLength(1);
  });

  it('emits request and attempt events in order, and unsubscribes', async () => {
    const { llm } = client({ steps: [{ error: { status: 429, message: 'slow down' } }, { text: 'ok' }] });
    const seen: string[] = [];
    const types = ['request-start', 'attempt-start', 'attempt-error', 'retry', 'attempt-end', 'request-end'] as const;
    const offs = types.map((type) => llm.on(type, () => seen.push(type)));
    await llm.chat({ model: 'main', messages: user('hi') });
    expect(seen).toEqual(['request-start', 'attempt-start', 'attempt-error', 'retry', 'attempt-start', 'attempt-end', 'request-end']);
    for (const off of offs) off();
    seen.length = 0;
    await llm.chat({ model: 'main', messages: user('hi') });
    expect(seen).toEqual([]);
  });

  it('validates client options eagerly', () => {
    expect(() => new ResilientLLM({ providers: {}, models: {} })).toThrow(InvalidArgumentError);
    expect(
      () => new ResilientLLM({ providers: { mock: mockProvider() }, models: { main: { provider: 'nope', model: 'x' } } }),
    ).toThrow(/models\.main\.provider/);
    expect(
      () => new ResilientLLM({ providers: { mock: mockProvider() }, models: { main: { provider: 'mock', model: 'x' } }, stateStore: { get: () => undefined } as never }),
    ).toThrow('Expected `stateStore` to be a StateStore with get, set, increment and delete (e.g. new MemoryStateStore()), got an object.');
    expect(
      () =>
        new ResilientLLM({
          providers: { mock: mockProvider() },
          models: { main: { provider: 'mock', model: 'x' } },
          fallback: { chain: ['main', 'ghost'] },
        }),
    ).toThrow(/unknown alias "ghost"/);
    expect(
      () =>
        new ResilientLLM({
          providers: { mock: mockProvider(), plain: mockProvider({ capabilities: { tools: false, images: true, jsonOutput: true } }) },
          models: { main: { provider: 'mock', model: 'x' }, weak: { provider: 'plain', model: 'y' } },
          fallback: { chain: ['main', 'weak'] },
        }),
    ).toThrow(/"weak" lacks tools/);
  });

  it('rejects with the signal reason when the caller aborts', async () => {
    const { llm } = client([{ text: 'late', delayMs: 5_000 }]);
    const controller = new AbortController();
    const pending = llm.chat({ model: 'main', messages: user('hi') }, { signal: controller.signal });
    const reason = new Error('user gave up');
    setTimeout(() => controller.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
  });

  it('fails over to the next alias when an attempt times out', async () => {
    const slow = mockProvider([{ text: 'too late', delayMs: 5_000 }]);
    const fast = mockProvider([{ text: 'fast' }]);
    const llm = new ResilientLLM({
      providers: { slow, fast },
      models: { a: { provider: 'slow', model: 's' }, b: { provider: 'fast', model: 'f' } },
      fallback: { chain: ['a', 'b'], attemptTimeoutMs: 30 },
    });
    const response = await llm.chat({ model: 'a', messages: user('hi') });
    expect(response.text).toBe('fast');
    expect(response.attempts[0]).toMatchObject({ outcome: 'error', errorCode: 'RLLM_TIMEOUT' });
    expect(slow.calls).toHaveLength(1);
  });

  it('throws AuthenticationError when the only deployment refuses the key', async () => {
    const { llm } = client([{ error: new AuthenticationError('nope') }]);
    await expect(llm.chat({ model: 'main', messages: user('x') })).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('ResilientLLM.stream', () => {
  it('streams start, deltas and finish, with textStream and response', async () => {
    const { llm } = client([{ text: 'one two three' }]);
    const stream = llm.stream({ model: 'main', messages: user('hi') });
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    expect(parts[0]).toMatchObject({ type: 'start', alias: 'main', provider: 'mock', model: 'mock-1' });
    const text = parts.filter((part) => part.type === 'text-delta').map((part) => (part as { text: string }).text).join('');
    expect(text).toBe('one two three');
    const finish = parts[parts.length - 1]!;
    expect(finish.type).toBe('finish');
    expect((await stream.response).text).toBe('one two three');
    let viaTextStream = '';
    for await (const chunk of llm.stream({ model: 'main', messages: user('hi') }).textStream) viaTextStream += chunk;
    expect(viaTextStream).toBe('one two three');
  });

  it('restarts on the next deployment with a reset part when a stream breaks mid-answer', async () => {
    const broken = mockProvider([{ stream: [{ type: 'text-delta', text: 'partial ' }] }]);
    const healthy = mockProvider([{ text: 'complete answer' }]);
    const llm = new ResilientLLM({
      providers: { broken, healthy },
      models: { a: { provider: 'broken', model: 'x' }, b: { provider: 'healthy', model: 'y' } },
      fallback: { chain: ['a', 'b'] },
    });
    const parts: StreamPart[] = [];
    const stream = llm.stream({ model: 'a', messages: user('hi') });
    for await (const part of stream) parts.push(part);
    expect(parts.map((part) => part.type)).toContain('reset');
    const resetIndex = parts.findIndex((part) => part.type === 'reset');
    const after = parts.slice(resetIndex).filter((part) => part.type === 'text-delta').map((part) => (part as { text: string }).text).join('');
    expect(after).toBe('complete answer');
    const response = await stream.response;
    expect(response.text).toBe('complete answer');
    expect(response.attempts.map((attempt) => attempt.errorCode ?? 'ok')).toEqual(['RLLM_INVALID_RESPONSE', 'ok']);
  });

  it("throws StreamInterruptedError with the partial text under midStream: 'error'", async () => {
    const broken = mockProvider([{ stream: [{ type: 'text-delta', text: 'half an ans' }] }]);
    const llm = new ResilientLLM({
      providers: { broken, other: mockProvider([{ text: 'never' }]) },
      models: { a: { provider: 'broken', model: 'x' }, b: { provider: 'other', model: 'y' } },
      fallback: { chain: ['a', 'b'], midStream: 'error' },
    });
    const stream = llm.stream({ model: 'a', messages: user('hi') });
    const error = await stream.response.catch((caught) => caught);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error.partialText).toBe('half an ans');
  });

  it('never reports a stream without its finish event as complete', async () => {
    const { llm } = client([{ stream: [{ type: 'text-delta', text: 'cut' }] }], { retry: { maxRetries: 0 } });
    const stream = llm.stream({ model: 'main', messages: user('hi') });
    await expect(stream.response).rejects.toMatchObject({ code: 'RLLM_INVALID_RESPONSE' });
  });

  it('surfaces an invalid request through the stream without an unhandled rejection', async () => {
    const { llm } = client([{ text: 'x' }]);
    const stream = llm.stream({ model: 'main', messages: [] });
    await expect(stream.response).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('cancels the call when the consumer breaks out of the loop', async () => {
    const { llm, provider } = client([{ text: 'a b c d e f g h', chunkDelayMs: 20 }]);
    const stream = llm.stream({ model: 'main', messages: user('hi') });
    for await (const part of stream) if (part.type === 'text-delta') break;
    await expect(stream.response).rejects.toMatchObject({ name: 'AbortError' });
    expect(provider.calls).toHaveLength(1);
  });

  it('accounts the usage a broken stream reported before it failed', async () => {
    const broken = mockProvider([
      { stream: [{ type: 'usage', usage: { inputTokens: 1000, outputTokens: 1, totalTokens: 1001 } }, { type: 'text-delta', text: 'partial' }] },
    ]);
    const healthy = mockProvider([{ text: 'whole', usage: { inputTokens: 1000, outputTokens: 10, totalTokens: 1010 } }]);
    const llm = new ResilientLLM({
      providers: { broken, healthy },
      models: { a: { provider: 'broken', model: 'priced-a' }, b: { provider: 'healthy', model: 'priced-b' } },
      fallback: { chain: ['a', 'b'] },
      prices: { 'priced-a': { inputPerMillion: 1, outputPerMillion: 1 }, 'priced-b': { inputPerMillion: 1, outputPerMillion: 1 } },
    });
    const response = await llm.stream({ model: 'a', messages: user('hi') }).response;
    expect(response.text).toBe('whole');
    expect(response.attempts[0]).toMatchObject({ outcome: 'error', usage: { inputTokens: 1000 }, cost: 0.001001 });
    expect(response.usage.inputTokens).toBe(2000);
    expect(response.cost).toBeCloseTo(0.001001 + 0.00101, 9);
  });
});
