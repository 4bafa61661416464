import { describe, expect, it } from 'vitest';
import { UsageLedger } from '../../../src/cost/usage-ledger.js';
import { MemoryStateStore, type StateStore } from '../../../src/state/state-store.js';

const usage = (inputTokens: number, outputTokens: number, cachedInputTokens?: number) => ({
  inputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens,
  ...(cachedInputTokens !== undefined ? { cachedInputTokens } : {}),
});

describe('UsageLedger', () => {
  it('starts at zero', () => {
    expect(new UsageLedger().totals()).toEqual({
      total: { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, cost: 0, unpricedRequests: 0 },
      byAlias: {},
      byDeployment: {},
      byTenant: {},
    });
  });

  it('sums requests, tokens, errors and cost in total and by alias, deployment and tenant', () => {
    const ledger = new UsageLedger();
    ledger.record({ alias: 'fast', deploymentId: 'openai-a', tenant: 'acme', usage: usage(100, 50, 40), cost: 0.01, isError: false });
    ledger.record({ alias: 'fast', deploymentId: 'openai-b', tenant: 'acme', usage: usage(200, 10), cost: 0.02, isError: false });
    ledger.record({ alias: 'strong', deploymentId: 'anthropic-a', tenant: 'globex', isError: true });
    ledger.record({ alias: 'strong', deploymentId: 'anthropic-a', usage: usage(1_000, 300), cost: 0.5, isError: false });

    const report = ledger.totals();
    expect(report.total).toEqual({ requests: 4, errors: 1, inputTokens: 1_300, outputTokens: 360, cachedInputTokens: 40, cacheWriteInputTokens: 0, cost: 0.53, unpricedRequests: 0 });
    expect(report.byAlias['fast']).toMatchObject({ requests: 2, inputTokens: 300, outputTokens: 60, cost: 0.03, errors: 0 });
    expect(report.byAlias['strong']).toMatchObject({ requests: 2, errors: 1, inputTokens: 1_000, cost: 0.5 });
    expect(report.byDeployment['openai-a']).toMatchObject({ requests: 1, cachedInputTokens: 40, cost: 0.01 });
    expect(report.byDeployment['openai-b']).toMatchObject({ requests: 1, inputTokens: 200 });
    expect(report.byDeployment['anthropic-a']).toMatchObject({ requests: 2, errors: 1 });
    expect(report.byTenant).toEqual({
      acme: { requests: 2, errors: 0, inputTokens: 300, outputTokens: 60, cachedInputTokens: 40, cacheWriteInputTokens: 0, cost: 0.03, unpricedRequests: 0 },
      globex: { requests: 1, errors: 1, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, cost: 0, unpricedRequests: 0 },
    });
    expect(report.total.cost).toBeCloseTo(0.53, 12);
  });

  it('sums prompt-cache writes beside cache reads, in memory and on a store', () => {
    for (const ledger of [new UsageLedger(), new UsageLedger({ store: new MemoryStateStore() })]) {
      ledger.record({ alias: 'claude', deploymentId: 'anthropic-a', usage: { ...usage(1_200, 20), cacheWriteInputTokens: 1_024 }, cost: 0.01, isError: false });
      ledger.record({ alias: 'claude', deploymentId: 'anthropic-a', usage: { ...usage(1_200, 20, 1_024), cacheWriteInputTokens: 100 }, cost: 0.002, isError: false });
      expect(ledger.totals().total).toMatchObject({ cachedInputTokens: 1_024, cacheWriteInputTokens: 1_124 });
      expect(ledger.totals().byAlias['claude']).toMatchObject({ cacheWriteInputTokens: 1_124 });
    }
  });

  it('counts attempts with usage but no price as unpriced', () => {
    const ledger = new UsageLedger();
    ledger.record({ alias: 'local', deploymentId: 'ollama', usage: usage(10, 10), isError: false });
    expect(ledger.totals().total).toMatchObject({ requests: 1, cost: 0, unpricedRequests: 1, inputTokens: 10 });
  });

  it('keeps names with separators and odd characters apart', () => {
    const ledger = new UsageLedger();
    ledger.record({ alias: 'a:b', deploymentId: 'x/y z', tenant: 'tenant:1', isError: false });
    ledger.record({ alias: 'a', deploymentId: 'x', tenant: 'tenant', isError: false });
    const report = ledger.totals();
    expect(Object.keys(report.byAlias).sort()).toEqual(['a', 'a:b']);
    expect(Object.keys(report.byDeployment).sort()).toEqual(['x', 'x/y z']);
    expect(Object.keys(report.byTenant).sort()).toEqual(['tenant', 'tenant:1']);
  });

  it('keeps its counters in the given StateStore, so ledgers sharing it see the same totals', () => {
    const store = new MemoryStateStore();
    const writes: string[] = [];
    const recording: StateStore = {
      get: (key) => store.get(key),
      set: (key, value, ttlMs) => store.set(key, value, ttlMs),
      delete: (key) => store.delete(key),
      increment: (key, by, ttlMs) => {
        writes.push(key);
        return store.increment(key, by, ttlMs);
      },
    };
    new UsageLedger({ store: recording }).record({ alias: 'fast', deploymentId: 'd1', usage: usage(5, 5), cost: 1, isError: false });
    expect(writes).toContain('usage\u001falias\u001fcost\u001ffast');
    expect(store.get('usage\u001ftotal\u001finputTokens\u001f')).toBe(5);

    const other = new UsageLedger({ store: recording });
    other.record({ alias: 'fast', deploymentId: 'd2', usage: usage(1, 1), cost: 2, isError: false });
    expect(other.totals().byAlias['fast']).toMatchObject({ requests: 2, inputTokens: 6, cost: 3 });
    expect(other.totals().total).toMatchObject({ requests: 2, outputTokens: 6 });
  });

});
