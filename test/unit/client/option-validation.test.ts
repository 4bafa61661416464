import { describe, expect, it } from 'vitest';
import { SemanticCache } from '../../../src/cache/semantic-cache.js';
import { MemoryVectorStore } from '../../../src/cache/memory-vector-store.js';
import { localEmbedder } from '../../../src/cache/local-embedder.js';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { ClientOptions } from '../../../src/client/client-options.js';
import { Budget } from '../../../src/cost/budget.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import { FallbackPolicy } from '../../../src/policy/fallback/fallback-policy.js';
import { closestName, editDistance } from '../../../src/policy/validate-option.js';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../../src/providers/gemini/gemini-adapter.js';
import { openai, openaiCompatible } from '../../../src/providers/openai/openai-adapter.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';
import { openaiResponses } from '../../../src/providers/openai-responses/openai-responses-adapter.js';
import { azureOpenAI } from '../../../src/providers/azure/azure-openai-adapter.js';

const KEY = 'sk-test-option-validation-key';
const user = [{ role: 'user' as const, content: 'hi' }];

function build(extra: Record<string, unknown>): ResilientLLM {
  return new ResilientLLM({
    providers: { mock: mockProvider([{ text: 'ok' }]) },
    models: { main: { provider: 'mock', model: 'gpt-4o-mini' }, backup: { provider: 'mock', model: 'gpt-4o' } },
    ...extra,
  } as unknown as ClientOptions);
}

/** Runs `action` and returns the InvalidArgumentError it throws (fails the test otherwise). */
function invalid(action: () => unknown): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError, got none');
}

describe('closestName', () => {
  it('suggests a name for typos, case slips and reordered words, and nothing for unrelated ones', () => {
    const budget = ['perRequestUsd', 'perWindowUsd', 'windowMs', 'unpricedModels'];
    expect(closestName('maxUsdPerRequest', budget)).toBe('perRequestUsd');
    expect(closestName('perRequestUSD', budget)).toBe('perRequestUsd');
    expect(closestName('windowMS', budget)).toBe('windowMs');
    expect(closestName('maxRetry', ['maxRetries', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'])).toBe('maxRetries');
    expect(closestName('xyz', budget)).toBeUndefined();
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('unknown keys: one error shape for every option object', () => {
  // [where, action, field, suggestion]
  const cases: readonly (readonly [string, () => unknown, string, string])[] = [
    ['client options', () => build({ budgets: { perRequestUsd: 1 } }), 'budgets', 'budget'],
    ['budget', () => build({ budget: { maxUsdPerRequest: 0.01 } }), 'budget.maxUsdPerRequest', 'perRequestUsd'],
    ['Budget', () => new Budget({ perWindowUSD: 5 } as never), 'budget.perWindowUSD', 'perWindowUsd'],
    ['retry', () => build({ retry: { maxRetry: 1 } }), 'retry.maxRetry', 'maxRetries'],
    ['prices', () => build({ prices: { mine: { inputPerMillion: 1, outputPerMillion: 1, cachedInputPerMilion: 1 } } }), 'prices.mine.cachedInputPerMilion', 'cachedInputPerMillion'],
    ['hedge', () => build({ hedge: { afterMs: 100, maxExtras: 2 } }), 'hedge.maxExtras', 'maxExtra'],
    ['breaker', () => build({ breaker: { openForMs: 5 } }), 'breaker.openForMs', 'openMs'],
    ['deployment', () => build({ models: { main: { provider: 'mock', modle: 'x' } } }), 'models.main.modle', 'model'],
    ['pool', () => build({ models: { main: { deployments: [{ provider: 'mock', model: 'x' }], stratgy: 'round-robin' } } }), 'models.main.stratgy', 'strategy'],
    ['pool entry', () => build({ models: { main: { deployments: [{ provider: 'mock', model: 'x', wieght: 2 }] } } }), 'models.main.deployments.0.wieght', 'weight'],
    ['array entry', () => build({ models: { main: [{ provider: 'mock', model: 'x', rpmLimit: 2 }] } }), 'models.main.0.rpmLimit', 'rpm'],
    ['fallback', () => build({ fallback: { chain: ['main', 'backup'], firstTokenTimeout: 5 } }), 'fallback.firstTokenTimeout', 'firstTokenTimeoutMs'],
    ['FallbackPolicy', () => new FallbackPolicy({ chain: ['a'], midstream: 'error' } as never), 'fallback.midstream', 'midStream'],
    ['fallback.timeouts', () => new FallbackPolicy({ chain: ['a'], timeouts: { a: { idleTimeout: 5 } } } as never), 'fallback.timeouts.a.idleTimeout', 'idleTimeoutMs'],
    ['router', () => build({ router: { tiers: { simple: 'main', complex: 'backup' }, longPromptToken: 9 } }), 'router.longPromptToken', 'longPromptTokens'],
    ['router shorthand', () => build({ router: { simple: 'main', complex: 'backup', teirs: {} } }), 'router.teirs', 'tiers'],
    ['llmClassifier', () => build({ router: { tiers: { simple: 'main', complex: 'backup' }, llmClassifier: { alias: 'main', timeout: 9 } } }), 'router.llmClassifier.timeout', 'timeoutMs'],
    ['SemanticCache', () => new SemanticCache({ minMargn: 0.1 } as never), 'cache.minMargn', 'minMargin'],
    ['MemoryVectorStore', () => new MemoryVectorStore({ maxEntry: 5 } as never), 'store.maxEntry', 'maxEntries'],
    ['localEmbedder', () => localEmbedder({ dimension: 64 } as never), 'embedder.dimension', 'dimensions'],
    ['openai()', () => openai({ apiKey: KEY, baseUrl: 'http://127.0.0.1:1/v1' } as never), 'baseUrl', 'baseURL'],
    ['openaiCompatible()', () => openaiCompatible({ baseURL: 'http://127.0.0.1:1/v1', requiredDone: false } as never), 'requiredDone', 'requireDone'],
    ['openaiCompatible capabilities', () => openaiCompatible({ baseURL: 'http://127.0.0.1:1/v1', capabilities: { tool: true } } as never), 'capabilities.tool', 'tools'],
    ['anthropic()', () => anthropic({ apiKey: KEY, maxTokens: 5 } as never), 'maxTokens', 'defaultMaxTokens'],
    ['gemini()', () => gemini({ apiKey: KEY, header: {} } as never), 'header', 'headers'],
    ['transport', () => build({ transport: { connectTimeout: 5 } }), 'transport.connectTimeout', 'connectTimeoutMs'],
    ['response limits', () => openai({ apiKey: KEY, maxResponseByte: 5 } as never), 'maxResponseByte', 'maxResponseBytes'],
    ['openaiResponses()', () => openaiResponses({ apiKey: KEY, previousResponseId: true } as never), 'previousResponseId', 'usePreviousResponseId'],
    ['azureOpenAI()', () => azureOpenAI({ resource: 'acme', apiKey: KEY, deploymentName: 'x' } as never), 'deploymentName', 'deployment'],
    ['pool affinity', () => build({ models: { main: { deployments: [{ provider: 'mock', model: 'x' }], affinity: { type: 'prompt-prefix', ttl: 5 } } } }), 'models.main.affinity.ttl', 'ttlMs'],
    ['tenant quota', () => build({ budget: { tenants: { acme: { rmp: 5 } } } }), 'budget.tenants.acme.rmp', 'rpm'],
  ];

  it.each(cases)('%s: names the key with its path and the closest valid name', (_where, action, field, suggestion) => {
    const error = invalid(action);
    expect(error.field).toBe(field);
    expect(error.code).toBe('RLLM_INVALID_ARGUMENT');
    expect(error.message).toMatch(new RegExp(`^\`${field.replace(/\./g, '\\.')}\` is not an? .*; did you mean \`${suggestion}\`\\?$`));
  });

  it('words the issue\'s example exactly', () => {
    expect(invalid(() => build({ budget: { maxUsdPerRequest: 0.01 } })).message).toBe(
      '`budget.maxUsdPerRequest` is not an option; did you mean `perRequestUsd`?',
    );
  });

  it('lists the valid names when none is close', () => {
    expect(invalid(() => build({ retry: { zzz: 1 } })).message).toBe(
      '`retry.zzz` is not an option; expected one of `maxRetries`, `baseDelayMs`, `maxDelayMs`, `maxRetryAfterMs`.',
    );
  });
});

describe('per-call options', () => {
  it('refuses a misspelt call option with a suggestion, on chat() and stream()', async () => {
    const llm = build({});
    const chatError = await llm.chat({ model: 'main', messages: user }, { deadline: 5 } as never).catch((error: unknown) => error);
    expect(chatError).toBeInstanceOf(InvalidArgumentError);
    expect((chatError as Error).message).toBe('`deadline` is not a call option; did you mean `deadlineMs`?');
    const streamError = await llm.stream({ model: 'main', messages: user }, { tennant: 'a' } as never).response.catch((error: unknown) => error);
    expect((streamError as Error).message).toBe('`tennant` is not a call option; did you mean `tenant`?');
  });

  it('checks the values of call options the same way', async () => {
    const llm = build({});
    await expect(llm.chat({ model: 'main', messages: user }, { maxRetries: -1 })).rejects.toThrow('Expected `maxRetries` to be a non-negative integer, got -1.');
    await expect(llm.chat({ model: 'main', messages: user }, { hedge: { afterMs: 0 } })).rejects.toThrow('Expected `hedge.afterMs` to be a positive number of milliseconds, got 0.');
    await expect(llm.chat({ model: 'main', messages: user }, { cache: 'skip' as never })).rejects.toThrow('Expected `cache` to be one of false, "refresh", got "skip".');
    await expect(llm.chat({ model: 'main', messages: user }, { fallback: { chain: ['main'], onn: [] } as never })).rejects.toThrow(
      '`fallback.onn` is not an option; did you mean `on`?',
    );
  });

  it('accepts every documented call option', async () => {
    const llm = build({ hedge: { afterMs: 1000 } });
    const response = await llm.chat(
      { model: 'main', messages: user },
      { signal: new AbortController().signal, deadlineMs: 5000, maxRetries: 0, fallback: false, cache: false, tenant: 't', hedge: false, metadata: { a: 1 } },
    );
    expect(response.text).toBe('ok');
  });
});

describe('request fields', () => {
  it('suggests the field for a misspelt request key', async () => {
    const llm = build({});
    await expect(llm.chat({ model: 'main', messages: user, max_tokens: 5 } as never)).rejects.toThrow(
      '`max_tokens` is not a request field; did you mean `maxTokens`?',
    );
  });
});
