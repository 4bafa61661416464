import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { StreamPart } from '../../../src/client/types.js';
import type { Embedder } from '../../../src/cache/embedder.js';
import { SemanticCache } from '../../../src/cache/semantic-cache.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';

const ask = (content: string) => [{ role: 'user' as const, content }];

function client(steps: Parameters<typeof mockProvider>[0], cache = new SemanticCache()) {
  const provider = mockProvider(steps);
  const llm = new ResilientLLM({
    providers: { mock: provider },
    models: { main: { provider: 'mock', model: 'm' }, other: { provider: 'mock', model: 'o' } },
    cache,
    retry: { maxRetries: 0 },
  });
  return { llm, provider };
}

/** Lets the fire-and-forget store finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the cache through ResilientLLM', () => {
  it('emits cache-rejected with the guard and what differed, then cache-miss', async () => {
    const { llm, provider } = client([{ text: 'Paris to London: 2h20.' }, { text: 'London to Paris: 2h20 too.' }], new SemanticCache({ threshold: 0.5 }));
    const events: unknown[] = [];
    llm.on('cache-rejected', (event) => events.push(event));
    llm.on('cache-miss', () => events.push('miss'));
    await llm.chat({ model: 'main', messages: ask('Trains from Paris to London') });
    await settle();
    const second = await llm.chat({ model: 'main', messages: ask('Trains from London to Paris') });
    expect(second.text).toBe('London to Paris: 2h20 too.');
    expect(provider.calls).toHaveLength(2);
    expect(events).toEqual([
      'miss',
      expect.objectContaining({ tier: 'semantic', reason: 'role', detail: expect.stringContaining('roles differ (london, pari)') }),
      'miss',
    ]);
    await llm.close();
  });

  it('answers a repeated question from the exact tier without calling the provider', async () => {
    const { llm, provider } = client([{ text: 'Rotate it in the dashboard.' }]);
    const events: string[] = [];
    llm.on('cache-miss', () => events.push('miss'));
    llm.on('cache-hit', (event) => events.push(`hit:${event.tier}`));
    const first = await llm.chat({ model: 'main', messages: ask('How do I rotate an API key?') });
    expect(first.cached).toBeUndefined();
    await settle();
    const second = await llm.chat({ model: 'main', messages: ask('How do I rotate an API key?') });
    expect(second.text).toBe('Rotate it in the dashboard.');
    expect(second.cached).toMatchObject({ tier: 'exact', similarity: 1 });
    expect(second.attempts).toEqual([]);
    expect(second.usage.totalTokens).toBe(0);
    expect(provider.calls).toHaveLength(1);
    expect(events).toEqual(['miss', 'hit:exact']);
  });

  it('replays a hit as stream parts', async () => {
    const { llm, provider } = client([{ text: 'Cached words.' }]);
    await llm.chat({ model: 'main', messages: ask('Say something') });
    await settle();
    const parts: StreamPart[] = [];
    for await (const part of llm.stream({ model: 'main', messages: ask('Say something') })) parts.push(part);
    expect(parts.map((part) => part.type)).toEqual(['start', 'text-delta', 'finish']);
    expect((parts[1] as { text: string }).text).toBe('Cached words.');
    expect(provider.calls).toHaveLength(1);
  });

  it('never serves across aliases or tenants, and honours cache: false and refresh', async () => {
    const { llm, provider } = client({ respond: (_request, index) => ({ text: `answer ${index}` }) });
    await llm.chat({ model: 'main', messages: ask('Q?') }, { tenant: 'acme' });
    await settle();
    expect((await llm.chat({ model: 'main', messages: ask('Q?') }, { tenant: 'globex' })).text).toBe('answer 1');
    expect((await llm.chat({ model: 'other', messages: ask('Q?') }, { tenant: 'acme' })).text).toBe('answer 2');
    expect((await llm.chat({ model: 'main', messages: ask('Q?') }, { tenant: 'acme', cache: false })).text).toBe('answer 3');
    expect((await llm.chat({ model: 'main', messages: ask('Q?') }, { tenant: 'acme', cache: 'refresh' })).text).toBe('answer 4');
    await settle();
    const hit = await llm.chat({ model: 'main', messages: ask('Q?') }, { tenant: 'acme' });
    expect(hit.text).toBe('answer 4');
    expect(provider.calls).toHaveLength(5);
  });

  it('does not store an answer that was restarted or cut', async () => {
    const { llm, provider } = client([{ stream: [{ type: 'text-delta', text: 'half' }] }, { text: 'whole answer', finishReason: 'length' }, { text: 'fine' }]);
    await llm.stream({ model: 'main', messages: ask('Tell me') }).response.catch(() => undefined);
    await llm.chat({ model: 'main', messages: ask('Tell me') });
    await settle();
    const third = await llm.chat({ model: 'main', messages: ask('Tell me') });
    expect(third.text).toBe('fine');
    expect(third.cached).toBeUndefined();
    expect(provider.calls).toHaveLength(3);
  });

  it('serves uncached and emits cache-error when the embedder fails', async () => {
    const failing: Embedder = {
      id: 'failing',
      dimensions: 4,
      async embed() {
        throw new Error('embedding service down');
      },
    };
    const { llm, provider } = client([{ text: 'live answer' }], new SemanticCache({ embedder: failing }));
    const errors: string[] = [];
    llm.on('cache-error', (event) => errors.push(event.error.message));
    await llm.chat({ model: 'main', messages: ask('first question') });
    await settle();
    const response = await llm.chat({ model: 'main', messages: ask('a different question') });
    expect(response.text).toBe('live answer');
    expect(provider.calls).toHaveLength(2);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('records a would-be hit in shadow mode without serving it', async () => {
    const { llm, provider } = client({ respond: (_request, index) => ({ text: `live ${index}` }) }, new SemanticCache({ shadow: 'all' }));
    const hits: { tier: string; isShadow: boolean }[] = [];
    llm.on('cache-hit', (event) => hits.push({ tier: event.tier, isShadow: event.isShadow }));
    await llm.chat({ model: 'main', messages: ask('What is a circuit breaker?') });
    await settle();
    const second = await llm.chat({ model: 'main', messages: ask('What is a circuit breaker?') });
    expect(second.text).toBe('live 1');
    expect(second.cached).toBeUndefined();
    expect(provider.calls).toHaveLength(2);
    expect(hits).toEqual([{ tier: 'exact', isShadow: true }]);
  });
});
