import { describe, expect, it } from 'vitest';
import type { ChatRequest, NormalizedChatRequest, ProviderStreamPart, Usage } from '../../src/client/types.js';
import { computeCost, estimateCost } from '../../src/cost/compute-cost.js';
import { estimateTokens } from '../../src/cost/estimate-tokens.js';
import type { ModelPrice } from '../../src/cost/price-table.js';
import type { UsageTotals } from '../../src/cost/usage-ledger.js';
import { BudgetExceededError, ServerError } from '../../src/errors/errors.js';
import type { EventMap } from '../../src/events/events.js';
import type { ProviderAdapter } from '../../src/providers/provider.js';
import { serverError, type ProviderServerRequest } from '../../src/testing/index.js';
import { FastClock, startPoolHarness } from './helpers/pool-harness.js';

// The router and the cost accounting through the public client against a real loopback server:
// which alias 'auto' reaches (by the model the server saw), what each response says it cost, what
// `llm.usage()` adds up, and which calls budgets and the fallback cost cap keep off the wire.

const CLASSIFY = "Classify the sentiment of this review as positive or negative: 'The delivery was quick and the soup was hot.'";
const CODE_REVIEW = [
  'Review this code for bugs and race conditions:',
  '```ts',
  'let count = 0;',
  'export async function increment(db) {',
  "  const value = await db.get('count');",
  "  await db.set('count', value + 1);",
  '  return count++;',
  '}',
  '```',
].join('\n');
/** A light task (~940 estimated tokens) that the heuristic calls simple. */
const LONG_SUMMARY = `Summarize in one sentence: ${'The quarterly meeting covered budgets and hiring plans for the next year. '.repeat(50)}`;

const auto = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'auto', messages: [{ role: 'user', content }], ...extra });
const on = (model: string, content = 'Say something short.', extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: [{ role: 'user', content }],
  ...extra,
});

const PRICES: Readonly<Record<string, ModelPrice>> = {
  'cheap-a': { inputPerMillion: 1, outputPerMillion: 2 },
  'cheap-b': { inputPerMillion: 1, outputPerMillion: 2 },
  'mid-model': { inputPerMillion: 4, outputPerMillion: 8 },
  'dear-model': { inputPerMillion: 100, outputPerMillion: 200 },
};

const usageOf = (inputTokens: number, outputTokens: number): Usage => ({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });

describe("the router behind model: 'auto'", () => {
  const routerModels = {
    fast: { provider: 'openai', model: 'fast-model' },
    strong: { provider: 'openai', model: 'strong-model' },
  };

  it('sends a classification prompt to the fast tier and a code review to the strong tier, and says why', async () => {
    const harness = await startPoolHarness({ 'fast-model': [{ text: 'positive' }], 'strong-model': [{ text: 'There is a race.' }] });
    const llm = harness.client({ models: routerModels, router: { simple: 'fast', complex: 'strong' } });
    const routes: EventMap['route'][] = [];
    llm.on('route', (event) => routes.push(event));

    const classified = await llm.chat(auto(CLASSIFY));
    const reviewed = await llm.chat(auto(CODE_REVIEW));

    expect(harness.modelsSeen()).toEqual(['fast-model', 'strong-model']);
    expect(classified).toMatchObject({ alias: 'fast', text: 'positive', route: { tier: 'simple', source: 'heuristic' } });
    expect(classified.route?.reason).toMatch(/classify/);
    expect(reviewed).toMatchObject({ alias: 'strong', route: { tier: 'complex', source: 'heuristic' } });
    expect(reviewed.route?.reason).toMatch(/code block/);
    expect(routes.map(({ tier, alias }) => [tier, alias])).toEqual([
      ['simple', 'fast'],
      ['complex', 'strong'],
    ]);
    expect(routes.map((event) => event.reason)).toEqual([classified.route?.reason, reviewed.route?.reason]);
  });

  it('lets a user classifier override the heuristic, and falls back to it when the classifier abstains', async () => {
    const harness = await startPoolHarness({ 'fast-model': [{ text: 'fast' }], 'strong-model': [{ text: 'strong' }] });
    const seen: string[] = [];
    const llm = harness.client({
      models: routerModels,
      router: {
        tiers: { simple: 'fast', complex: 'strong' },
        classifier: (request) => {
          const content = request.messages[0]!.content as string;
          seen.push(content);
          return content.startsWith('[vip]') ? { tier: 'complex', reason: 'vip customers get the strong model' } : undefined;
        },
      },
    });

    const vip = await llm.chat(auto(`[vip] ${CLASSIFY}`));
    const regular = await llm.chat(auto(CLASSIFY));

    expect(seen).toEqual([`[vip] ${CLASSIFY}`, CLASSIFY]);
    expect(harness.modelsSeen()).toEqual(['strong-model', 'fast-model']);
    expect(vip.route).toEqual({ tier: 'complex', reason: 'vip customers get the strong model', source: 'classifier' });
    expect(regular.route).toMatchObject({ tier: 'simple', source: 'heuristic' });
  });

  it('skips an alias whose context window cannot hold the prompt plus maxTokens', async () => {
    const harness = await startPoolHarness({ 'fast-model': [{ text: 'fast' }], 'strong-model': [{ text: 'strong' }] });
    const llm = harness.client({
      models: { fast: { ...routerModels.fast, contextWindow: 1_200 }, strong: { ...routerModels.strong, contextWindow: 200_000 } },
      router: { simple: 'fast', complex: 'strong' },
    });
    const prompt = estimateTokens({ model: 'auto', messages: [{ role: 'user', content: LONG_SUMMARY }] });
    expect(prompt).toBeGreaterThan(800);
    expect(prompt + 100).toBeLessThan(1_200); // fits with a short answer…
    expect(prompt + 400).toBeGreaterThan(1_200); // …not with a long one

    const short = await llm.chat(auto(LONG_SUMMARY, { maxTokens: 100 }));
    const long = await llm.chat(auto(LONG_SUMMARY, { maxTokens: 400 }));

    expect(harness.modelsSeen()).toEqual(['fast-model', 'strong-model']);
    expect(short.route).toMatchObject({ tier: 'simple' });
    expect(long.route).toMatchObject({ tier: 'complex', source: 'heuristic' });
    expect(long.route?.reason).toMatch(/fast \(context window 1200\) cannot hold/);
    expect(harness.server.requests.map((request) => (request.body as { max_completion_tokens?: number }).max_completion_tokens)).toEqual([100, 400]);
  });
});

/** Sums a list of attempt usages the way the ledger does, priced at `PRICES`. */
function totalsOf(entries: readonly { model: string; usage?: Usage; isError: boolean }[]): UsageTotals {
  const totals = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, cost: 0, unpricedRequests: 0 };
  for (const entry of entries) {
    totals.requests++;
    if (entry.isError) totals.errors++;
    if (entry.usage) {
      totals.inputTokens += entry.usage.inputTokens;
      totals.outputTokens += entry.usage.outputTokens;
      totals.cost += computeCost(entry.usage, PRICES[entry.model]!);
    }
  }
  return totals;
}

describe('cost and usage', () => {
  it('makes response.cost the sum of its attempts, a failed attempt that reported usage included', async () => {
    const harness = await startPoolHarness({ 'mid-model': [{ text: 'answer', usage: { inputTokens: 1_000, outputTokens: 500 } }] });
    const lostUsage = usageOf(2_000, 300);
    // An adapter whose stream reported usage (as OpenAI's usage chunk does) and then broke.
    const breaksAfterUsage: ProviderAdapter = {
      specificationVersion: 'v1',
      kind: 'breaks-after-usage',
      capabilities: {},
      doGenerate: () => Promise.reject(new Error('only streams are used here')),
      doStream: () =>
        Promise.resolve(
          (async function* (): AsyncGenerator<ProviderStreamPart> {
            yield { type: 'finish', finishReason: 'stop', usage: lostUsage };
            throw new ServerError('the connection broke after the usage arrived');
          })(),
        ),
    };
    const llm = harness.client(
      {
        models: {
          main: {
            strategy: 'round-robin',
            deployments: [
              { provider: 'broken', model: 'cheap-a', id: 'broken' },
              { provider: 'openai', model: 'mid-model', id: 'mid' },
            ],
          },
        },
        prices: PRICES,
        retry: { baseDelayMs: 1 },
      },
      { broken: breaksAfterUsage },
    );

    const stream = llm.stream(on('main'));
    for await (const part of stream) void part;
    const response = await stream.response;

    expect(harness.modelsSeen()).toEqual(['mid-model']);
    const failedCost = computeCost(lostUsage, PRICES['cheap-a']!);
    const servedCost = computeCost(usageOf(1_000, 500), PRICES['mid-model']!);
    expect(response.attempts.map((attempt) => [attempt.deploymentId, attempt.outcome, attempt.cost])).toEqual([
      ['broken', 'error', failedCost],
      ['mid', 'success', servedCost],
    ]);
    expect(response.cost).toBeCloseTo(failedCost + servedCost, 12);
    expect(response.usage).toMatchObject({ inputTokens: 3_000, outputTokens: 800 });
    expect(llm.usage().total).toMatchObject({ requests: 2, errors: 1, cost: response.cost });
  });

  it('totals usage by alias, deployment and tenant exactly as the server saw the calls', async () => {
    const replies = {
      'cheap-a': { inputTokens: 100, outputTokens: 50 },
      'cheap-b': { inputTokens: 200, outputTokens: 20 },
      'mid-model': { inputTokens: 1_000, outputTokens: 100 },
    } as const;
    const harness = await startPoolHarness({
      'cheap-a': [{ text: 'a', usage: replies['cheap-a'] }],
      'cheap-b': [serverError(500), { text: 'b', usage: replies['cheap-b'] }],
      'mid-model': [{ text: 'mid', usage: replies['mid-model'] }],
    });
    const llm = harness.client({
      models: {
        main: {
          strategy: 'round-robin',
          deployments: [
            { provider: 'openai', model: 'cheap-a', id: 'cheap-a' },
            { provider: 'openai', model: 'cheap-b', id: 'cheap-b' },
          ],
        },
        other: { provider: 'openai', model: 'mid-model', id: 'mid-model' },
      },
      prices: PRICES,
      retry: { baseDelayMs: 1 },
    });

    const tenantOf: string[] = [];
    const run = async (tenant: string, alias: string, count: number) => {
      for (let call = 0; call < count; call++) {
        await llm.chat(on(alias), { tenant });
        while (tenantOf.length < harness.server.requests.length) tenantOf.push(tenant);
      }
    };
    await run('t1', 'main', 3);
    await run('t2', 'main', 2);
    await run('t2', 'other', 2);

    // What the server received, with what it billed for each request.
    const observed = harness.server.requests.map((request: ProviderServerRequest, index) => {
      const model = request.model as keyof typeof replies;
      const isError = request.step !== 'reply';
      return {
        model,
        alias: model === 'mid-model' ? 'other' : 'main',
        tenant: tenantOf[index]!,
        isError,
        ...(isError ? {} : { usage: usageOf(replies[model].inputTokens, replies[model].outputTokens) }),
      };
    });
    expect(observed.filter((entry) => entry.isError)).toHaveLength(1); // cheap-b's 500, retried on cheap-a
    const where = (key: 'model' | 'alias' | 'tenant', value: string) => totalsOf(observed.filter((entry) => entry[key] === value));

    const usage = llm.usage();
    expect(usage.total).toEqual(totalsOf(observed));
    expect(usage.byDeployment).toEqual({ 'cheap-a': where('model', 'cheap-a'), 'cheap-b': where('model', 'cheap-b'), 'mid-model': where('model', 'mid-model') });
    expect(usage.byAlias).toEqual({ main: where('alias', 'main'), other: where('alias', 'other') });
    expect(usage.byTenant).toEqual({ t1: where('tenant', 't1'), t2: where('tenant', 't2') });
    expect(usage.total.requests).toBe(harness.server.requests.length);
  });
});

describe('budgets and the fallback cost cap', () => {
  it('refuses a call over the per-request budget before sending it', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok' }] });
    const llm = harness.client({
      models: { dear: { provider: 'openai', model: 'dear-model' }, cheap: { provider: 'openai', model: 'cheap-a' } },
      prices: PRICES,
      budget: { perRequestUsd: 0.01 },
    });
    const request = on('dear', 'Write a long essay.', { maxTokens: 100 });
    const expected = estimateCost(estimateTokens(request as NormalizedChatRequest), 100, PRICES['dear-model']!);
    expect(expected).toBeGreaterThan(0.01);

    const error = await llm.chat(request).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ code: 'RLLM_BUDGET_EXCEEDED', limitUsd: 0.01, isRetryable: false });
    expect((error as BudgetExceededError).estimatedUsd).toBeCloseTo(expected, 12);
    expect(harness.server.requests).toHaveLength(0);
    expect(llm.usage().total.requests).toBe(0);

    expect((await llm.chat(on('cheap', 'Write a long essay.', { maxTokens: 100 }))).text).toBe('ok'); // a cheap one passes
    expect(harness.modelsSeen()).toEqual(['cheap-a']);
  });

  it('gives back the rate-limit tokens of fallbacks the per-request budget refuses', async () => {
    const failures = Array.from({ length: 5 }, () => serverError(503));
    const harness = await startPoolHarness({ 'cheap-a': failures, default: [{ text: 'ok' }] });
    const llm = harness.client({
      models: { cheap: { provider: 'openai', model: 'cheap-a' }, dear: { id: 'dear', provider: 'openai', model: 'dear-model', rpm: 10 } },
      prices: PRICES,
      retry: { maxRetries: 0 },
      fallback: { chain: ['cheap', 'dear'], maxCostMultiplier: 1_000 },
      budget: { perRequestUsd: 0.01 },
    });
    const request = on('cheap', 'Write a long essay.', { maxTokens: 100 });

    for (let call = 0; call < 5; call++) expect(await llm.chat(request).catch((caught: unknown) => caught)).toBeInstanceOf(BudgetExceededError);

    expect(harness.server.requestsFor('dear-model')).toHaveLength(0);
    // Nothing was sent to dear, so nothing was spent: its bucket is still full (it was at 0.5).
    expect(llm.health().find((snapshot) => snapshot.id === 'dear')?.rateLimitHeadroom).toBeCloseTo(1, 3);
  });

  it('refuses calls once the window budget is spent, and allows them again when the window has passed', async () => {
    const harness = await startPoolHarness({ 'cheap-a': [{ text: 'ok', usage: { inputTokens: 1_000, outputTokens: 1_000 } }] });
    const clock = new FastClock(1); // real time, plus jumps
    const llm = harness.client({
      models: { cheap: { provider: 'openai', model: 'cheap-a' } },
      prices: PRICES,
      budget: { perWindowUsd: 0.005, windowMs: 60_000 },
      clock,
    });
    const request = on('cheap', 'Say something short.', { maxTokens: 10 });
    const perCall = computeCost(usageOf(1_000, 1_000), PRICES['cheap-a']!); // $0.003
    const estimate = estimateCost(estimateTokens(request as NormalizedChatRequest), 10, PRICES['cheap-a']!);

    const first = await llm.chat(request);
    const second = await llm.chat(request); // $0.003 spent + the estimate still fits $0.005
    const refused = await llm.chat(request).catch((caught: unknown) => caught);

    expect([first.cost, second.cost]).toEqual([perCall, perCall]);
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(refused).toMatchObject({ limitUsd: 0.005 });
    expect((refused as BudgetExceededError).estimatedUsd).toBeCloseTo(2 * perCall + estimate, 12);
    expect(harness.server.requests).toHaveLength(2);

    clock.advance(30_000);
    await expect(llm.chat(request)).rejects.toBeInstanceOf(BudgetExceededError); // still inside the window
    clock.advance(30_601); // past the window, plus the one slot (windowMs / 100) spend may linger
    expect((await llm.chat(request)).text).toBe('ok');
    expect(harness.server.requests).toHaveLength(3);
  });

  it('skips a fallback dearer than maxCostMultiplier times the primary and moves on to an affordable one', async () => {
    const harness = await startPoolHarness({ 'cheap-a': [serverError(500)], 'dear-model': [{ text: 'dear' }], 'mid-model': [{ text: 'mid' }] });
    const chain = ['cheap', 'dear', 'mid'];
    const llm = harness.client({
      models: {
        cheap: { provider: 'openai', model: 'cheap-a' },
        dear: { provider: 'openai', model: 'dear-model' },
        mid: { provider: 'openai', model: 'mid-model' },
      },
      prices: PRICES,
      retry: { maxRetries: 0 },
      fallback: { chain, maxCostMultiplier: 5 }, // mid is 4× cheap by blended price, dear 100×
    });
    const fallbacks: string[] = [];
    llm.on('fallback', (event) => fallbacks.push(`${event.from}→${event.to}`));

    const capped = await llm.chat(on('cheap'));

    expect(capped.text).toBe('mid');
    expect(harness.server.requestsFor('dear-model')).toHaveLength(0);
    expect(harness.modelsSeen()).toEqual(['cheap-a', 'mid-model']);
    expect(fallbacks).toEqual(['cheap→mid']);

    // Without the cap the same chain does reach the dear model: the skip above was the cap's doing.
    const uncapped = await llm.chat(on('cheap'), { fallback: { chain } });
    expect(uncapped.text).toBe('dear');
    expect(harness.server.requestsFor('dear-model')).toHaveLength(1);
  });
});
