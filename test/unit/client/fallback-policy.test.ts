import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import { AllDeploymentsFailedError, InvalidArgumentError, OverloadedError, ServerError } from '../../../src/errors/errors.js';
import { FallbackPolicy } from '../../../src/policy/fallback/fallback-policy.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';

const ask = [{ role: 'user' as const, content: 'hi' }];

function twoAliases(first: Parameters<typeof mockProvider>[0], fallback: ConstructorParameters<typeof FallbackPolicy>[0]) {
  const primary = mockProvider(first);
  const secondary = mockProvider([{ text: 'from b' }]);
  const llm = new ResilientLLM({
    providers: { a: primary, b: secondary },
    models: { first: { provider: 'a', model: 'a-1' }, second: { provider: 'b', model: 'b-1' } },
    fallback: new FallbackPolicy(fallback),
    retry: { maxRetries: 0 },
  });
  return { llm, primary, secondary };
}

describe('FallbackPolicy through the client', () => {
  it('stops instead of falling back when shouldFallback says no, and sees the error and aliases', async () => {
    const seen: string[] = [];
    const { llm, secondary } = twoAliases([{ error: { status: 503, message: 'busy' } }], {
      chain: ['first', 'second'],
      shouldFallback: ({ error, fromAlias, toAlias }) => {
        seen.push(`${fromAlias}->${toAlias}:${error.code}`);
        return false;
      },
    });
    await expect(llm.chat({ model: 'first', messages: ask })).rejects.toMatchObject({ code: 'RLLM_OVERLOADED' });
    expect(seen).toEqual(['first->second:RLLM_OVERLOADED']);
    expect(secondary.calls).toHaveLength(0);
  });

  it('moves along the chain only on the codes listed in `on`', async () => {
    const { llm, secondary } = twoAliases([{ error: { status: 500, message: 'boom' } }], { chain: ['first', 'second'], on: ['RLLM_RATE_LIMITED'] });
    await expect(llm.chat({ model: 'first', messages: ask })).rejects.toBeInstanceOf(ServerError);
    expect(secondary.calls).toHaveLength(0);
    const rateLimited = twoAliases([{ error: { status: 429, message: 'slow' } }], { chain: ['first', 'second'], on: ['RLLM_RATE_LIMITED'] });
    expect((await rateLimited.llm.chat({ model: 'first', messages: ask })).alias).toBe('second');
  });

  it('applies per-alias timeouts over the policy-wide ones', async () => {
    const { llm } = twoAliases([{ text: 'too late', delayMs: 2_000 }], {
      chain: ['first', 'second'],
      attemptTimeoutMs: 60_000,
      timeouts: { first: { attemptTimeoutMs: 30 } },
    });
    const startedAt = performance.now();
    const response = await llm.chat({ model: 'first', messages: ask });
    expect(response.alias).toBe('second');
    expect(response.attempts[0]).toMatchObject({ errorCode: 'RLLM_TIMEOUT' });
    expect(performance.now() - startedAt).toBeLessThan(1_500);
  });

  it('starts the chain at the alias asked for and never goes back up it', async () => {
    const { llm, primary } = twoAliases([{ text: 'from a' }], { chain: ['first', 'second'] });
    expect((await llm.chat({ model: 'second', messages: ask })).alias).toBe('second');
    expect(primary.calls).toHaveLength(0);
  });

  it('turns the chain off for one call with fallback: false', async () => {
    const { llm, secondary } = twoAliases([{ error: { status: 503, message: 'busy' } }], { chain: ['first', 'second'] });
    await expect(llm.chat({ model: 'first', messages: ask }, { fallback: false })).rejects.toBeInstanceOf(OverloadedError);
    expect(secondary.calls).toHaveLength(0);
  });

  it('validates its options eagerly', () => {
    expect(() => new FallbackPolicy({ chain: ['a', 'a'] })).toThrow(InvalidArgumentError);
    expect(() => new FallbackPolicy({ chain: ['a'], firstTokenTimeoutMs: -1 })).toThrow(/firstTokenTimeoutMs/);
    expect(() => new FallbackPolicy({ chain: ['a'], midStream: 'sometimes' as never })).toThrow(/midStream/);
    expect(() => new FallbackPolicy({ chain: ['a'], maxCostMultiplier: 0.5 })).toThrow(/maxCostMultiplier/);
  });
});

describe('llm.embed', () => {
  it('embeds through the alias adapter and refuses unknown aliases and empty input', async () => {
    const provider = mockProvider({ embeddingDimensions: 8 });
    const llm = new ResilientLLM({ providers: { mock: provider }, models: { vectors: { provider: 'mock', model: 'embed-1' } } });
    const result = await llm.embed({ model: 'vectors', input: ['first text', 'second text'] });
    expect(result.embeddings).toHaveLength(2);
    expect(result.embeddings[0]).toHaveLength(8);
    expect(provider.embedCalls[0]!.request).toMatchObject({ model: 'embed-1', input: ['first text', 'second text'] });
    await expect(llm.embed({ model: 'nope', input: ['x'] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(llm.embed({ model: 'vectors', input: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
