import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import { InvalidArgumentError, TenantQuotaExceededError } from '../../../src/errors/index.js';
import { mockProvider } from '../../../src/testing/index.js';

const request = { model: 'main', messages: [{ role: 'user' as const, content: 'Hi' }] };

function client(tenants: unknown): { llm: ResilientLLM; calls: () => number } {
  const provider = mockProvider([{ text: 'ok', usage: { inputTokens: 10, outputTokens: 5 } }]);
  const llm = new ResilientLLM({
    providers: { mock: provider },
    models: { main: { provider: 'mock', model: 'priced' } },
    prices: { priced: { inputPerMillion: 100_000, outputPerMillion: 100_000 } }, // $1.50 per call
    budget: { tenants: tenants as never },
  });
  return { llm, calls: () => provider.calls.length };
}

describe('tenant quotas (budget.tenants)', () => {
  it('refuses a tenant past its rpm before sending, leaving other tenants alone', async () => {
    const { llm, calls } = client({ acme: { rpm: 2 } });
    await llm.chat(request, { tenant: 'acme' });
    await llm.chat(request, { tenant: 'acme' });
    const error = await llm.chat(request, { tenant: 'acme' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TenantQuotaExceededError);
    expect(error).toMatchObject({ code: 'RLLM_TENANT_QUOTA', tenant: 'acme', quota: 'rpm', limit: 2 });
    expect((error as TenantQuotaExceededError).retryAfterMs).toBeGreaterThan(0);
    await llm.chat(request, { tenant: 'globex' });
    await llm.chat(request);
    expect(calls()).toBe(4);
  });

  it("applies '*' to every tenant without its own quota, and refuses once its USD spend reached the limit", async () => {
    const { llm, calls } = client({ '*': { perWindowUsd: 2 } });
    await llm.chat(request, { tenant: 'a' }); // $1.50
    await llm.chat(request, { tenant: 'a' }); // $3.00: over, but it was under when sent
    await expect(llm.chat(request, { tenant: 'a' })).rejects.toMatchObject({ code: 'RLLM_TENANT_QUOTA', quota: 'usd' });
    await llm.chat(request, { tenant: 'b' });
    expect(calls()).toBe(3);
  });

  it('refuses a call whose token estimate would pass the tpm', async () => {
    const { llm } = client({ acme: { tpm: 5 } });
    await expect(llm.chat({ ...request, messages: [{ role: 'user', content: 'word '.repeat(200) }] }, { tenant: 'acme' })).rejects.toMatchObject({ quota: 'tpm' });
  });

  it('validates the quotas when the client is built', () => {
    expect(() => client({ acme: { rpm: 0 } })).toThrow(InvalidArgumentError);
    expect(() => client({ acme: { rpm: 0 } })).toThrow('budget.tenants.acme.rpm');
    expect(() => client({ acme: { rpmm: 3 } })).toThrow('`budget.tenants.acme.rpmm` is not a tenant quota option; did you mean `rpm`?');
  });
});
