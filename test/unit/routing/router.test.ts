import { describe, expect, it, vi } from 'vitest';
import type { NormalizedChatRequest as ChatRequest } from '../../../src/client/types.js';
import { estimateTokens } from '../../../src/cost/estimate-tokens.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import type { Clock } from '../../../src/providers/provider.js';
import { TaskRouter, type LlmClassify, type RouteClassifier } from '../../../src/routing/router.js';

/** A clock whose timers fire only when the test says so. */
class ManualClock implements Clock {
  private readonly timers = new Map<number, { callback: () => void; ms: number }>();
  private nextHandle = 0;
  now(): number {
    return 0;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    this.timers.set(++this.nextHandle, { callback, ms });
    return this.nextHandle;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** The delays of the timers still pending. */
  pending(): number[] {
    return [...this.timers.values()].map((timer) => timer.ms);
  }
  fireAll(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    for (const timer of due) timer.callback();
  }
}

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
    expect(second).toEqual({ ...first, reason: 'LLM classifier labelled it complex (cached)' });
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

  describe('LLM classifier timeouts, cost and context', () => {
    it('abandons a classifier slower than timeoutMs, aborts its signal, and lets the heuristic decide', async () => {
      const clock = new ManualClock();
      const signals: AbortSignal[] = [];
      // Ignores its signal, as a badly written classifier would: the timeout must still release the request.
      const classify = vi.fn<LlmClassify>((_request, classifierSignal) => {
        signals.push(classifierSignal);
        return new Promise<string>(() => {});
      });
      const router = new TaskRouter({ tiers, clock, llmClassifier: { classify, timeoutMs: 50 } });
      const pending = route(router, ask('Debug my race condition.'));
      await vi.waitFor(() => expect(clock.pending()).toEqual([50]));
      clock.fireAll();
      const decision = await pending;
      expect(decision).toMatchObject({ tier: 'complex', source: 'heuristic' });
      expect(decision.reason).toMatch(/^LLM classifier timed out after 50 ms; complex/);
      expect(signals[0]?.aborted).toBe(true);
      expect(decision).not.toHaveProperty('classifierCost');
      // A timed-out classification is not cached: the next identical request asks again.
      const again = route(router, ask('Debug my race condition.'));
      await vi.waitFor(() => expect(classify).toHaveBeenCalledTimes(2));
      clock.fireAll();
      await again;
    });

    it('clears the timeout timer when the classifier answers in time', async () => {
      const clock = new ManualClock();
      const router = new TaskRouter({ tiers, clock, llmClassifier: { classify: async () => 'simple' } });
      await expect(route(router, ask('hi'))).resolves.toMatchObject({ tier: 'simple', source: 'llm-classifier' });
      expect(clock.pending()).toEqual([]);
    });

    it('puts the cost and usage a classifier reports on the decision of the request that paid for it only', async () => {
      const usage = { inputTokens: 120, outputTokens: 2, totalTokens: 122 };
      const classify = vi.fn<LlmClassify>(async () => ({ text: 'complex', usage, cost: 0.0001 }));
      const router = new TaskRouter({ tiers, llmClassifier: { classify } });
      const first = await route(router, ask('Prove it.'));
      const cached = await route(router, ask('Prove it.'));
      expect(first).toMatchObject({ tier: 'complex', source: 'llm-classifier', classifierCost: 0.0001, classifierUsage: usage });
      expect(cached).toMatchObject({ tier: 'complex', source: 'llm-classifier' });
      expect(cached).not.toHaveProperty('classifierCost');
      expect(cached).not.toHaveProperty('classifierUsage');
    });

    it('reports the cost of a call whose label was unusable, on the heuristic decision', async () => {
      const usage = { inputTokens: 100, outputTokens: 3, totalTokens: 103 };
      const router = new TaskRouter({ tiers, llmClassifier: { classify: async () => ({ text: 'banana', usage, cost: 0.00002 }) } });
      const decision = await route(router, ask('hi'));
      expect(decision).toMatchObject({ source: 'heuristic', classifierCost: 0.00002, classifierUsage: usage });
      expect(decision.reason).toMatch(/^LLM classifier gave no known tier; simple/);
    });

    it("passes the routed call's tenant and request id to the classifier", async () => {
      const classify = vi.fn<LlmClassify>(async () => 'simple');
      const router = new TaskRouter({ tiers, llmClassifier: { classify } });
      const request = ask('hi');
      await router.route(request, 5, signal(), { tenant: 'acme', requestId: 'req_1' });
      expect(classify).toHaveBeenCalledWith(request, expect.any(AbortSignal), { tenant: 'acme', requestId: 'req_1' });
    });

    it('asks the alias through the chat function it is given, with the built-in prompt', async () => {
      const chat = vi.fn(async () => ({ text: 'complex', usage: { inputTokens: 90, outputTokens: 1, totalTokens: 91 }, cost: 0.5 }));
      const router = new TaskRouter({
        tiers,
        llmClassifier: { alias: 'fast' },
        chat: chat as unknown as NonNullable<ConstructorParameters<typeof TaskRouter>[0]['chat']>,
      });
      const decision = await router.route(ask('Prove it.'), 5, signal(), { tenant: 'acme', requestId: 'req_9' });
      expect(decision).toMatchObject({ alias: 'strong', source: 'llm-classifier', classifierCost: 0.5 });
      expect(chat).toHaveBeenCalledTimes(1);
      const [sent, options] = chat.mock.calls[0] as unknown as [ChatRequest, Record<string, unknown>];
      expect(sent).toMatchObject({ model: 'fast', maxTokens: 8, temperature: 0 });
      expect(sent.messages.map((message) => message.role)).toEqual(['system', 'user']);
      expect(sent.messages[1]?.content).toBe('Prove it.');
      expect(options).toMatchObject({ cache: false, tenant: 'acme', metadata: { purpose: 'route-classifier', routedRequestId: 'req_9' } });
      expect(options.signal).toBeInstanceOf(AbortSignal);
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

  it('validates the LLM classifier options, naming the field', () => {
    const chat = async () => {
      throw new Error('not called');
    };
    const fieldOf = (build: () => unknown): string | undefined => {
      try {
        build();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return `${(error as InvalidArgumentError).field} | ${(error as Error).message}`;
      }
      return undefined;
    };
    expect(fieldOf(() => new TaskRouter({ tiers, chat, llmClassifier: {} }))).toMatch(/^router\.llmClassifier\.alias \| .*got neither/);
    expect(fieldOf(() => new TaskRouter({ tiers, chat, llmClassifier: { alias: 'fast', classify: async () => 'simple' } }))).toMatch(
      /^router\.llmClassifier \| Expected exactly one of `router.llmClassifier.alias` and `router.llmClassifier.classify`, got both/,
    );
    expect(fieldOf(() => new TaskRouter({ tiers, chat, llmClassifier: { alias: 'auto' } }))).toMatch(/^router\.llmClassifier\.alias \| .*other than "auto", got "auto"/);
    expect(fieldOf(() => new TaskRouter({ tiers, llmClassifier: { alias: 'fast' } }))).toMatch(/^router\.chat \| /);
    expect(fieldOf(() => new TaskRouter({ tiers, chat, llmClassifier: { alias: 'fast', timeoutMs: 0 } }))).toMatch(
      /^router\.llmClassifier\.timeoutMs \| .*`router.llmClassifier.timeoutMs` to be a positive number of milliseconds, got 0/,
    );
    expect(fieldOf(() => new TaskRouter({ tiers, chat, llmClassifier: { alias: 'fast', maxPromptChars: 1.5 } }))).toMatch(
      /^router\.llmClassifier\.maxPromptChars \| .*to be a positive integer, got 1.5/,
    );
    expect(fieldOf(() => new TaskRouter({ tiers, chat, llmClassifier: { alias: 'fast', descriptions: { medium: 'explanations' } } }))).toMatch(
      /^router\.llmClassifier\.descriptions\.medium \| .*describe tiers of `router.tiers` \(simple, complex\), got "medium"/,
    );
  });
});
