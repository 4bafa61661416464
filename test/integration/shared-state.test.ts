import { describe, expect, it, onTestFinished } from 'vitest';
import { AllDeploymentsFailedError } from '../../src/errors/errors.js';
import { MemoryStateStore } from '../../src/state/state-store.js';
import { SyncedStateStore } from '../../src/state/synced-state-store.js';
import { MemoryStateBackend, rateLimit, serverError } from '../../src/testing/index.js';
import { ask, startPoolHarness } from './helpers/pool-harness.js';

// Two clients stand for two processes: same configuration, one `stateStore`. Whatever one of them
// learns about a deployment (its rpm spent, a Retry-After, an open circuit, a vendor limit read
// from headers) the other acts on before sending anything. Every assertion counts what the
// server received, by model name.

const primaryAndSpare = (primary: Record<string, unknown> = {}) => ({
  main: {
    strategy: 'round-robin' as const,
    deployments: [
      { provider: 'openai', model: 'primary', id: 'primary', ...primary },
      { provider: 'openai', model: 'spare', id: 'spare' },
    ],
  },
});

describe('two clients sharing one StateStore', () => {
  it('enforce one rpm limit between them', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok' }] });
    const store = new MemoryStateStore();
    const options = { models: { main: { deployments: [{ provider: 'openai', model: 'only', id: 'only', rpm: 4 }] } }, retry: { maxRetries: 0 }, stateStore: store };
    const first = harness.client(options);
    const second = harness.client(options);

    const settled = await Promise.allSettled([...Array.from({ length: 4 }, () => first.chat(ask())), ...Array.from({ length: 4 }, () => second.chat(ask()))]);

    expect(harness.server.requestsFor('only')).toHaveLength(4);
    const refused = settled.filter((outcome) => outcome.status === 'rejected');
    expect(refused).toHaveLength(4);
    for (const outcome of refused) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(AllDeploymentsFailedError);

    // Without the shared store each client would have had its own 4.
    const alone = harness.client({ ...options, stateStore: new MemoryStateStore() });
    await expect(alone.chat(ask())).resolves.toMatchObject({ text: 'ok' });
  });

  it('share a Retry-After cooldown: the second client never sends to the cooling deployment', async () => {
    const harness = await startPoolHarness({ primary: [rateLimit({ retryAfterSeconds: 30 })], spare: [{ text: 'spare' }] });
    const store = new MemoryStateStore();
    const options = { models: primaryAndSpare(), retry: { maxRetries: 0 }, stateStore: store };
    const first = harness.client(options);
    const second = harness.client(options);

    expect((await first.chat(ask())).text).toBe('spare'); // 429 on primary, failed over
    for (let call = 0; call < 4; call++) expect((await second.chat(ask())).text).toBe('spare');

    expect(harness.server.requestsFor('primary')).toHaveLength(1);
    expect(second.health().find((deployment) => deployment.id === 'primary')).toMatchObject({ cooldownReason: 'RLLM_RATE_LIMITED' });
  });

  it('share an open circuit: failures seen by one client open it for the other', async () => {
    const harness = await startPoolHarness({ primary: [serverError(500)], spare: [{ text: 'spare' }] });
    const store = new MemoryStateStore();
    const options = { models: primaryAndSpare(), retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 2, openMs: 60_000 }, stateStore: store };
    const first = harness.client(options);
    const second = harness.client(options);
    const transitions: string[] = [];
    second.on('circuit-state', (event) => transitions.push(`${event.deploymentId}:${event.from}→${event.to}:${event.reason}`));

    await first.chat(ask()); // primary fails once (round-robin starts there), spare answers
    await second.chat(ask()); // second's own round-robin also starts at primary: the 2nd failure in a row
    expect(harness.server.requestsFor('primary')).toHaveLength(2);
    expect(first.health().find((deployment) => deployment.id === 'primary')?.circuit.state).toBe('open');

    for (let call = 0; call < 4; call++) {
      expect((await first.chat(ask())).text).toBe('spare');
      expect((await second.chat(ask())).text).toBe('spare');
    }
    expect(harness.server.requestsFor('primary')).toHaveLength(2);
    expect(transitions).toEqual(['primary:closed→open:consecutive-failures']);
  });

  it('share limits learned from response headers: the second client avoids an exhausted deployment before any 429', async () => {
    const harness = await startPoolHarness({
      primary: [{ text: 'last one', headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' } }],
      spare: [{ text: 'spare' }],
    });
    const store = new MemoryStateStore();
    const options = { models: primaryAndSpare(), stateStore: store };
    const first = harness.client(options);
    const second = harness.client(options);

    expect((await first.chat(ask())).text).toBe('last one');
    for (let call = 0; call < 3; call++) expect((await second.chat(ask())).text).toBe('spare');

    expect(harness.server.requestsFor('primary')).toHaveLength(1);
    expect(harness.server.requests.every((request) => request.step === 'reply')).toBe(true);
  });

  it('hold one per-window budget between them', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok', usage: { inputTokens: 1_000, outputTokens: 1_000 } }] });
    const store = new MemoryStateStore();
    const prices = { metered: { inputPerMillion: 1_000, outputPerMillion: 1_000 } }; // $2 per call
    const options = { models: { main: { provider: 'openai', model: 'metered' } }, prices, budget: { perWindowUsd: 3, windowMs: 60_000 }, stateStore: store };
    const first = harness.client(options);
    const second = harness.client(options);
    const request = { ...ask(), maxTokens: 10 }; // estimated at about 3 cents

    await first.chat(request);
    await second.chat(request); // $4 spent between them; each alone spent $2 of its $3
    await new Promise((resolve) => setTimeout(resolve, 110)); // past the 100 ms for which a budget reuses its last read
    await expect(first.chat(request)).rejects.toMatchObject({ code: 'RLLM_BUDGET_EXCEEDED' });
    await expect(second.chat(request)).rejects.toMatchObject({ code: 'RLLM_BUDGET_EXCEEDED' });
    expect(harness.server.requests).toHaveLength(2);
  });

  it('sum usage from both clients in the totals either one reports', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok', usage: { inputTokens: 10, outputTokens: 5 } }] });
    const store = new MemoryStateStore();
    const options = { models: { main: { provider: 'openai', model: 'gpt-4o-mini' } }, stateStore: store };
    const first = harness.client(options);
    const second = harness.client(options);

    await first.chat(ask(), { tenant: 'acme' });
    await second.chat(ask(), { tenant: 'acme' });
    await second.chat(ask(), { tenant: 'acme' });

    expect(first.usage().total).toMatchObject({ requests: 3, inputTokens: 30, outputTokens: 15 });
    expect(first.usage().byTenant['acme']).toMatchObject({ requests: 3 });
    expect(second.usage().total.cost).toBeCloseTo(first.usage().total.cost, 12);
    expect(first.usage().total.cost).toBeGreaterThan(0);
  });
});

describe('two clients, each with its own SyncedStateStore over one backend (two processes)', () => {
  it('skip a deployment whose circuit the other opened, once both have synced', async () => {
    const harness = await startPoolHarness({ primary: [serverError(500)], spare: [{ text: 'spare' }] });
    const backend = new MemoryStateBackend();
    const storeA = new SyncedStateStore({ backend, syncIntervalMs: 60_000 });
    const storeB = new SyncedStateStore({ backend, syncIntervalMs: 60_000 });
    onTestFinished(() => Promise.all([storeA.close(), storeB.close()]).then(() => undefined));
    const options = { models: primaryAndSpare(), retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 2, openMs: 60_000 } };
    const first = harness.client({ ...options, stateStore: storeA });
    const second = harness.client({ ...options, stateStore: storeB });

    expect((await second.chat(ask())).text).toBe('spare'); // B reads primary's state once: it now pulls those keys
    await first.chat(ask());
    await first.chat(ask());
    await first.chat(ask()); // round-robin: primary, spare, primary → two failures in a row: open in A
    expect(first.health().find((deployment) => deployment.id === 'primary')?.circuit.state).toBe('open');
    expect(harness.server.requestsFor('primary')).toHaveLength(3);

    await storeA.sync();
    await storeB.sync();
    expect(second.health().find((deployment) => deployment.id === 'primary')?.circuit.state).toBe('open');
    for (let call = 0; call < 4; call++) expect((await second.chat(ask())).text).toBe('spare');
    expect(harness.server.requestsFor('primary')).toHaveLength(3);
  });
});
