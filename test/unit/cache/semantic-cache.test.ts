import { describe, expect, it } from 'vitest';
import type { NormalizedChatRequest as ChatRequest } from '../../../src/client/types.js';
import { CacheError } from '../../../src/cache/cache-error.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import type { Embedder } from '../../../src/cache/embedder.js';
import { MemoryVectorStore } from '../../../src/cache/memory-vector-store.js';
import { SemanticCache, type CachedAnswer, type SemanticCacheEvent } from '../../../src/cache/semantic-cache.js';
import type { VectorStore } from '../../../src/cache/vector-store.js';
import { answer, ask, contextFor } from './cache-fixtures.js';

const QUESTION = 'How do I reset my router password?';
const PARAPHRASE = 'how do i reset the password of my router';

async function primed(options: ConstructorParameters<typeof SemanticCache>[0] = {}, request = ask(QUESTION)) {
  const cache = new SemanticCache(options);
  await cache.store(request, answer('Hold the reset button for 10 seconds.'), contextFor());
  return cache;
}

describe('SemanticCache', () => {
  it('serves an exact hit for the same request with similarity 1', async () => {
    const cache = await primed();
    const hit = await cache.lookup(ask(`  ${QUESTION}\n`), contextFor());
    expect(hit).toMatchObject({ tier: 'exact', similarity: 1, isShadow: false });
    expect(hit?.response.text).toBe('Hold the reset button for 10 seconds.');
  });

  it('serves a paraphrase from the semantic tier above the threshold', async () => {
    const cache = await primed({ threshold: 0.6 });
    const hit = await cache.lookup(ask(PARAPHRASE), contextFor());
    expect(hit?.tier).toBe('semantic');
    expect(hit?.similarity).toBeGreaterThanOrEqual(0.6);
    expect(hit?.similarity).toBeLessThan(1);
  });

  it('misses an unrelated question', async () => {
    const cache = await primed({ threshold: 0.6 });
    expect(await cache.lookup(ask('What is the capital of Australia?'), contextFor())).toBeUndefined();
  });

  it('reports the age of an entry from the injected clock', async () => {
    let now = 1_000;
    const cache = await primed({ now: () => now });
    now = 4_500;
    expect((await cache.lookup(ask(QUESTION), contextFor()))?.ageMs).toBe(3_500);
  });

  describe('partitions', () => {
    const base = ask(QUESTION);
    const variants: [string, ChatRequest][] = [
      ['model alias', { ...base, model: 'smart' }],
      ['system prompt', { ...base, messages: [{ role: 'system', content: 'You are verbose.' }, base.messages[1]!] }],
      ['earlier turns', {
        ...base,
        messages: [
          base.messages[0]!,
          { role: 'user', content: 'My router is a Netgear.' },
          { role: 'assistant', content: 'Noted.' },
          base.messages[1]!,
        ],
      }],
      ['tools', { ...base, tools: [{ name: 'lookup_manual', parameters: { type: 'object', properties: {} } }] }],
      ['tool choice', { ...base, toolChoice: 'none' }],
      ['response format', { ...base, responseFormat: { type: 'json' } }],
      ['response schema', { ...base, responseFormat: { type: 'json_schema', schema: { type: 'object' } } }],
      ['temperature', { ...base, temperature: 0.2 }],
      ['top p', { ...base, topP: 0.5 }],
      ['max tokens', { ...base, maxTokens: 50 }],
      ['stop sequences', { ...base, stop: ['\n'] }],
      ['seed', { ...base, seed: 7 }],
      ['provider options', { ...base, providerOptions: { openai: { logprobs: true } } }],
    ];
    for (const [dimension, variant] of variants) {
      it(`never serves across a different ${dimension}, on either tier`, async () => {
        const cache = await primed({ threshold: 0.3 });
        expect(await cache.lookup(variant, contextFor())).toBeUndefined();
        const paraphrased: ChatRequest = {
          ...variant,
          messages: [...variant.messages.slice(0, -1), { role: 'user', content: PARAPHRASE }],
        };
        expect(await cache.lookup(paraphrased, contextFor())).toBeUndefined();
        // The same change on both sides shares a partition again.
        await cache.store(variant, answer('variant answer'), contextFor());
        expect((await cache.lookup(variant, contextFor()))?.response.text).toBe('variant answer');
        expect((await cache.lookup(base, contextFor()))?.response.text).toBe('Hold the reset button for 10 seconds.');
      });
    }

    it('never serves one namespace the answer of another', async () => {
      const cache = new SemanticCache({ threshold: 0.3 });
      await cache.store(ask(QUESTION), answer('tenant A answer'), contextFor('tenant-a'));
      expect(await cache.lookup(ask(QUESTION), contextFor('tenant-b'))).toBeUndefined();
      expect(await cache.lookup(ask(PARAPHRASE), contextFor('tenant-b'))).toBeUndefined();
      expect(await cache.lookup(ask(QUESTION), contextFor())).toBeUndefined();
      expect((await cache.lookup(ask(QUESTION), contextFor('tenant-a')))?.response.text).toBe('tenant A answer');
    });

    it('keeps tool schemas that differ only deep inside apart', async () => {
      const tool = (unit: string) => ({ name: 'weather', parameters: { type: 'object', properties: { unit: { enum: [unit] } } } });
      const cache = await primed({}, ask(QUESTION, { tools: [tool('c')] }));
      expect(await cache.lookup(ask(QUESTION, { tools: [tool('f')] }), contextFor())).toBeUndefined();
      expect(await cache.lookup(ask(QUESTION, { tools: [tool('c')] }), contextFor())).toBeDefined();
    });
  });

  describe('guards', () => {
    const cases: [string, string, string, string][] = [
      ['negation', 'Is it safe to eat raw chicken?', 'Is it not safe to eat raw chicken?', 'negation'],
      ['contracted negation', 'Should I restart the server?', "Shouldn't I restart the server?", 'negation'],
      ['numbers', 'What is 15% of 200 dollars?', 'What is 15% of 300 dollars?', 'number'],
      ['number words', 'Give me three tips for sleeping better', 'Give me five tips for sleeping better', 'number'],
      ['named entities', 'What is the population of Paris in France?', 'What is the population of Lyon in France?', 'entity'],
      ['product names', 'How do I install PyTorch on Ubuntu?', 'How do I install TensorFlow on Ubuntu?', 'entity'],
    ];
    for (const [name, stored, asked, reason] of cases) {
      it(`rejects a semantic hit when ${name} differ`, async () => {
        const events: SemanticCacheEvent[] = [];
        const cache = new SemanticCache({ threshold: 0.3, onEvent: (event) => events.push(event) });
        await cache.store(ask(stored), answer('stored answer'), contextFor());
        expect(await cache.lookup(ask(asked), contextFor())).toBeUndefined();
        expect(events).toContainEqual(expect.objectContaining({ type: 'rejected', reason }));
        // Without the guards the same pair would have been served: the guard is what refused it.
        const unguarded = new SemanticCache({ threshold: 0.3, guards: { negation: false, numbers: false, entities: false } });
        await unguarded.store(ask(stored), answer('stored answer'), contextFor());
        expect((await unguarded.lookup(ask(asked), contextFor()))?.tier).toBe('semantic');
      });
    }

    it('treats "2" and "two" as the same number', async () => {
      const cache = await primed({ threshold: 0.3 }, ask('What are two ways to reset a router?'));
      expect((await cache.lookup(ask('What are 2 ways to reset a router?'), contextFor()))?.tier).toBe('semantic');
    });
  });

  describe('what is stored', () => {
    const refused: [string, ReturnType<typeof answer>][] = [
      ['a response cut by max tokens', answer('Hold the', { finishReason: 'length' })],
      ['a filtered response', answer('', { finishReason: 'content-filter' })],
      ['an errored response', answer('partial', { finishReason: 'error' })],
      ['a response with incomplete tool calls', answer('', { incompleteToolCalls: [{ id: 'call_1', name: 'lookup', argsText: '{"q":' }] })],
      ['a tool-call turn', answer('', { finishReason: 'tool-calls', toolCalls: [{ id: 'call_1', name: 'lookup', args: {} }] })],
      ['a refusal', answer('', { refusal: 'I cannot help with that.' })],
      ['an empty answer', answer('')],
      ['a response replayed from the cache', answer('cached', { cached: { tier: 'exact', similarity: 1, ageMs: 5 } })],
    ];
    for (const [name, response] of refused) {
      it(`refuses to store ${name}`, async () => {
        const events: SemanticCacheEvent[] = [];
        const store = new MemoryVectorStore<CachedAnswer>();
        const cache = new SemanticCache({ store, onEvent: (event) => events.push(event) });
        await cache.store(ask(QUESTION), response, contextFor());
        expect(store.size).toBe(0);
        expect(await cache.lookup(ask(QUESTION), contextFor())).toBeUndefined();
        expect(events[0]).toMatchObject({ type: 'skipped', operation: 'store' });
      });
    }

    it('stores a tool-call turn when shouldCacheToolCalls is set', async () => {
      const cache = new SemanticCache({ shouldCacheToolCalls: true });
      const toolTurn = answer('', { finishReason: 'tool-calls', toolCalls: [{ id: 'call_1', name: 'lookup', args: { q: 'router' } }] });
      await cache.store(ask(QUESTION), toolTurn, contextFor());
      expect((await cache.lookup(ask(QUESTION), contextFor()))?.response.toolCalls[0]?.args).toEqual({ q: 'router' });
    });

    it('does not store when the call was aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const cache = new SemanticCache();
      await cache.store(ask(QUESTION), answer('x'), contextFor(undefined, controller.signal));
      expect(await cache.lookup(ask(QUESTION), contextFor())).toBeUndefined();
    });

    it('does not cache requests whose last user turn holds an image', async () => {
      const cache = new SemanticCache();
      const request = ask(QUESTION, {
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', image: 'https://example.com/a.png' }] }],
      });
      await cache.store(request, answer('A cat.'), contextFor());
      expect(await cache.lookup(request, contextFor())).toBeUndefined();
    });
  });

  describe('ambiguity margin', () => {
    /** An embedder that answers from a fixed table, so the test sets every similarity exactly. */
    const tableEmbedder = (table: Record<string, readonly number[]>): Embedder => ({
      id: 'table',
      dimensions: 4,
      async embed(texts) {
        return texts.map((text) => Float32Array.from(table[text]!));
      },
    });
    const unit = (first: number, axis: 1 | 2 | 3) => {
      const vector = [first, 0, 0, 0];
      vector[axis] = Math.sqrt(1 - first * first);
      return vector;
    };
    const QUERY = 'router reset steps';

    async function cacheWith(table: Record<string, readonly number[]>, options: ConstructorParameters<typeof SemanticCache>[0] = {}) {
      const events: SemanticCacheEvent[] = [];
      const cache = new SemanticCache({ embedder: tableEmbedder({ ...table, [QUERY]: [1, 0, 0, 0] }), onEvent: (event) => events.push(event), ...options });
      for (const question of Object.keys(table)) await cache.store(ask(question), answer(`answer to ${question}`), contextFor());
      return { cache, events };
    }

    it('refuses the best match when another stored question scores within minMargin of it', async () => {
      const { cache, events } = await cacheWith({ 'How do I reset the router?': unit(0.9, 1), 'How do I reboot the router?': unit(0.87, 2) });
      expect(await cache.lookup(ask(QUERY), contextFor())).toBeUndefined();
      expect(events).toContainEqual(expect.objectContaining({ type: 'rejected', reason: 'ambiguous', cachedQuestion: 'How do I reset the router?' }));
      const { cache: unchecked } = await cacheWith(
        { 'How do I reset the router?': unit(0.9, 1), 'How do I reboot the router?': unit(0.87, 2) },
        { minMargin: 0 },
      );
      expect((await unchecked.lookup(ask(QUERY), contextFor()))?.response.text).toBe('answer to How do I reset the router?');
    });

    it('serves the best match when it leads the next one by at least minMargin', async () => {
      const { cache } = await cacheWith({ 'How do I reset the router?': unit(0.9, 1), 'How do I reboot the router?': unit(0.8, 2) });
      const hit = await cache.lookup(ask(QUERY), contextFor());
      expect(hit?.tier).toBe('semantic');
      expect(hit?.similarity).toBeCloseTo(0.9, 5);
    });

    it('counts a rival below the threshold against the margin', async () => {
      const { cache, events } = await cacheWith({ 'How do I reset the router?': unit(0.75, 1), 'How do I reboot the router?': unit(0.69, 2) });
      expect(await cache.lookup(ask(QUERY), contextFor())).toBeUndefined();
      expect(events).toContainEqual(expect.objectContaining({ type: 'rejected', reason: 'ambiguous' }));
    });

    it('does not count a case or punctuation twin of the best match as a rival', async () => {
      const { cache } = await cacheWith({ 'How do I reset the router?': unit(0.9, 1), 'how do I reset the router': unit(0.89, 2) });
      expect((await cache.lookup(ask(QUERY), contextFor()))?.tier).toBe('semantic');
    });
  });

  describe('temperature threshold', () => {
    it('neither stores nor serves requests above maxTemperature', async () => {
      const store = new MemoryVectorStore<CachedAnswer>();
      const cache = new SemanticCache({ store });
      const hot = ask(QUESTION, { temperature: 0.9 });
      await cache.store(hot, answer('creative'), contextFor());
      expect(store.size).toBe(0);
      await new SemanticCache({ store, maxTemperature: 1 }).store(hot, answer('creative'), contextFor());
      expect(store.size).toBe(1);
      expect(await cache.lookup(hot, contextFor())).toBeUndefined();
    });

    it('caches hot requests once maxTemperature opts in', async () => {
      const cache = new SemanticCache({ maxTemperature: Infinity });
      const hot = ask(QUESTION, { temperature: 1.2 });
      await cache.store(hot, answer('creative'), contextFor());
      expect((await cache.lookup(hot, contextFor()))?.response.text).toBe('creative');
    });
  });

  describe('verify hook', () => {
    it('refuses a candidate when verify returns false and passes it what was found', async () => {
      const seen: unknown[] = [];
      const cache = await primed({
        threshold: 0.6,
        verify: (cached, request) => {
          seen.push({ tier: cached.tier, question: cached.question, asked: request.messages.at(-1)?.content });
          return cached.tier === 'exact';
        },
      });
      expect(await cache.lookup(ask(PARAPHRASE), contextFor())).toBeUndefined();
      expect(seen).toEqual([{ tier: 'semantic', question: QUESTION, asked: PARAPHRASE }]);
      expect((await cache.lookup(ask(QUESTION), contextFor()))?.tier).toBe('exact');
    });

    it('turns a throwing verify into a CacheError', async () => {
      const cache = await primed({ verify: () => { throw new Error('verifier down'); } });
      await expect(cache.lookup(ask(QUESTION), contextFor())).rejects.toMatchObject({ name: 'CacheError', operation: 'verify' });
    });
  });

  describe('role guard', () => {
    it('refuses a question whose words swap roles and says which words and clauses differed', async () => {
      const events: SemanticCacheEvent[] = [];
      const rejections: unknown[] = [];
      const cache = await primed({ threshold: 0.5, onEvent: (event) => events.push(event) }, ask('Flights from Paris to London'));
      const context = { ...contextFor(), onRejected: (rejection: unknown) => rejections.push(rejection) };
      expect(await cache.lookup(ask('flights from London to Paris'), context)).toBeUndefined();
      const detail = 'roles differ (london, pari): "flight from london to pari" vs "flight from pari to london"';
      expect(events).toContainEqual(expect.objectContaining({ type: 'rejected', tier: 'semantic', reason: 'role', detail }));
      expect(rejections).toEqual([expect.objectContaining({ tier: 'semantic', reason: 'role', detail })]);
      expect((await cache.lookup(ask('Flights to London from Paris'), contextFor()))?.tier).toBe('semantic');
    });

    it('says what differed for the other guards too', async () => {
      const events: SemanticCacheEvent[] = [];
      const cache = await primed({ threshold: 0.5, onEvent: (event) => events.push(event) }, ask('Top 3 laptops of 2024'));
      await cache.lookup(ask('Top 3 laptops of 2025'), contextFor());
      expect(events).toContainEqual(expect.objectContaining({ type: 'rejected', reason: 'number', detail: 'numbers differ: "2025 3" vs "2024 3"' }));
    });

    it('can be switched off', async () => {
      const cache = await primed({ threshold: 0.5, guards: { roles: false } }, ask('Flights from Paris to London'));
      expect((await cache.lookup(ask('flights from London to Paris'), contextFor()))?.tier).toBe('semantic');
    });
  });

  describe('shadow mode', () => {
    it('marks semantic hits as shadow and still serves exact hits', async () => {
      const events: SemanticCacheEvent[] = [];
      const cache = await primed({ threshold: 0.6, shadow: 'semantic', onEvent: (event) => events.push(event) });
      expect(await cache.lookup(ask(PARAPHRASE), contextFor())).toMatchObject({ tier: 'semantic', isShadow: true });
      expect(await cache.lookup(ask(QUESTION), contextFor())).toMatchObject({ tier: 'exact', isShadow: false });
      expect(events.filter((event) => event.type === 'hit').map((event) => event.type === 'hit' && event.isShadow)).toEqual([true, false]);
    });

    it('counts how often each guard alone would fire', async () => {
      const cache = await primed({ threshold: 0.5, shadow: 'semantic' }, ask('Can a tenant sue the landlord in 2 weeks?'));
      // Refused by the number guard and the role guard at once: in shadow mode both are counted.
      expect(await cache.lookup(ask('Can the landlord sue a tenant in 3 weeks?'), contextFor())).toBeUndefined();
      expect(await cache.lookup(ask('Can the landlord sue a tenant in 2 weeks?'), contextFor())).toBeUndefined();
      expect(cache.guardCounts()).toEqual({ negation: 0, number: 1, entity: 0, role: 2, ambiguous: 0, verify: 0 });
      const plain = await primed({ threshold: 0.5 }, ask('Can a tenant sue the landlord in 2 weeks?'));
      await plain.lookup(ask('Can the landlord sue a tenant in 3 weeks?'), contextFor());
      expect(plain.guardCounts()).toEqual({ negation: 0, number: 1, entity: 0, role: 0, ambiguous: 0, verify: 0 });
    });

    it("marks every hit as shadow with 'all'", async () => {
      const cache = await primed({ shadow: 'all' });
      expect(await cache.lookup(ask(QUESTION), contextFor())).toMatchObject({ tier: 'exact', isShadow: true });
    });
  });

  describe('failures', () => {
    const failingEmbedder: Embedder = {
      id: 'failing',
      dimensions: 4,
      embed: async () => {
        throw new Error('embedding service unavailable');
      },
    };

    it('throws a CacheError naming the embed step when the embedder fails', async () => {
      const cache = new SemanticCache({ embedder: failingEmbedder });
      const failure = cache.lookup(ask(QUESTION), contextFor());
      await expect(failure).rejects.toBeInstanceOf(CacheError);
      await expect(failure).rejects.toMatchObject({ operation: 'embed', message: 'cache embed failed: embedding service unavailable' });
      await expect(cache.store(ask(QUESTION), answer('x'), contextFor())).rejects.toMatchObject({ operation: 'embed' });
    });

    it('throws a CacheError naming the store step when the store fails', async () => {
      const broken = new Error('connection refused');
      const store: VectorStore<CachedAnswer> = {
        add: async () => { throw broken; },
        search: async () => { throw broken; },
        get: async () => { throw broken; },
        delete: async () => {},
        clear: async () => {},
      };
      const cache = new SemanticCache({ store });
      await expect(cache.lookup(ask(QUESTION), contextFor())).rejects.toMatchObject({ operation: 'get', cause: broken });
      await expect(cache.store(ask(QUESTION), answer('x'), contextFor())).rejects.toMatchObject({ operation: 'add', cause: broken });
    });

    it("rethrows the caller's abort reason instead of a CacheError", async () => {
      const controller = new AbortController();
      const reason = new Error('user cancelled');
      const embedder: Embedder = {
        id: 'slow',
        dimensions: 4,
        embed: async () => {
          controller.abort(reason);
          throw new Error('aborted');
        },
      };
      const cache = new SemanticCache({ embedder });
      await expect(cache.lookup(ask(QUESTION), contextFor(undefined, controller.signal))).rejects.toBe(reason);
    });

    it('validates options eagerly', () => {
      expect(() => new SemanticCache({ threshold: 1.5 })).toThrow(new InvalidArgumentError('cache.threshold', 'Expected `cache.threshold` to be a number in (0, 1], got 1.5.'));
      expect(() => new SemanticCache({ candidates: 0 })).toThrow('Expected `cache.candidates` to be a positive integer, got 0.');
      expect(() => new SemanticCache({ minMargin: -0.1 })).toThrow('Expected `cache.minMargin` to be a number in [0, 1), got -0.1.');
      expect(() => new SemanticCache({ treshold: 0.9 } as never)).toThrow('`cache.treshold` is not a SemanticCache option; did you mean `threshold`?');
      expect(() => new SemanticCache({ guards: { negations: false } } as never)).toThrow('`cache.guards.negations` is not an option; did you mean `negation`?');
      expect(new SemanticCache()).toMatchObject({ threshold: 0.7, minMargin: 0.08 });
    });
  });

  it('evicts entries through the store: TTL and max entries', async () => {
    let now = 10_000;
    const store = new MemoryVectorStore<CachedAnswer>({ maxEntries: 2, ttlMs: 1_000, now: () => now });
    const cache = new SemanticCache({ store, isSemantic: false });
    await cache.store(ask('first question'), answer('1'), contextFor());
    now = 10_600;
    await cache.store(ask('second question'), answer('2'), contextFor());
    now = 11_100;
    expect(await cache.lookup(ask('first question'), contextFor())).toBeUndefined();
    expect((await cache.lookup(ask('second question'), contextFor()))?.response.text).toBe('2');
    await cache.store(ask('third question'), answer('3'), contextFor());
    await cache.store(ask('fourth question'), answer('4'), contextFor());
    expect(await cache.lookup(ask('second question'), contextFor())).toBeUndefined();
    expect(store.size).toBe(2);
  });
});
