import { describe, expect, it, vi } from 'vitest';
import type { NormalizedChatRequest as ChatRequest } from '../../../src/client/types.js';
import { estimateTokens } from '../../../src/cost/estimate-tokens.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import { TaskRouter, type RouteClassifier } from '../../../src/routing/router.js';

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content }],
  ...extra,
});
const signal = () => new AbortController().signal;
const route = (router: TaskRouter, request: ChatRequest) => router.route(request, estimateTokens(request), signal());

describe('TaskRouter', () => {
  const tiers = { simple: 'fast', complex: 'strong' };

  it('sends simple requests to the simple alias and complex ones to the complex alias', async () => {
    const router = new TaskRouter({ tiers });
    await expect(route(router, ask('Translate "thank you" into German.'))).resolves.toMatchObject({
      alias: 'fast',
      tier: 'simple',
      classifiedTier: 'simple',
      source: 'heuristic',
    });
    const decision = await route(router, ask('Design a sharded job queue and discuss the trade-offs.'));
    expect(decision).toMatchObject({ alias: 'strong', tier: 'complex', source: 'heuristic' });
    expect(decision.reason).toContain('trade-offs');
  });

  it('uses a user classifier, with or without a reason', async () => {
    const classifier = vi.fn<RouteClassifier>((request) =>
      request.tools?.length ? { tier: 'complex', reason: 'tools mean agent work here' } : 'simple',
    );
    const router = new TaskRouter({ tiers, classifier });
    await expect(route(router, ask('Prove Fermat’s little theorem.'))).resolves.toEqual({
      alias: 'fast',
      tier: 'simple',
      classifiedTier: 'simple',
      source: 'classifier',
      reason: 'classifier chose simple',
    });
    await expect(route(router, ask('hi', { tools: [{ name: 'lookup', parameters: {} }] }))).resolves.toMatchObject({
      alias: 'strong',
      reason: 'tools mean agent work here',
    });
    expect(classifier).toHaveBeenCalledTimes(2);
    expect(classifier.mock.calls[0]?.[1]).toMatchObject({ estimatedTokens: expect.any(Number) });
  });

  it('routes to a tier the user added', async () => {
    const router = new TaskRouter({ tiers: { simple: 'fast', medium: 'mid', complex: 'strong' }, classifier: async () => 'medium' });
    await expect(route(router, ask('anything'))).resolves.toMatchObject({ alias: 'mid', tier: 'medium' });
  });

  it('falls back to the heuristic when the user classifier returns undefined', async () => {
    const router = new TaskRouter({ tiers, classifier: () => undefined });
    await expect(route(router, ask('Debug this deadlock in my worker pool.'))).resolves.toMatchObject({ source: 'heuristic', tier: 'complex' });
  });

  it('rejects a user classifier answer that is not a tier', async () => {
    const router = new TaskRouter({ tiers, classifier: () => 'hard' });
    await expect(route(router, ask('x'))).rejects.toThrow(/one of simple, complex, got "hard"/);
  });

  it('asks the LLM classifier once for two identical requests', async () => {
    const classify = vi.fn(async () => 'complex');
    const router = new TaskRouter({ tiers, llmClassifier: { classify } });
    const first = await route(router, ask('Is this contract clause enforceable?'));
    const second = await route(router, ask('Is this contract clause enforceable?'));
    expect(classify).toHaveBeenCalledTimes(1);
    expect(first).toMatchObject({ alias: 'strong', source: 'llm-classifier', reason: 'LLM classifier labelled it complex' });
    expect(second).toEqual(first);
    await route(router, ask('A different question?'));
    expect(classify).toHaveBeenCalledTimes(2);
  });

  it('shares one LLM classification between concurrent identical requests', async () => {
    let resolve: (label: string) => void = () => {};
    const classify = vi.fn(() => new Promise<string>((done) => (resolve = done)));
    const router = new TaskRouter({ tiers, llmClassifier: { classify } });
    const both = Promise.all([route(router, ask('same')), route(router, ask('same'))]);
    resolve('simple');
    const [first, second] = await both;
    expect(classify).toHaveBeenCalledTimes(1);
    expect(first.alias).toBe('fast');
    expect(second.alias).toBe('fast');
  });

  it('evicts old labels beyond cacheSize', async () => {
    const classify = vi.fn(async () => 'simple');
    const router = new TaskRouter({ tiers, llmClassifier: { classify, cacheSize: 1 } });
    await route(router, ask('one'));
    await route(router, ask('two'));
    await route(router, ask('one'));
    expect(classify).toHaveBeenCalledTimes(3);
  });

  it('accepts loosely formatted labels and falls back on unknown ones without caching them', async () => {
    const labels = ['  "Complex."', 'I would say: simple', 'banana', 'simple or complex'];
    const classify = vi.fn(async () => labels.shift() ?? 'simple');
    const router = new TaskRouter({ tiers, llmClassifier: { classify } });
    await expect(route(router, ask('a'))).resolves.toMatchObject({ tier: 'complex', source: 'llm-classifier' });
    await expect(route(router, ask('b'))).resolves.toMatchObject({ tier: 'simple', source: 'llm-classifier' });
    const unknown = await route(router, ask('Debug my race condition.'));
    expect(unknown).toMatchObject({ tier: 'complex', source: 'heuristic' });
    expect(unknown.reason).toMatch(/^LLM classifier gave no known tier; complex/);
    const ambiguous = await route(router, ask('Debug my race condition.'));
    expect(ambiguous.source).toBe('heuristic');
    expect(classify).toHaveBeenCalledTimes(4);
  });

  it('falls back to the heuristic when the LLM classifier fails, and retries it next time', async () => {
    const classify = vi.fn().mockRejectedValueOnce(new Error('HTTP 503')).mockResolvedValueOnce('complex');
    const router = new TaskRouter({ tiers, llmClassifier: { classify } });
    const failed = await route(router, ask('hello'));
    expect(failed).toMatchObject({ tier: 'simple', source: 'heuristic' });
    expect(failed.reason).toContain('LLM classifier failed (HTTP 503)');
    await expect(route(router, ask('hello'))).resolves.toMatchObject({ tier: 'complex', source: 'llm-classifier' });
  });

  it('rejects with the abort reason when the caller aborts during LLM classification', async () => {
    const controller = new AbortController();
    const router = new TaskRouter({ tiers, llmClassifier: { classify: () => new Promise<string>(() => {}) } });
    const pending = router.route(ask('x'), 5, controller.signal);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(new TaskRouter({ tiers }).route(ask('x'), 5, controller.signal)).rejects.toThrow('gone');
  });

  it('leaves the decision unchanged when the chosen alias has no larger alternative', async () => {
    const router = new TaskRouter({ tiers, contextWindows: (alias) => (alias === 'strong' ? 200_000 : 100_000) });
    const decision = await router.route(ask('hi'), 500_000, signal());
    expect(decision.alias).toBe('strong');
    expect(decision.reason).toContain('strong (context window 200000) cannot hold ~501024 tokens and no tier has a larger window');
  });

  describe('context windows', () => {
    const windows: Record<string, number> = { fast: 16_000, mid: 128_000, strong: 200_000, long: 1_000_000 };
    const contextWindows = (alias: string) => windows[alias];

    it('keeps the chosen alias when the prompt plus maxTokens fits', async () => {
      const router = new TaskRouter({ tiers, contextWindows, classifier: () => 'simple' });
      await expect(router.route(ask('hi', { maxTokens: 1_000 }), 14_000, signal())).resolves.toMatchObject({ alias: 'fast', tier: 'simple' });
    });

    it('moves up to the next tier whose window holds prompt plus maxTokens, and says why', async () => {
      const router = new TaskRouter({ tiers: { simple: 'fast', medium: 'mid', complex: 'strong' }, contextWindows, classifier: () => 'simple' });
      const decision = await router.route(ask('hi', { maxTokens: 4_000 }), 14_000, signal());
      expect(decision).toMatchObject({ alias: 'mid', tier: 'medium', classifiedTier: 'simple' });
      expect(decision.reason).toContain('fast (context window 16000) cannot hold ~18000 tokens, moved to medium (mid)');
    });

    it('reserves reservedOutputTokens when the request has no maxTokens', async () => {
      const simpleFirst = () => 'simple';
      const router = new TaskRouter({ tiers, contextWindows, classifier: simpleFirst, reservedOutputTokens: 2_001 });
      await expect(router.route(ask('hi'), 14_000, signal())).resolves.toMatchObject({ alias: 'strong' });
      await expect(new TaskRouter({ tiers, contextWindows, classifier: simpleFirst }).route(ask('hi'), 14_000, signal())).resolves.toMatchObject({ alias: 'fast' });
    });

    it('moves down to a cheaper tier with a larger window when no stronger one fits', async () => {
      const router = new TaskRouter({ tiers: { simple: 'long', complex: 'strong' }, contextWindows, classifier: () => 'complex' });
      const decision = await router.route(ask('review'), 300_000, signal());
      expect(decision).toMatchObject({ alias: 'long', tier: 'simple', classifiedTier: 'complex' });
    });

    it('uses the largest window when none fits', async () => {
      const router = new TaskRouter({ tiers: { simple: 'fast', medium: 'mid', complex: 'strong' }, contextWindows, classifier: () => 'simple' });
      const decision = await router.route(ask('hi'), 5_000_000, signal());
      expect(decision.alias).toBe('strong');
      expect(decision.reason).toMatch(/no tier's context window holds ~5001024 tokens, using the largest: complex \(strong, 200000\)/);
    });

    it('treats an unknown window as fitting', async () => {
      const router = new TaskRouter({ tiers: { simple: 'fast', complex: 'custom' }, contextWindows });
      await expect(router.route(ask('hi'), 100_000, signal())).resolves.toMatchObject({ alias: 'custom' });
    });
  });

  it('validates its options eagerly', () => {
    expect(() => new TaskRouter({ tiers: { simple: 'fast' } })).toThrow(InvalidArgumentError);
    expect(() => new TaskRouter({ tiers: { simple: 'fast' } })).toThrow(/`router.complex`/);
    expect(() => new TaskRouter({ tiers: { simple: 'fast', complex: '' } })).toThrow(/non-empty alias/);
    expect(() => new TaskRouter({ tiers, llmClassifier: { classify: async () => 'simple', cacheSize: -1 } })).toThrow(
      /Expected `router.llmClassifier.cacheSize` to be a non-negative integer, got -1/,
    );
  });
});
