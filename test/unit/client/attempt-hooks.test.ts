import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import type { AttemptHook, AttemptHookContext } from '../../../src/client/attempt-hook.js';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { ClientOptions } from '../../../src/client/client-options.js';
import type { ProviderRequest } from '../../../src/client/types.js';
import { InvalidArgumentError, OverloadedError, TimeoutError } from '../../../src/errors/errors.js';
import type { ProviderAdapter, ProviderCallContext } from '../../../src/providers/provider.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

function twoDeployments(hooks: readonly AttemptHook[], extra: Partial<ClientOptions> = {}) {
  const first = mockProvider({ steps: [{ text: 'from first' }], repeat: true });
  const second = mockProvider({ steps: [{ text: 'from second' }], repeat: true });
  const llm = new ResilientLLM({
    providers: { first, second },
    models: { main: { deployments: [{ provider: 'first', model: 'm1' }, { provider: 'second', model: 'm2' }], strategy: 'round-robin' } },
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    attemptHooks: hooks,
    ...extra,
  });
  return { llm, first, second };
}

describe('attemptHooks', () => {
  it('runs every attempt through the hooks, the first registered outermost, with the attempt described', async () => {
    const seen: string[] = [];
    const contexts: AttemptHookContext[] = [];
    const outer: AttemptHook = async (context, next) => {
      contexts.push(context);
      seen.push(`outer:before:${context.attempt}`);
      const result = await next().catch((error: unknown) => {
        seen.push(`outer:failed:${context.attempt}`);
        throw error;
      });
      seen.push(`outer:after:${context.attempt}`);
      return result;
    };
    const inner: AttemptHook = async (context, next) => {
      seen.push(`inner:before:${context.attempt}`);
      try {
        return await next();
      } finally {
        seen.push(`inner:after:${context.attempt}`);
      }
    };
    const provider = mockProvider({ steps: [{ error: { status: 503, message: 'busy' } }, { text: 'ok' }] });
    const llm = new ResilientLLM({
      providers: { mock: provider },
      models: { main: { provider: 'mock', model: 'mock-1' } },
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      attemptHooks: [outer, inner],
    });
    const response = await llm.chat({ model: 'main', messages });
    expect(response.text).toBe('ok');
    expect(seen).toEqual(['outer:before:1', 'inner:before:1', 'inner:after:1', 'outer:failed:1', 'outer:before:2', 'inner:before:2', 'inner:after:2', 'outer:after:2']);
    expect(contexts[1]).toMatchObject({
      alias: 'main',
      deploymentId: 'main/mock/mock-1',
      provider: 'mock',
      model: 'mock-1',
      attempt: 2,
      hop: 0,
      isStream: false,
      priority: undefined,
    });
    expect(typeof contexts[1]!.requestId).toBe('string');
    expect(contexts[1]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('sees a failed attempt as a rejection of next(), and cannot change its outcome afterwards', async () => {
    const errors: unknown[] = [];
    const hook: AttemptHook = async (_context, next) => {
      try {
        return await next();
      } catch (error) {
        errors.push(error);
        throw new Error('a hook bug after the attempt');
      }
    };
    const provider = mockProvider({ steps: [{ error: { status: 503, message: 'busy' } }, { text: 'ok' }] });
    const llm = new ResilientLLM({
      providers: { mock: provider },
      models: { main: { provider: 'mock', model: 'mock-1' } },
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      attemptHooks: [hook],
    });
    const response = await llm.chat({ model: 'main', messages });
    expect(response.text).toBe('ok');
    expect(errors).toHaveLength(1);
    expect(response.attempts.map((attempt) => attempt.errorCode ?? attempt.outcome)).toEqual(['RLLM_OVERLOADED', 'success']);
  });

  it('resolves next() only once a stream was read to its end', async () => {
    const order: string[] = [];
    const hook: AttemptHook = async (context, next) => {
      const result = await next();
      order.push(`hook-end:${context.isStream}`);
      return result;
    };
    const provider = mockProvider([{ text: 'one two three' }]);
    const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model: 'mock-1' } }, attemptHooks: [hook] });
    for await (const part of llm.stream({ model: 'main', messages })) {
      if (part.type === 'text-delta') order.push('delta');
    }
    expect(order.at(-1)).toBe('hook-end:true');
    expect(order.filter((item) => item === 'delta').length).toBeGreaterThan(1);
  });

  it('fails a refused attempt over to another deployment without sending it or giving the breaker a verdict', async () => {
    const hook: AttemptHook = async (context, next) => {
      if (context.provider === 'first') throw new OverloadedError('admission: too many attempts in flight', { provider: context.provider, model: context.model });
      return next();
    };
    const { llm, first, second } = twoDeployments([hook], { breaker: { consecutiveFailures: 1 } });
    const response = await llm.chat({ model: 'main', messages });
    expect(response.text).toBe('from second');
    expect(first.calls).toHaveLength(0);
    expect(second.calls).toHaveLength(1);
    expect(response.attempts.map((attempt) => attempt.errorCode ?? attempt.outcome)).toEqual(['RLLM_OVERLOADED', 'success']);
    const health = llm.health().find((deployment) => deployment.providerName === 'first')!;
    expect(health.circuit).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(health.inFlight).toBe(0);
  });

  it('ends the call with an error a hook throws that is not a library error', async () => {
    const bug = new Error('hook bug');
    const { llm, first } = twoDeployments([() => Promise.reject(bug)]);
    await expect(llm.chat({ model: 'main', messages })).rejects.toBe(bug);
    expect(first.calls).toHaveLength(0);
  });

  it('lets a hook gate the attempt before sending it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hook: AttemptHook = async (_context, next) => {
      await gate;
      return next();
    };
    const provider = mockProvider([{ text: 'ok' }]);
    const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model: 'mock-1' } }, attemptHooks: [hook] });
    const answer = llm.chat({ model: 'main', messages });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(provider.calls).toHaveLength(0);
    release();
    expect((await answer).text).toBe('ok');
    expect(provider.calls).toHaveLength(1);
  });

  it('stops waiting for a hook that holds the attempt past its first-token limit, and aborts the hook\'s signal', async () => {
    let signal: AbortSignal | undefined;
    const hook: AttemptHook = (context) => {
      signal = context.signal;
      return new Promise(() => undefined);
    };
    const provider = mockProvider([{ text: 'never sent' }]);
    const llm = new ResilientLLM({
      providers: { mock: provider },
      models: { main: { provider: 'mock', model: 'mock-1' } },
      fallback: { chain: ['main'], firstTokenTimeoutMs: 50 },
      retry: { maxRetries: 0 },
      attemptHooks: [hook],
    });
    const error = await llm.chat({ model: 'main', messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(signal?.aborted).toBe(true);
    expect(provider.calls).toHaveLength(0);
  });

  it('runs the adapter call inside the async context the hook opened around next()', async () => {
    const storage = new AsyncLocalStorage<string>();
    const observed: (string | undefined)[] = [];
    const inner = mockProvider({ steps: [{ text: 'ok' }], repeat: true });
    const adapter: ProviderAdapter = {
      ...inner,
      capabilities: inner.capabilities,
      doGenerate(request: ProviderRequest, context: ProviderCallContext) {
        observed.push(storage.getStore());
        return inner.doGenerate(request, context);
      },
      doStream(request: ProviderRequest, context: ProviderCallContext) {
        observed.push(storage.getStore());
        return inner.doStream(request, context);
      },
    };
    const hook: AttemptHook = (context, next) => storage.run(`span-${context.attempt}`, next);
    const llm = new ResilientLLM({ providers: { mock: adapter }, models: { main: { provider: 'mock', model: 'mock-1' } }, attemptHooks: [hook] });
    await llm.chat({ model: 'main', messages });
    const stream = llm.stream({ model: 'main', messages });
    await stream.response;
    expect(observed).toEqual(['span-1', 'span-1']);
  });

  it('rejects attemptHooks that are not an array of functions', () => {
    const options = { providers: { mock: mockProvider([]) }, models: { main: { provider: 'mock', model: 'mock-1' } } };
    expect(() => new ResilientLLM({ ...options, attemptHooks: 'hook' as never })).toThrow(InvalidArgumentError);
    expect(() => new ResilientLLM({ ...options, attemptHooks: [42] as never })).toThrow(/attemptHooks\[0\]/);
    expect(() => new ResilientLLM({ ...options, attemptHook: [] } as never)).toThrow(/attemptHooks/);
  });
});
