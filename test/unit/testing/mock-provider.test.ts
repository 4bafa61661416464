import { describe, expect, it } from 'vitest';
import type { ProviderRequest, ProviderStreamPart } from '../../../src/client/types.js';
import { ConnectionError, InvalidResponseError, OverloadedError, RateLimitError } from '../../../src/errors/errors.js';
import type { Clock, ProviderCallContext } from '../../../src/providers/provider.js';
import { systemClock } from '../../../src/providers/provider.js';
import { hashEmbedding, mockProvider } from '../../../src/testing/index.js';
import type { Transport } from '../../../src/transport/transport.js';

const unusedTransport: Transport = {
  request: () => Promise.reject(new Error('the mock provider must not use the transport')),
  close: async () => undefined,
};

/** A clock whose timers fire only when the test advances it. */
function manualClock() {
  let now = 1_000;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const clock: Clock & { pending(): number; advance(ms: number): Promise<void> } = {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    async advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.callback();
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

function context(overrides: Partial<ProviderCallContext> = {}): ProviderCallContext {
  return { signal: new AbortController().signal, transport: unusedTransport, clock: systemClock, ...overrides };
}

const request: ProviderRequest = { model: 'm', messages: [{ role: 'user', content: 'What is the capital of France?' }] };

async function collect(stream: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const parts: ProviderStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function collectUntilError(stream: AsyncIterable<ProviderStreamPart>): Promise<{ parts: ProviderStreamPart[]; error: unknown }> {
  const parts: ProviderStreamPart[] = [];
  try {
    for await (const part of stream) parts.push(part);
  } catch (error) {
    return { parts, error };
  }
  return { parts, error: undefined };
}

describe('mockProvider', () => {
  it('streams text split into word deltas and ends with one finish part carrying estimated usage', async () => {
    const provider = mockProvider([{ text: 'Paris is the capital.' }]);
    const parts = await collect(await provider.doStream(request, context()));
    expect(parts[0]).toEqual({ type: 'response-metadata', model: 'm', requestId: 'mock-request-0', responseId: 'mock-response-0' });
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.text)).toEqual(['Paris', ' is', ' the', ' capital.']);
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      // 30 characters of prompt / 4 and 21 characters of answer / 4, rounded up.
      usage: { inputTokens: 8, outputTokens: 6, totalTokens: 14 },
    });
  });

  it('assembles in doGenerate what doStream streams', async () => {
    const provider = mockProvider([{ text: 'Paris.', reasoning: 'Easy one.', usage: { inputTokens: 3 }, model: 'served-model' }]);
    const result = await provider.doGenerate(request, context());
    expect(result).toEqual({
      text: 'Paris.',
      reasoning: [{ type: 'reasoning', text: 'Easy one.', provider: 'mock' }],
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7, reasoningTokens: 3 },
      model: 'served-model',
      requestId: 'mock-request-0',
      responseId: 'mock-response-0',
    });
  });

  it('splits text by explicit chunks or by a chunk size', async () => {
    const provider = mockProvider([{ chunks: ['Hel', 'lo'] }, { text: 'abcdefg', chunks: 3 }]);
    const first = await collect(await provider.doStream(request, context()));
    const second = await collect(await provider.doStream(request, context()));
    const deltas = (parts: ProviderStreamPart[]) => parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
    expect(deltas(first)).toEqual(['Hel', 'lo']);
    expect(deltas(second)).toEqual(['abc', 'def', 'g']);
    expect((await mockProvider([{ chunks: ['Hel', 'lo'] }]).doGenerate(request, context())).text).toBe('Hello');
  });

  it('streams tool-call deltas then a parsed tool call, and finishes with tool-calls', async () => {
    const provider = mockProvider([{ toolCalls: [{ name: 'get_weather', args: { city: 'Paris', unit: 'c' } }, { name: 'noop', id: 'call_1' }] }]);
    const parts = await collect(await provider.doStream(request, context()));
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas.filter((part) => part.index === 0).map((part) => part.argsTextDelta).join('')).toBe('{"city":"Paris","unit":"c"}');
    expect(deltas.every((part) => part.name === (part.index === 0 ? 'get_weather' : 'noop'))).toBe(true);
    expect(parts.filter((part) => part.type === 'tool-call').map((part) => part.toolCall)).toEqual([
      { id: 'call_mock_0_0', name: 'get_weather', args: { city: 'Paris', unit: 'c' } },
      { id: 'call_1', name: 'noop', args: {} },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
    const result = await mockProvider([{ toolCalls: [{ name: 'noop' }] }]).doGenerate(request, context());
    expect(result.toolCalls).toEqual([{ id: 'call_mock_0_0', name: 'noop', args: {} }]);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('reports unparseable or length-cut arguments as an incomplete tool call, never as a call', async () => {
    const provider = mockProvider([
      { toolCalls: [{ name: 'write', argsText: '{"text": "once upon' }] },
      { toolCalls: [{ name: 'write', argsText: '{"text": "ok"}' }], finishReason: 'length' },
    ]);
    const broken = await provider.doGenerate(request, context());
    const cut = await provider.doGenerate(request, context());
    for (const result of [broken, cut]) {
      expect(result.toolCalls).toEqual([]);
      expect(result.incompleteToolCalls?.[0]?.name).toBe('write');
    }
    expect(broken.incompleteToolCalls?.[0]?.argsText).toBe('{"text": "once upon');
    expect(cut.finishReason).toBe('length');
  });

  it('rejects an error-only step before any output, mapping vendor fields with errorFromHttp', async () => {
    const provider = mockProvider([
      { error: { status: 429, message: 'slow down', retryAfterMs: 1500 } },
      { error: new ConnectionError('reset by peer') },
    ]);
    const rateLimited = await provider.doStream(request, context()).catch((error: unknown) => error);
    expect(rateLimited).toBeInstanceOf(RateLimitError);
    expect(rateLimited).toMatchObject({ status: 429, retryAfterMs: 1500, provider: 'mock', model: 'm', hasEmittedOutput: false });
    const reset = await provider.doGenerate(request, context()).catch((error: unknown) => error);
    expect(reset).toBeInstanceOf(ConnectionError);
  });

  it('throws an error that follows content after that content, flagged as having emitted output', async () => {
    const provider = mockProvider([{ text: 'Half an', error: { status: 529, message: 'Overloaded', providerCode: 'overloaded_error' } }]);
    const { parts, error } = await collectUntilError(await provider.doStream(request, context()));
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.text)).toEqual(['Half', ' an']);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ hasEmittedOutput: true, providerCode: 'overloaded_error' });
    await expect(provider.doGenerate(request, context())).rejects.toBeInstanceOf(OverloadedError);
  });

  it('yields raw stream parts and throws InvalidResponseError when they lack a finish part', async () => {
    const provider = mockProvider([{ stream: [{ type: 'text-delta', text: 'cut' }] }]);
    const { parts, error } = await collectUntilError(await provider.doStream(request, context()));
    expect(parts).toEqual([{ type: 'text-delta', text: 'cut' }]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ hasEmittedOutput: true });
    await expect(provider.doGenerate(request, context())).rejects.toBeInstanceOf(InvalidResponseError);
    const complete = mockProvider([
      { stream: [{ type: 'refusal-delta', text: 'No.' }, { type: 'finish', finishReason: 'content-filter', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } }] },
    ]);
    expect(await complete.doGenerate(request, context())).toMatchObject({ refusal: 'No.', finishReason: 'content-filter', text: '' });
  });

  it('consumes steps in order and repeats the last one', async () => {
    const provider = mockProvider([{ text: 'one' }, { text: 'two' }]);
    const texts = [];
    for (let index = 0; index < 3; index++) texts.push((await provider.doGenerate(request, context())).text);
    expect(texts).toEqual(['one', 'two', 'two']);
  });

  it('throws once the script runs out when repeat is false', async () => {
    const provider = mockProvider({ steps: [{ text: 'only' }], repeat: false });
    await provider.doGenerate(request, context());
    await expect(provider.doGenerate(request, context())).rejects.toThrow(/call #2 has no scripted step/);
  });

  it('computes each answer with respond(request, callIndex)', async () => {
    const provider = mockProvider({ respond: (call, index) => ({ text: `${index}:${call.model}` }) });
    expect((await provider.doGenerate({ ...request, model: 'a' }, context())).text).toBe('0:a');
    expect((await provider.doGenerate({ ...request, model: 'b' }, context())).text).toBe('1:b');
  });

  it('records every call with its request, mode, headers and clock time', async () => {
    const clock = manualClock();
    const provider = mockProvider();
    await provider.doGenerate(request, context({ clock }));
    await clock.advance(50);
    await collect(await provider.doStream({ ...request, model: 'n' }, context({ clock, headers: { 'x-trace': '1' } })));
    expect(provider.calls.map((call) => [call.index, call.isStream, call.time, call.request.model])).toEqual([
      [0, false, 1_000, 'm'],
      [1, true, 1_050, 'n'],
    ]);
    expect(provider.calls[1]?.headers).toEqual({ 'x-trace': '1' });
    expect(provider.lastRequest?.model).toBe('n');
    expect((await provider.doGenerate(request, context())).text).toBe('mock response');
    provider.reset();
    expect(provider.calls).toHaveLength(0);
  });

  it('waits delayMs, firstTokenDelayMs and chunkDelayMs on the injected clock', async () => {
    const clock = manualClock();
    const provider = mockProvider([{ text: 'a b', delayMs: 100, firstTokenDelayMs: 200, chunkDelayMs: 30 }]);
    let isAccepted = false;
    const accepted = provider.doStream(request, context({ clock })).then((stream) => {
      isAccepted = true;
      return stream;
    });
    await clock.advance(99);
    expect(isAccepted).toBe(false);
    await clock.advance(1);
    const iterator = (await accepted)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'response-metadata' });
    const first = iterator.next();
    await clock.advance(199);
    expect(clock.pending()).toBe(1);
    await clock.advance(1);
    expect((await first).value).toEqual({ type: 'text-delta', text: 'a' });
    const second = iterator.next();
    await clock.advance(30);
    expect((await second).value).toEqual({ type: 'text-delta', text: ' b' });
    expect((await iterator.next()).value).toMatchObject({ type: 'finish' });
  });

  it('rejects with the signal reason as soon as the call is aborted during a delay, leaving no timer', async () => {
    const clock = manualClock();
    const provider = mockProvider([{ text: 'never', delayMs: 10_000 }]);
    const controller = new AbortController();
    const pending = provider.doStream(request, context({ clock, signal: controller.signal }));
    await clock.advance(10);
    expect(clock.pending()).toBe(1);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(clock.pending()).toBe(0);
  });

  it('stops a stream waiting between chunks when the signal aborts', async () => {
    const clock = manualClock();
    const provider = mockProvider([{ text: 'a b c', chunkDelayMs: 5_000 }]);
    const controller = new AbortController();
    const stream = await provider.doStream(request, context({ clock, signal: controller.signal }));
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect((await iterator.next()).value).toEqual({ type: 'text-delta', text: 'a' });
    const waiting = iterator.next();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.pending()).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already'));
    const provider = mockProvider();
    await expect(provider.doGenerate(request, context({ signal: controller.signal }))).rejects.toThrow('already');
  });

  it('returns deterministic hash embeddings, or the scripted vectors, and records embed calls', async () => {
    const provider = mockProvider({ embeddings: { scripted: [1, 0, 0] } });
    const result = await provider.embed!({ model: 'e', input: ['capital of France', 'capital of France', 'scripted'], dimensions: 32 }, context());
    expect(result.embeddings[0]).toEqual(hashEmbedding('capital of France', 32));
    expect(result.embeddings[1]).toEqual(result.embeddings[0]);
    expect(Array.from(result.embeddings[2]!)).toEqual([1, 0, 0]);
    expect(provider.embedCalls).toHaveLength(1);
    expect(provider.capabilities).toEqual({ tools: true, images: true, jsonOutput: true, prefill: true, embeddings: true });
    expect(mockProvider({ capabilities: { tools: false } }).capabilities).toEqual({ tools: false });
  });
});

describe('hashEmbedding', () => {
  const cosine = (left: Float32Array, right: Float32Array) => left.reduce((sum, value, index) => sum + value * right[index]!, 0);

  it('gives unit vectors that are closer for texts sharing words', () => {
    const question = hashEmbedding('What is the capital of France?');
    const paraphrase = hashEmbedding('what is the capital city of France');
    const unrelated = hashEmbedding('Recipe for banana bread');
    expect(cosine(question, question)).toBeCloseTo(1, 5);
    expect(cosine(question, paraphrase)).toBeGreaterThan(0.8);
    expect(cosine(question, unrelated)).toBeLessThan(0.5);
    expect(hashEmbedding('')).toHaveLength(64);
  });
});
