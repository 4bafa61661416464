import { describe, expect, it, onTestFinished } from 'vitest';
import { ResilientLLM, openai } from '../../src/index.js';
import { createProviderServer, overloaded, type ServerStep } from '../../src/testing/index.js';
import type { RetryBudgetOptions } from '../../src/policy/admission/retry-budget.js';

// Upstream requests per call under a total and a partial outage, counted at a real 127.0.0.1
// server: the retry budget caps retries at 20 % of calls where plain retries triple the load.

const CALLS = 40;
const BREAKER_OFF = { consecutiveFailures: 1_000, failureRateThreshold: 1, minimumRequests: 1_000 };

async function run(steps: readonly ServerStep[], retryBudget: RetryBudgetOptions | false) {
  const server = await createProviderServer({ script: { 'gpt-x': steps } });
  const llm = new ResilientLLM({
    providers: { vendor: openai({ apiKey: 'sk-test-budget', baseURL: server.baseURL('openai') }) },
    models: { main: { provider: 'vendor', model: 'gpt-x' } },
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    breaker: BREAKER_OFF,
    admission: { retryBudget },
  });
  onTestFinished(async () => {
    await llm.close({ graceMs: 0 });
    await server.close();
  });
  let succeeded = 0;
  for (let call = 0; call < CALLS; call++) {
    await llm.chat({ model: 'main', messages: [{ role: 'user', content: `question ${call}` }] }).then(
      () => succeeded++,
      () => undefined,
    );
  }
  return { requestsPerCall: server.requestsFor('gpt-x').length / CALLS, succeeded, health: llm.health()[0]! };
}

/** One 503 in every five requests, then answers. */
const PARTIAL = Array.from({ length: 400 }, (_, index): ServerStep => (index % 5 === 0 ? overloaded() : { text: 'fine' }));
const STRICT: RetryBudgetOptions = { ratio: 0.2, maxSaved: 0, minRetriesPerSecond: 0 };

describe('retry budget: upstream requests per call', () => {
  it('stays at or below 1.2 in a total outage, where plain retries send 3', async () => {
    const plain = await run([overloaded()], false);
    expect(plain.requestsPerCall).toBe(3);
    const budgeted = await run([overloaded()], STRICT);
    expect(budgeted.succeeded).toBe(0);
    expect(budgeted.requestsPerCall).toBeGreaterThan(1);
    expect(budgeted.requestsPerCall).toBeLessThanOrEqual(1.2);
    expect(budgeted.health.retryBudget).toBe(0);
  });

  it('stays at or below 1.3 in a partial outage, and still lets every failed call recover', async () => {
    const budgeted = await run(PARTIAL, {});
    expect(budgeted.succeeded).toBe(CALLS);
    expect(budgeted.requestsPerCall).toBeLessThanOrEqual(1.3);
  });

  it('with the defaults, bounds a total outage by the saved burst plus 20 % of calls', async () => {
    const budgeted = await run([overloaded()], {});
    // maxSaved 10 + 0.2 x 40 + about one per second of reserve.
    expect(budgeted.requestsPerCall).toBeLessThanOrEqual(1 + (10 + 8 + 3) / CALLS);
  });
});
