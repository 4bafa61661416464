import { describe, expect, it, onTestFinished } from 'vitest';
import type { Embedder } from '../../../src/cache/embedder.js';
import { SemanticCache } from '../../../src/cache/semantic-cache.js';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import { StreamResult } from '../../../src/client/stream-result.js';
import type { ChatResponse, StreamPart } from '../../../src/client/types.js';
import { BadRequestError } from '../../../src/errors/errors.js';
import type { EventMap } from '../../../src/events/events.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';
import type { MockStep } from '../../../src/testing/mock-step.js';

// Each test reproduces one defect of issue 12 (or issue 11 item 3) and failed before its fix.

const user = (content: string) => [{ role: 'user' as const, content }];

async function elapsed<T>(run: () => Promise<T>): Promise<{ value: T | undefined; error: unknown; ms: number }> {
  const started = performance.now();
  try {
    const value = await run();
    return { value, error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { value: undefined, error, ms: performance.now() - started };
  }
}

/** Collects every attempt-start, attempt-end and attempt-error, by attempt number. */
function attemptLog(llm: ResilientLLM): string[] {
  const log: string[] = [];
  llm.on('attempt-start', (event) => log.push(`start:${event.attempt}`));
  llm.on('attempt-end', (event) => log.push(`end:${event.attempt}`));
  llm.on('attempt-error', (event) => log.push(`error:${event.attempt}`));
  return log;
}

/** Every attempt that started ended exactly once. */
function expectPaired(log: readonly string[]): void {
  const starts = log.filter((entry) => entry.startsWith('start:')).map((entry) => entry.slice(6));
  const ends = log.filter((entry) => !entry.startsWith('start:')).map((entry) => entry.split(':')[1]);
  expect(starts.length).toBeGreaterThan(0);
  expect([...ends].sort()).toEqual([...starts].sort());
}

/** An embedder that answers after `delayMs`, or never (`Infinity`), and rejects when its signal aborts. */
function slowEmbedder(delayMs: number, seen: AbortSignal[] = []): Embedder {
  return {
    id: `slow-${delayMs}`,
    dimensions: 4,
    embed(texts, signal) {
      if (signal) seen.push(signal);
      return new Promise((resolve, reject) => {
        const timer = Number.isFinite(delayMs) ? setTimeout(() => resolve(texts.map(() => new Float32Array([1, 0, 0, 0]))), delayMs) : undefined;
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    },
  };
}

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

describe('issue 12 defects', () => {
  it('2: a retry sleep never crosses the deadline, even when another call cooled the deployment down', async () => {
    // Call 0 (X) is slow and then gets a 503; meanwhile call 1 (Y) gets a 429 with Retry-After 5 s.
    const steps: MockStep[] = [{ delayMs: 80, error: { status: 503, message: 'busy' } }, { error: { status: 429, message: 'slow down', retryAfterMs: 5_000 } }];
    const provider = mockProvider({ respond: (_request, index) => steps[index] ?? { text: 'late' } });
    const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model: 'm' } }, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    onTestFinished(() => llm.close());
    const x = elapsed(() => llm.chat({ model: 'main', messages: user('x') }, { deadlineMs: 600 }));
    await settle(10);
    await llm.chat({ model: 'main', messages: user('y') }, { maxRetries: 0 }).catch(() => undefined);
    const outcome = await x;
    expect(outcome.error).toBeDefined();
    expect(outcome.ms).toBeLessThan(1_500);
    expect(provider.calls).toHaveLength(2);
  });

  it('2: a retry sleep never waits out a cooldown longer than maxRetryAfterMs; another alias answers at once', async () => {
    const steps: MockStep[] = [{ delayMs: 80, error: { status: 503, message: 'busy' } }, { error: { status: 429, message: 'slow down', retryAfterMs: 5_000 } }];
    const main = mockProvider({ respond: (_request, index) => steps[index] ?? { text: 'late' } });
    const backup = mockProvider([{ text: 'from backup' }]);
    const llm = new ResilientLLM({
      providers: { main, backup },
      models: { main: { provider: 'main', model: 'm' }, backup: { provider: 'backup', model: 'b' } },
      fallback: { chain: ['main', 'backup'] },
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1_000 },
    });
    onTestFinished(() => llm.close());
    const x = elapsed(() => llm.chat({ model: 'main', messages: user('x') }, { deadlineMs: 30_000 }));
    await settle(10);
    await llm.chat({ model: 'main', messages: user('y') }, { maxRetries: 0, fallback: false }).catch(() => undefined);
    const outcome = await x;
    expect(outcome.value?.text).toBe('from backup');
    expect(outcome.ms).toBeLessThan(900);
  });

  describe('3: a hedge passes the same guards as a fallback', () => {
    const slowPrimary = (): MockStep => ({ firstTokenDelayMs: 150, text: 'cheap answer' });
    const build = (fallback: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const cheap = mockProvider({ respond: slowPrimary });
      const dear = mockProvider([{ text: 'dear answer' }]);
      const llm = new ResilientLLM({
        providers: { cheap, dear },
        models: { mini: { provider: 'cheap', model: 'gpt-4o-mini' }, opus: { provider: 'dear', model: 'claude-opus-4-1' } },
        fallback: { chain: ['mini', 'opus'], ...fallback },
        hedge: { afterMs: 20 },
        ...extra,
      });
      onTestFinished(() => llm.close());
      const events: string[] = [];
      llm.on('hedge', (event) => events.push(`hedge:${event.alias}`));
      llm.on('fallback', (event) => events.push(`fallback:${event.from}->${event.to}`));
      return { llm, dear, events };
    };

    it.each([
      ['the cost cap', { maxCostMultiplier: 2 }, {}],
      ['shouldFallback', { shouldFallback: () => false }, {}],
      ['the per-request budget', {}, { budget: { perRequestUsd: 0.001 } }],
    ])('3: a hedge never goes to an alias that %s refuses', async (_name, fallback, extra) => {
      const { llm, dear, events } = build(fallback, extra);
      const response = await llm.chat({ model: 'mini', messages: user('hello'), maxTokens: 100 });
      expect(response.text).toBe('cheap answer');
      expect(dear.calls).toHaveLength(0);
      expect(events).toEqual([]);
    });

    it('3: a hedge to a later alias that the guards allow emits fallback and hedge', async () => {
      const { llm, dear, events } = build({});
      const response = await llm.chat({ model: 'mini', messages: user('hello') });
      expect(response.text).toBe('dear answer');
      expect(dear.calls).toHaveLength(1);
      expect(events).toEqual(['fallback:mini->opus', 'hedge:opus']);
    });
  });

  describe('4: an early failure of the first attempt does not start a hedge by itself', () => {
    const build = (mainSteps: MockStep[]) => {
      const main = mockProvider(mainSteps);
      const backup = mockProvider([{ text: 'from backup' }]);
      const llm = new ResilientLLM({
        providers: { main, backup },
        models: { main: { provider: 'main', model: 'm' }, backup: { provider: 'backup', model: 'b' } },
        fallback: { chain: ['main', 'backup'] },
        hedge: { afterMs: 1_000 },
      });
      onTestFinished(() => llm.close());
      const hedges: string[] = [];
      llm.on('hedge', (event) => hedges.push(event.alias));
      return { llm, backup, hedges };
    };

    it('4: a 400 ends the call with BadRequestError, as without hedging', async () => {
      const { llm, backup, hedges } = build([{ error: { status: 400, message: 'bad field' } }]);
      await expect(llm.chat({ model: 'main', messages: user('x') })).rejects.toBeInstanceOf(BadRequestError);
      expect(backup.calls).toHaveLength(0);
      expect(hedges).toEqual([]);
    });

    it("4: the caller's abort ends the call: one attempt, no hedge, no error counted", async () => {
      const { llm, backup, hedges } = build([{ delayMs: 5_000, text: 'never' }]);
      const controller = new AbortController();
      const starts: number[] = [];
      llm.on('attempt-start', (event) => starts.push(event.attempt));
      const call = llm.chat({ model: 'main', messages: user('x') }, { signal: controller.signal });
      await settle(20);
      controller.abort(new Error('caller left'));
      await expect(call).rejects.toThrow('caller left');
      await settle(20);
      expect(starts).toEqual([1]);
      expect(backup.calls).toHaveLength(0);
      expect(hedges).toEqual([]);
      expect(llm.usage().total).toMatchObject({ requests: 1, errors: 0 });
    });
  });

  describe('6: the cache look-up is bounded by its own timeout inside the deadline', () => {
    it('6: an embedder that never answers is given up on; the call is served uncached with cache-error', async () => {
      const provider = mockProvider([{ text: 'live answer' }]);
      const seen: AbortSignal[] = [];
      const llm = new ResilientLLM({
        providers: { mock: provider },
        models: { main: { provider: 'mock', model: 'm' } },
        cache: new SemanticCache({ embedder: slowEmbedder(Infinity, seen) }),
      });
      onTestFinished(() => llm.close());
      const cacheErrors: Error[] = [];
      llm.on('cache-error', (event) => cacheErrors.push(event.error));
      const outcome = await elapsed(() => llm.chat({ model: 'main', messages: user('What is the capital of France?') }, { deadlineMs: 1_000 }));
      expect(outcome.value?.text).toBe('live answer');
      expect(outcome.ms).toBeLessThan(900);
      expect(cacheErrors[0]?.message).toMatch(/timed out/);
      expect(seen[0]?.aborted).toBe(true); // the look-up was cancelled, not left running
    });

    it('6: the deadline counts from the start of the call, cache look-up included', async () => {
      const provider = mockProvider([{ text: 'live answer', firstTokenDelayMs: 200 }]);
      const llm = new ResilientLLM({
        providers: { mock: provider },
        models: { main: { provider: 'mock', model: 'm' } },
        cache: new SemanticCache({ embedder: slowEmbedder(250), lookupTimeoutMs: 400 }),
      });
      onTestFinished(() => llm.close());
      const outcome = await elapsed(() => llm.stream({ model: 'main', messages: user('What is the capital of Spain?') }, { deadlineMs: 350 }).response);
      // The deadline ran out 350 ms after the call started, not 350 ms after the 250 ms look-up.
      expect(['RLLM_TIMEOUT', 'RLLM_ALL_DEPLOYMENTS_FAILED']).toContain((outcome.error as { code?: string }).code);
      expect(outcome.ms).toBeLessThan(450);
    });
  });

  describe('7: a cache store has its own lifetime', () => {
    it("7: a store is not cancelled by the caller's signal aborting after the answer was delivered", async () => {
      const provider = mockProvider({ respond: (_request, index) => ({ text: `answer ${index}` }) });
      const llm = new ResilientLLM({
        providers: { mock: provider },
        models: { main: { provider: 'mock', model: 'm' } },
        cache: new SemanticCache({ embedder: slowEmbedder(10) }),
      });
      onTestFinished(() => llm.close());
      const controller = new AbortController();
      const first = await llm.chat({ model: 'main', messages: user('How do I rotate a key?') }, { signal: controller.signal });
      controller.abort(new Error('the HTTP response closed'));
      await settle(60);
      const second = await llm.chat({ model: 'main', messages: user('How do I rotate a key?') });
      expect(first.text).toBe('answer 0');
      expect(second.text).toBe('answer 0');
      expect(second.cached).toBeDefined();
    });

    it('7: close() aborts a store that does not finish, and resolves', async () => {
      const provider = mockProvider([{ text: 'answer' }]);
      const seen: AbortSignal[] = [];
      const embedder = slowEmbedder(Infinity, seen);
      const cache = new SemanticCache({ embedder, lookupTimeoutMs: 5 });
      const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model: 'm' } }, cache });
      await llm.chat({ model: 'main', messages: user('Store me?') });
      expect(seen).toHaveLength(2); // look-up (timed out) and store (pending)
      expect(seen[1]!.aborted).toBe(false);
      const closing = await elapsed(() => llm.close());
      expect(closing.ms).toBeLessThan(1_000);
      expect(seen[1]!.aborted).toBe(true);
    });
  });

  describe('8: reset or stitched stream answers are never stored', () => {
    const run = async (midStream: 'restart' | 'continue') => {
      const main = mockProvider({ steps: [{ text: 'Partial words here', error: { status: 503, message: 'cut' } }, { text: 'again' }] });
      const backup = mockProvider({ respond: (_request, index) => ({ text: `backup answer ${index}` }) });
      const llm = new ResilientLLM({
        providers: { main, backup },
        models: { main: { provider: 'main', model: 'm' }, backup: { provider: 'backup', model: 'b' } },
        fallback: { chain: ['main', 'backup'], midStream },
        retry: { maxRetries: 0 },
        cache: new SemanticCache(),
      });
      onTestFinished(() => llm.close());
      const parts: StreamPart[] = [];
      const stream = llm.stream({ model: 'main', messages: user('Tell me a fact') });
      for await (const part of stream) parts.push(part);
      await settle();
      const again = await llm.chat({ model: 'main', messages: user('Tell me a fact') });
      return { parts, again, backup };
    };

    it('8: an answer that emitted reset is not stored', async () => {
      const { parts, again } = await run('restart');
      expect(parts.some((part) => part.type === 'reset')).toBe(true);
      expect(again.cached).toBeUndefined();
    });

    it("8: an answer stitched from two attempts (midStream: 'continue') is not stored", async () => {
      const { parts, again } = await run('continue');
      const finish = parts.find((part) => part.type === 'finish') as { response: ChatResponse } | undefined;
      expect(finish?.response.text).toBe('Partial words herebackup answer 0');
      expect(again.cached).toBeUndefined();
    });
  });

  describe('9: StreamResult keeps the async-iterator protocol', () => {
    const make = () => {
      let resolve!: (response: ChatResponse) => void;
      let reject!: (error: unknown) => void;
      const response = new Promise<ChatResponse>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      const cancelled: unknown[] = [];
      const result = new StreamResult(response, (reason) => {
        cancelled.push(reason);
        reject(reason ?? new Error('cancelled'));
      });
      return { result, resolve, cancelled };
    };
    const delta = (text: string): StreamPart => ({ type: 'text-delta', text });

    it('9: two next() calls in flight settle in order', async () => {
      const { result } = make();
      const iterator = result[Symbol.asyncIterator]();
      const first = iterator.next();
      const second = iterator.next();
      result.push(delta('a'));
      result.push(delta('b'));
      expect(await first).toEqual({ value: delta('a'), done: false });
      expect(await second).toEqual({ value: delta('b'), done: false });
    });

    it('9: next() after return() is done, even with parts buffered', async () => {
      const { result } = make();
      result.push(delta('a'));
      result.push(delta('b'));
      const iterator = result[Symbol.asyncIterator]();
      expect(await iterator.next()).toEqual({ value: delta('a'), done: false });
      await iterator.return!();
      expect(await iterator.next()).toEqual({ value: undefined, done: true });
    });

    it('9: return() settles a pending next() as done', async () => {
      const { result } = make();
      const iterator = result[Symbol.asyncIterator]();
      const pending = iterator.next();
      await iterator.return!();
      expect(await pending).toEqual({ value: undefined, done: true });
    });

    it('9: toReadableStream().cancel(reason) passes the reason on', async () => {
      const { result, cancelled } = make();
      const reason = new Error('client went away');
      await result.toReadableStream().cancel(reason);
      expect(cancelled).toEqual([reason]);
      await expect(result.response).rejects.toBe(reason);
    });
  });

  describe('12: every attempt that starts ends exactly once; a cancellation is not an error', () => {
    it('12: a hedge loser ends with attempt-end', async () => {
      const main = mockProvider([{ firstTokenDelayMs: 300, text: 'slow' }]);
      const backup = mockProvider([{ text: 'fast' }]);
      const llm = new ResilientLLM({
        providers: { main, backup },
        models: { main: { provider: 'main', model: 'm' }, backup: { provider: 'backup', model: 'b' } },
        fallback: { chain: ['main', 'backup'] },
        hedge: { afterMs: 20 },
      });
      onTestFinished(() => llm.close());
      const log = attemptLog(llm);
      const ends: EventMap['attempt-end'][] = [];
      llm.on('attempt-end', (event) => ends.push(event));
      const response = await llm.stream({ model: 'main', messages: user('x') }).response;
      expect(response.text).toBe('fast');
      expectPaired(log);
      expect(log.filter((entry) => entry.startsWith('start:'))).toHaveLength(2);
      expect(ends.find((event) => event.alias === 'main')).toMatchObject({ outcome: 'aborted' });
      expect(llm.usage().total).toMatchObject({ requests: 2, errors: 0 });
    });

    it("12: an attempt the caller cancels ends with attempt-end, and usage() counts no error", async () => {
      const provider = mockProvider([{ firstTokenDelayMs: 5_000, text: 'never' }]);
      const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model: 'm' } } });
      onTestFinished(() => llm.close());
      const log = attemptLog(llm);
      const stream = llm.stream({ model: 'main', messages: user('x') });
      await settle(20);
      stream.cancel(new Error('bye'));
      await expect(stream.response).rejects.toThrow('bye');
      await settle(10);
      expectPaired(log);
      expect(llm.usage().total).toMatchObject({ requests: 1, errors: 0 });
      expect(stream).toBeInstanceOf(StreamResult);
    });
  });

  it('13: a cached entry never shares objects with a response handed to a caller', async () => {
    const provider = mockProvider({ respond: (_request, index) => ({ text: `answer ${index}` }) });
    const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model: 'm' } }, cache: new SemanticCache() });
    onTestFinished(() => llm.close());
    const ask = () => llm.chat({ model: 'main', messages: user('Which port does HTTPS use?') });
    const mutate = (response: ChatResponse) => {
      try {
        (response.message as { content: string }).content = 'edited';
        (response.reasoning as unknown[]).push({ type: 'reasoning', text: 'injected' });
      } catch {
        // A frozen entry refuses the edit: as good as a copy.
      }
    };
    mutate(await ask());
    await settle();
    const first = await ask();
    mutate(first);
    const second = await ask();
    expect(second.cached).toBeDefined();
    expect(second.message.content).toBe('answer 0');
    expect(second.reasoning).toEqual([]);
    expect(second.message !== first.message || Object.isFrozen(second.message)).toBe(true);
  });
});
