import { describe, expect, it, vi } from 'vitest';
import { rateLimit, serverError, slowFirstToken } from '../../src/testing/index.js';
import { seededRandom } from '../helpers/replay-server.js';
import { ask, startPoolHarness } from './helpers/pool-harness.js';

// Pools through the public client against a real loopback server: which deployment each strategy
// sends to, and how retries and unhealthy deployments move traffic. Every assertion counts what
// the server received, by model name (one model name per deployment).

const deployment = (model: string, extra: Record<string, unknown> = {}) => ({ provider: 'openai', model, id: model, ...extra });

describe('pool strategies through the client', () => {
  it('spreads weighted-random traffic in proportion to the weights with a seeded random', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok' }] });
    const llm = harness.client({
      models: { main: { strategy: 'weighted-random', deployments: [deployment('heavy', { weight: 3 }), deployment('light', { weight: 1 })] } },
      random: seededRandom(7),
    });

    const served: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => llm.chat(ask())));
      for (const response of responses) served.push(response.attempts[0]!.deploymentId);
    }

    const heavy = harness.server.requestsFor('heavy').length;
    const light = harness.server.requestsFor('light').length;
    expect(heavy + light).toBe(200);
    expect(heavy).toBe(served.filter((id) => id === 'heavy').length); // the response names who served it
    // 3:1 → 150 expected; ±25 is four standard deviations of a binomial(200, 0.75).
    expect(heavy).toBeGreaterThanOrEqual(125);
    expect(heavy).toBeLessThanOrEqual(175);
  });

  it('sends round-robin traffic to each deployment in turn, exactly', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok' }] });
    const llm = harness.client({
      models: { main: { strategy: 'round-robin', deployments: [deployment('one'), deployment('two'), deployment('three')] } },
      random: seededRandom(1),
    });

    for (let call = 0; call < 9; call++) await llm.chat(ask());

    expect(harness.modelsSeen()).toEqual(['one', 'two', 'three', 'one', 'two', 'three', 'one', 'two', 'three']);
  });

  it('sends least-busy traffic to the idle deployment while the other has a slow call in flight', async () => {
    const harness = await startPoolHarness({ busy: [{ text: 'slow answer', delayMs: 400 }, { text: 'busy again' }], idle: [{ text: 'quick' }] });
    const llm = harness.client({
      models: { main: { strategy: 'least-busy', deployments: [deployment('busy'), deployment('idle')] } },
      // Ties (equal in-flight counts) keep the first listed deployment: `busy` takes the first call.
      random: () => 0.99,
    });

    const slow = llm.chat(ask('a slow one'));
    await vi.waitFor(() => expect(harness.server.requestsFor('busy')).toHaveLength(1));
    for (let call = 0; call < 5; call++) expect((await llm.chat(ask())).text).toBe('quick');
    expect(harness.server.requestsFor('busy')).toHaveLength(1); // still in flight the whole time
    expect(harness.server.requestsFor('idle')).toHaveLength(5);
    expect((await slow).text).toBe('slow answer');

    // Both idle again: the tie goes back to `busy`, so the avoidance above came from the in-flight count.
    expect((await llm.chat(ask())).text).toBe('busy again');
    expect(harness.modelsSeen()).toEqual(['busy', 'idle', 'idle', 'idle', 'idle', 'idle', 'busy']);
  });

  it('moves lowest-latency traffic to the deployment with the faster first token after measuring both', async () => {
    const harness = await startPoolHarness({ slow: [slowFirstToken(80, { text: 'slow first token' })], fast: [{ text: 'fast first token' }] });
    const llm = harness.client({
      models: { main: { strategy: 'lowest-latency', deployments: [deployment('slow'), deployment('fast')] } },
      random: seededRandom(3),
    });

    for (let call = 0; call < 8; call++) {
      const stream = llm.stream(ask());
      for await (const part of stream) void part;
      await stream.response;
    }

    const seen = harness.modelsSeen();
    // Unmeasured deployments are explored first: the first two calls measure one each.
    expect(new Set(seen.slice(0, 2))).toEqual(new Set(['slow', 'fast']));
    expect(seen.slice(2)).toEqual(Array(6).fill('fast'));
    const health = Object.fromEntries(llm.health().map((snapshot) => [snapshot.id, snapshot.timeToFirstTokenMs]));
    expect(health.slow).toBeGreaterThanOrEqual(75);
    expect(health.fast).toBeLessThan(health.slow!);
  });

  it('follows the headroom learned from x-ratelimit headers under most-headroom', async () => {
    const limits = (remaining: number) => ({
      headers: { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': String(remaining), 'x-ratelimit-reset-requests': '60s' },
    });
    const harness = await startPoolHarness({
      steady: [{ text: 'steady', ...limits(50) }],
      draining: [
        { text: 'draining', ...limits(90) },
        { text: 'draining', ...limits(80) },
        { text: 'draining', ...limits(70) },
        { text: 'draining', ...limits(20) },
      ],
    });
    const llm = harness.client({
      models: { main: { strategy: 'most-headroom', deployments: [deployment('steady'), deployment('draining')] } },
      random: seededRandom(11),
    });

    for (let call = 0; call < 9; call++) await llm.chat(ask());

    const seen = harness.modelsSeen();
    expect(new Set(seen.slice(0, 2))).toEqual(new Set(['steady', 'draining'])); // both measured first
    // `draining` reports 90, 80, 70 % left (more than steady's 50 %), then 20 %: traffic moves over.
    expect(seen.slice(2)).toEqual(['draining', 'draining', 'draining', 'steady', 'steady', 'steady', 'steady']);
    const headroom = Object.fromEntries(llm.health().map((snapshot) => [snapshot.id, snapshot.rateLimitHeadroom]));
    expect(headroom.draining).toBeCloseTo(0.2, 1);
    expect(headroom.steady).toBeCloseTo(0.5, 1);
  });
});

describe('retries and unhealthy deployments in a pool', () => {
  it('retries on another healthy deployment of the same pool at once, without the backoff wait', async () => {
    const harness = await startPoolHarness({ flaky: [serverError(500), { text: 'flaky recovered' }], steady: [{ text: 'from steady' }] });
    const llm = harness.client({
      models: { main: { strategy: 'round-robin', deployments: [deployment('flaky'), deployment('steady')] } },
      retry: { baseDelayMs: 2_000, maxDelayMs: 2_000 },
      random: seededRandom(5),
    });
    const retries: string[] = [];
    llm.on('retry', (event) => retries.push(event.deploymentId));

    const response = await llm.chat(ask());

    expect(response.text).toBe('from steady');
    expect(harness.modelsSeen()).toEqual(['flaky', 'steady']);
    const [failed, retried] = harness.server.requests;
    expect(retried!.receivedAt - failed!.stepStartedAt).toBeLessThan(500); // not the 2 s backoff
    expect(retries).toEqual(['flaky']);
    expect(response.attempts.map((attempt) => [attempt.deploymentId, attempt.outcome])).toEqual([
      ['flaky', 'error'],
      ['steady', 'success'],
    ]);
  });

  it('skips a deployment cooling down after a 429 with Retry-After, for every later call', async () => {
    const harness = await startPoolHarness({ limited: [rateLimit({ retryAfterSeconds: 30 }), { text: 'limited' }], open: [{ text: 'open' }] });
    const llm = harness.client({
      models: { main: { strategy: 'round-robin', deployments: [deployment('limited'), deployment('open')] } },
      random: seededRandom(5),
    });

    for (let call = 0; call < 6; call++) expect((await llm.chat(ask())).text).toBe('open');

    // Round-robin would give `limited` every other turn; it is asked once, then skipped for its cooldown.
    expect(harness.server.requestsFor('limited')).toHaveLength(1);
    expect(harness.server.requestsFor('open')).toHaveLength(6);
    expect(llm.health().find((snapshot) => snapshot.id === 'limited')).toMatchObject({ cooldownReason: 'RLLM_RATE_LIMITED' });
  });

  it('skips a deployment whose circuit is open', async () => {
    const harness = await startPoolHarness({ broken: [serverError(500)], healthy: [{ text: 'healthy' }] });
    const llm = harness.client({
      models: { main: { strategy: 'round-robin', deployments: [deployment('broken'), deployment('healthy')] } },
      breaker: { consecutiveFailures: 2, openMs: 60_000 },
      retry: { baseDelayMs: 1 },
      random: seededRandom(5),
    });

    for (let call = 0; call < 8; call++) expect((await llm.chat(ask())).text).toBe('healthy');

    expect(harness.server.requestsFor('broken')).toHaveLength(2); // two failures open it; then never asked
    expect(harness.server.requestsFor('healthy')).toHaveLength(8);
    expect(llm.health().find((snapshot) => snapshot.id === 'broken')?.circuit.state).toBe('open');
  });
});
