import { describe, expect, it } from 'vitest';
import type { ResponseCache } from '../../src/cache/response-cache.js';
import type { ChatRequest, Message, NormalizedChatRequest, ToolSpec } from '../../src/client/types.js';
import { computeCost } from '../../src/cost/compute-cost.js';
import type { ModelPrice } from '../../src/cost/price-table.js';
import { InvalidArgumentError } from '../../src/errors/errors.js';
import type { EventMap } from '../../src/events/events.js';
import { DEFAULT_TIER_DESCRIPTIONS } from '../../src/routing/classifier-prompt.js';
import { serverError, type ProviderServerRequest } from '../../src/testing/index.js';
import { startPoolHarness } from './helpers/pool-harness.js';

// The built-in LLM classifier (`router.llmClassifier.alias`) through the public client against a
// real loopback server: what the labelling request looked like on the wire, where the label sent
// the request, what it cost, and what happens when the labeller fails or is slow.

const models = {
  fast: { provider: 'openai', model: 'fast-model' },
  strong: { provider: 'openai', model: 'strong-model' },
  label: { provider: 'openai', model: 'label-model' },
};
const PRICES: Readonly<Record<string, ModelPrice>> = {
  'fast-model': { inputPerMillion: 1, outputPerMillion: 2 },
  'strong-model': { inputPerMillion: 50, outputPerMillion: 100 },
  'label-model': { inputPerMillion: 3, outputPerMillion: 6 },
};
/** The heuristic calls this simple (a light-task marker, no code): a label must be what moves it. */
const CONTRACT = 'Translate and explain whether this non-compete clause is enforceable in California.';
/** The heuristic calls this complex (code block, reasoning markers). */
const CODE_REVIEW = 'Review this code for race conditions:\n```ts\nlet n = 0;\nawait Promise.all([inc(), inc()]);\n```';

const auto = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'auto', messages: [{ role: 'user', content }], ...extra });

type OpenAIBody = {
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly max_completion_tokens?: number;
  readonly temperature?: number;
  readonly tools?: unknown;
};
const bodyOf = (request: ProviderServerRequest | undefined): OpenAIBody => request?.body as OpenAIBody;
const isLabelRequest = (request: ProviderServerRequest): boolean => bodyOf(request).messages[0]?.content.startsWith('You route requests') === true;

describe('the built-in LLM classifier (router.llmClassifier.alias)', () => {
  it('asks the configured alias with the built-in prompt and the last user message only, then routes complex to the strong alias', async () => {
    const harness = await startPoolHarness({ 'fast-model': [{ text: 'complex' }], 'strong-model': [{ text: 'It depends on the state.' }] });
    const llm = harness.client({ models, router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier: { alias: 'fast' } } });
    const lookup: ToolSpec = { name: 'lookup_statute', description: 'Finds a statute', parameters: { type: 'object', properties: { code: { type: 'string' } } } };
    const messages: Message[] = [
      { role: 'system', content: 'You are a careful paralegal.' },
      { role: 'user', content: 'Earlier question that must not be sent.' },
      { role: 'assistant', content: 'Earlier answer.' },
      { role: 'user', content: CONTRACT },
    ];

    const response = await llm.chat({ model: 'auto', messages, tools: [lookup] });

    expect(harness.modelsSeen()).toEqual(['fast-model', 'strong-model']);
    const label = bodyOf(harness.server.requests[0]);
    expect(label.messages).toHaveLength(2);
    expect(label.messages[0]?.role).toBe('system');
    expect(label.messages[0]?.content).toContain(`- simple: ${DEFAULT_TIER_DESCRIPTIONS.simple}`);
    expect(label.messages[0]?.content).toContain(`- complex: ${DEFAULT_TIER_DESCRIPTIONS.complex}`);
    expect(label.messages[0]?.content).toContain('Answer with exactly one tier name (simple, complex) and nothing else.');
    expect(label.messages[1]).toEqual({ role: 'user', content: CONTRACT });
    expect(label).toMatchObject({ max_completion_tokens: 8, temperature: 0 });
    expect(label.tools).toBeUndefined();
    // The routed request itself goes out whole.
    expect(bodyOf(harness.server.requests[1]).messages).toHaveLength(4);
    expect(bodyOf(harness.server.requests[1]).tools).toBeDefined();
    expect(response).toMatchObject({ alias: 'strong', text: 'It depends on the state.' });
    expect(response.route).toMatchObject({ tier: 'complex', source: 'llm-classifier', reason: 'LLM classifier labelled it complex' });
  });

  it('routes a label of simple to the fast alias even when the heuristic would say complex', async () => {
    const harness = await startPoolHarness({ 'fast-model': [{ text: 'Simple.' }, { text: 'n can end at 1.' }], 'strong-model': [{ text: 'strong' }] });
    const llm = harness.client({ models, router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier: { alias: 'fast' } } });

    const response = await llm.chat(auto(CODE_REVIEW));

    expect(harness.modelsSeen()).toEqual(['fast-model', 'fast-model']);
    expect(harness.server.requests.map(isLabelRequest)).toEqual([true, false]);
    expect(response).toMatchObject({ alias: 'fast', text: 'n can end at 1.', route: { tier: 'simple', source: 'llm-classifier' } });
  });

  it('lists custom tiers with their descriptions and routes to one of them', async () => {
    const harness = await startPoolHarness({ 'label-model': [{ text: 'medium' }], 'fast-model': [{ text: 'medium answer' }] });
    const llm = harness.client({
      models,
      router: {
        tiers: { simple: 'label', medium: 'fast', complex: 'strong', 'long-context': 'strong' },
        llmClassifier: { alias: 'label', descriptions: { medium: 'explanations and short writing' } },
      },
    });

    const response = await llm.chat(auto('Explain the CAP theorem.'));

    const system = bodyOf(harness.server.requests[0]).messages[0]?.content ?? '';
    expect(system.split('\n').filter((line) => line.startsWith('- '))).toEqual([
      `- simple: ${DEFAULT_TIER_DESCRIPTIONS.simple}`,
      '- medium: explanations and short writing',
      `- complex: ${DEFAULT_TIER_DESCRIPTIONS.complex}`,
      '- long-context',
    ]);
    expect(response).toMatchObject({ alias: 'fast', text: 'medium answer', route: { tier: 'medium', source: 'llm-classifier' } });
  });

  it('truncates a long last user message to maxPromptChars', async () => {
    const harness = await startPoolHarness({ 'label-model': [{ text: 'simple' }], 'fast-model': [{ text: 'ok' }] });
    const llm = harness.client({ models, router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier: { alias: 'label', maxPromptChars: 300 } } });
    const long = `Summarize this: ${'The meeting covered budgets. '.repeat(400)}What was decided?`;

    await llm.chat(auto(long));

    const sent = bodyOf(harness.server.requestsFor('label-model')[0]).messages[1]?.content ?? '';
    expect(sent.startsWith('Summarize this: The meeting')).toBe(true);
    expect(sent.endsWith('What was decided?')).toBe(true);
    expect(sent).toContain(`[… ${long.length - 300} characters omitted …]`);
    expect(sent.length).toBeLessThan(360);
    expect(bodyOf(harness.server.requestsFor('fast-model')[0]).messages[0]?.content).toBe(long);
  });

  it('makes no second labelling call for a second identical prompt, and reports the cost only on the call that paid for it', async () => {
    const harness = await startPoolHarness({
      'label-model': [{ text: 'complex', usage: { inputTokens: 150, outputTokens: 2 } }],
      'strong-model': [{ text: 'answer', usage: { inputTokens: 40, outputTokens: 10 } }],
    });
    const llm = harness.client({ models, prices: PRICES, router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier: { alias: 'label' } } });
    const routes: EventMap['route'][] = [];
    llm.on('route', (event) => routes.push(event));

    const first = await llm.chat(auto(CONTRACT));
    const second = await llm.chat(auto(CONTRACT));

    expect(harness.modelsSeen()).toEqual(['label-model', 'strong-model', 'strong-model']);
    const labelCost = computeCost({ inputTokens: 150, outputTokens: 2, totalTokens: 152 }, PRICES['label-model']!);
    expect(first.route).toEqual({
      tier: 'complex',
      source: 'llm-classifier',
      reason: 'LLM classifier labelled it complex',
      classifierCost: labelCost,
      classifierUsage: expect.objectContaining({ inputTokens: 150, outputTokens: 2, totalTokens: 152 }),
    });
    expect(second.route).toEqual({ tier: 'complex', source: 'llm-classifier', reason: 'LLM classifier labelled it complex (cached)' });
    expect(routes.map((event) => event.classifierCost)).toEqual([labelCost, undefined]);
    expect(routes[0]?.classifierUsage).toEqual(first.route?.classifierUsage);
  });

  it('counts the labelling call in usage totals, charged to the same tenant and tagged as the classifier', async () => {
    const harness = await startPoolHarness({
      'label-model': [{ text: 'simple', usage: { inputTokens: 200, outputTokens: 1 } }],
      'fast-model': [{ text: 'done', usage: { inputTokens: 30, outputTokens: 5 } }],
    });
    const llm = harness.client({ models, prices: PRICES, router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier: { alias: 'label' } } });
    const starts: EventMap['request-start'][] = [];
    llm.on('request-start', (event) => starts.push(event));

    const response = await llm.chat(auto(CONTRACT), { tenant: 'acme' });

    const labelCost = computeCost({ inputTokens: 200, outputTokens: 1, totalTokens: 201 }, PRICES['label-model']!);
    const answerCost = computeCost({ inputTokens: 30, outputTokens: 5, totalTokens: 35 }, PRICES['fast-model']!);
    expect(response.cost).toBeCloseTo(answerCost, 12);
    expect(response.route?.classifierCost).toBeCloseTo(labelCost, 12);
    const usage = llm.usage();
    expect(usage.total).toMatchObject({ requests: 2, inputTokens: 230, outputTokens: 6 });
    expect(usage.total.cost).toBeCloseTo(labelCost + answerCost, 12);
    expect(usage.byAlias.label).toMatchObject({ requests: 1, inputTokens: 200, outputTokens: 1 });
    expect(usage.byTenant.acme).toMatchObject({ requests: 2, inputTokens: 230 });
    expect(starts.map((event) => [event.model, event.metadata])).toEqual([
      ['auto', undefined],
      ['label', { purpose: 'route-classifier', routedRequestId: starts[0]?.requestId }],
    ]);
  });

  it('never looks the labelling call up in the response cache nor stores it there', async () => {
    const harness = await startPoolHarness({ 'label-model': [{ text: 'simple' }], 'fast-model': [{ text: 'ok' }] });
    const looked: string[] = [];
    const stored: string[] = [];
    const cache: ResponseCache = {
      lookup: async (request: NormalizedChatRequest) => {
        looked.push(request.model);
        return undefined;
      },
      store: async (request: NormalizedChatRequest) => {
        stored.push(request.model);
      },
    };
    const llm = harness.client({ models, cache, router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier: { alias: 'label' } } });

    await llm.chat(auto(CONTRACT));

    expect(harness.modelsSeen()).toEqual(['label-model', 'fast-model']);
    expect(looked).toEqual(['fast']);
    await expect.poll(() => stored).toEqual(['fast']);
  });

  it('falls back to the heuristic, saying why, when the labelling call fails', async () => {
    const harness = await startPoolHarness({ 'label-model': [serverError(500)], 'strong-model': [{ text: 'strong' }] });
    const llm = harness.client({
      models,
      retry: { maxRetries: 1, baseDelayMs: 1 },
      router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier: { alias: 'label' } },
    });

    const response = await llm.chat(auto(CODE_REVIEW));

    expect(harness.modelsSeen()).toEqual(['label-model', 'label-model', 'strong-model']);
    expect(response.alias).toBe('strong');
    expect(response.route).toMatchObject({ tier: 'complex', source: 'heuristic' });
    expect(response.route?.reason).toMatch(/^LLM classifier failed \(.*HTTP 500.*\); complex \(score \d+\): code block/);
    expect(response.route).not.toHaveProperty('classifierCost');
    expect(llm.usage().byAlias.label).toMatchObject({ requests: 2, errors: 2 });
  });

  it('abandons a labelling call slower than timeoutMs, closes it, and lets the heuristic decide', async () => {
    const harness = await startPoolHarness({ 'label-model': [{ text: 'complex', delayMs: 3_000 }], 'fast-model': [{ text: 'fast' }] });
    const llm = harness.client({ models, router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier: { alias: 'label', timeoutMs: 100 } } });

    const startedAt = performance.now();
    const response = await llm.chat(auto(CONTRACT));
    const elapsedMs = performance.now() - startedAt;

    expect(elapsedMs).toBeGreaterThanOrEqual(90);
    expect(elapsedMs).toBeLessThan(2_000);
    expect(harness.modelsSeen()).toEqual(['label-model', 'fast-model']);
    expect(response).toMatchObject({ alias: 'fast', route: { tier: 'simple', source: 'heuristic' } });
    expect(response.route?.reason).toMatch(/^LLM classifier timed out after 100 ms; simple/);
    await expect.poll(() => harness.server.closedEarly).toBe(1);
  });

  it('rejects an llmClassifier with neither alias nor classify, with both, or with an alias that is not configured', async () => {
    const harness = await startPoolHarness({});
    const build = (llmClassifier: object) => () =>
      harness.client({ models, router: { tiers: { simple: 'fast', complex: 'strong' }, llmClassifier } as never });
    const failure = (make: () => unknown): InvalidArgumentError => {
      try {
        make();
      } catch (error) {
        if (error instanceof InvalidArgumentError) return error;
        throw error;
      }
      throw new Error('expected the client constructor to throw');
    };

    expect(failure(build({}))).toMatchObject({ field: 'router.llmClassifier.alias', message: expect.stringMatching(/got neither/) });
    expect(failure(build({ alias: 'label', classify: async () => 'simple' }))).toMatchObject({
      field: 'router.llmClassifier',
      message: expect.stringMatching(/exactly one of .* got both/),
    });
    expect(failure(build({ alias: 'cheap' }))).toMatchObject({
      field: 'router.llmClassifier.alias',
      message: 'Expected `router.llmClassifier.alias` to be a configured alias, got "cheap".',
    });
    expect(failure(build({ alias: 'auto' }))).toMatchObject({ field: 'router.llmClassifier.alias', message: expect.stringMatching(/other than "auto"/) });
    expect(harness.server.requests).toHaveLength(0);
  });
});
