import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { ClientOptions } from '../../../src/client/client-options.js';
import { formatUsd } from '../../../src/cost/format-usd.js';
import { BudgetExceededError, InvalidArgumentError } from '../../../src/errors/errors.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';

const user = [{ role: 'user' as const, content: 'hi' }];

function build(extra: Partial<ClientOptions>, model = 'my-finetune') {
  const provider = mockProvider([{ text: 'ok', usage: { inputTokens: 10, outputTokens: 10, totalTokens: 20 } }]);
  const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model } }, ...extra });
  return { llm, provider };
}

describe('budgets fail closed on models they cannot price', () => {
  it('refuses to build a client whose budget cannot price an alias\'s model', () => {
    let caught: unknown;
    try {
      build({ budget: { perRequestUsd: 0.01 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).field).toBe('budget');
    expect((caught as Error).message).toContain('`models.main` uses "my-finetune", which has no price');
    expect((caught as Error).message).toContain("budget.unpricedModels: 'allow'");
  });

  it('refuses a window-only budget too: an unpriced call could not be counted', () => {
    expect(() => build({ budget: { perWindowUsd: 5 } })).toThrow(InvalidArgumentError);
  });

  it('builds and limits once the model is given a price', async () => {
    const { llm, provider } = build({
      budget: { perRequestUsd: 0.000001 },
      prices: { 'my-finetune': { inputPerMillion: 1, outputPerMillion: 1 } },
    });
    const error = await llm.chat({ model: 'main', messages: user, maxTokens: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(provider.calls).toHaveLength(0);
  });

  it("lets unpriced calls through, unchecked, with budget.unpricedModels: 'allow'", async () => {
    const { llm, provider } = build({ budget: { perRequestUsd: 0.000001, unpricedModels: 'allow' } });
    const response = await llm.chat({ model: 'main', messages: user, maxTokens: 100 });
    expect(response.text).toBe('ok');
    expect(provider.calls).toHaveLength(1);
  });

  it('refuses an unknown unpricedModels value', () => {
    expect(() => build({ budget: { perRequestUsd: 1, unpricedModels: 'yes' as never } })).toThrow(
      'Expected `budget.unpricedModels` to be one of "refuse", "allow", got "yes".',
    );
  });

  it('needs no price when there is no budget', async () => {
    const { llm } = build({});
    expect((await llm.chat({ model: 'main', messages: user })).text).toBe('ok');
  });
});

describe('money in messages', () => {
  it('prints amounts with enough digits to see them', () => {
    expect(formatUsd(1e-7)).toBe('$0.0000001');
    expect(formatUsd(1.5e-7)).toBe('$0.00000015');
    expect(formatUsd(0.0512345)).toBe('$0.05123');
    expect(formatUsd(0.05)).toBe('$0.05');
    expect(formatUsd(20)).toBe('$20.00');
    expect(formatUsd(1.005)).toBe('$1.005');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(-0.003)).toBe('-$0.003');
  });

  it('shows a 1e-7 per-request limit in the refusal, not $0.000000', async () => {
    const { llm } = build({ budget: { perRequestUsd: 1e-7 }, prices: { 'my-finetune': { inputPerMillion: 1, outputPerMillion: 1 } } });
    const error = await llm.chat({ model: 'main', messages: user, maxTokens: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as Error).message).toContain('per-request budget of $0.0000001');
    expect((error as Error).message).not.toContain('$0.000000 ');
  });
});
