import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, PriceTable } from '../../../src/cost/price-table.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';

describe('PriceTable', () => {
  const table = new PriceTable();

  it('finds every model the brief lists by its exact name', () => {
    for (const model of [
      'gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o3', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano',
      'claude-opus-4-1', 'claude-sonnet-4-5', 'claude-3-5-haiku', 'claude-haiku-4-5',
      'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.0-flash',
      'text-embedding-3-small', 'text-embedding-3-large',
    ]) {
      expect(table.lookup(model), model).toBe(DEFAULT_PRICES[model]);
    }
  });

  it('has input, output and context window for every default chat model', () => {
    for (const [model, price] of Object.entries(DEFAULT_PRICES)) {
      expect(price.inputPerMillion, model).toBeGreaterThan(0);
      expect(price.contextWindow, model).toBeGreaterThan(0);
      if (!model.startsWith('text-embedding')) expect(price.outputPerMillion, model).toBeGreaterThan(price.inputPerMillion);
      if (price.cachedInputPerMillion !== undefined) expect(price.cachedInputPerMillion, model).toBeLessThan(price.inputPerMillion);
    }
  });

  it('maps dated and versioned variants to their base model', () => {
    expect(table.lookup('gpt-4o-2024-08-06')).toBe(DEFAULT_PRICES['gpt-4o']);
    expect(table.lookup('gpt-4o-mini-2024-07-18')).toBe(DEFAULT_PRICES['gpt-4o-mini']);
    expect(table.lookup('claude-sonnet-4-5-20250929')).toBe(DEFAULT_PRICES['claude-sonnet-4-5']);
    expect(table.lookup('claude-opus-4-1-20250805')).toBe(DEFAULT_PRICES['claude-opus-4-1']);
    expect(table.lookup('claude-opus-4-20250514')).toBe(DEFAULT_PRICES['claude-opus-4']);
    expect(table.lookup('claude-3-5-haiku-latest')).toBe(DEFAULT_PRICES['claude-3-5-haiku']);
    expect(table.lookup('claude-sonnet-4-5@20250929')).toBe(DEFAULT_PRICES['claude-sonnet-4-5']);
    expect(table.lookup('gemini-2.0-flash-001')).toBe(DEFAULT_PRICES['gemini-2.0-flash']);
    expect(table.lookup('gemini-2.5-flash-lite-preview-06-17')).toBe(DEFAULT_PRICES['gemini-2.5-flash-lite']);
    expect(table.lookup('o3-2025-04-16')).toBe(DEFAULT_PRICES['o3']);
  });

  it('ignores a vendor or models/ prefix and letter case', () => {
    expect(table.lookup('models/gemini-2.5-pro')).toBe(DEFAULT_PRICES['gemini-2.5-pro']);
    expect(table.lookup('openai/GPT-4o')).toBe(DEFAULT_PRICES['gpt-4o']);
  });

  it('does not price a different model that only starts with a known name', () => {
    expect(table.lookup('gpt-5-pro')).toBeUndefined();
    expect(table.lookup('o3-mini')).toBeUndefined();
    expect(table.lookup('gpt-4o-audio-preview-2024-12-17')).toBeUndefined();
    expect(table.lookup('llama-3.1-70b')).toBeUndefined();
  });

  it('returns the same answer from its memo on repeated lookups', () => {
    const local = new PriceTable();
    const first = local.lookup('gpt-4o-2024-11-20');
    expect(local.lookup('gpt-4o-2024-11-20')).toBe(first);
    expect(local.lookup('unknown-model')).toBeUndefined();
    expect(local.lookup('unknown-model')).toBeUndefined();
  });

  it('lets overrides replace defaults and serve dated variants of them', () => {
    const custom = new PriceTable({ 'gpt-4o': { inputPerMillion: 1, outputPerMillion: 4 } });
    expect(custom.lookup('gpt-4o')).toEqual({ inputPerMillion: 1, outputPerMillion: 4 });
    expect(custom.lookup('gpt-4o-2024-08-06')).toEqual({ inputPerMillion: 1, outputPerMillion: 4 });
    expect(custom.lookup('gpt-4o-mini')).toBe(DEFAULT_PRICES['gpt-4o-mini']);
  });

  it('prices only the listed models when includeDefaults is false', () => {
    const custom = new PriceTable({ 'my-model': { inputPerMillion: 1, outputPerMillion: 2 } }, { includeDefaults: false });
    expect(custom.lookup('my-model')?.outputPerMillion).toBe(2);
    expect(custom.lookup('gpt-4o')).toBeUndefined();
  });

  it('forgets memoized misses when set() adds a model', () => {
    const custom = new PriceTable();
    expect(custom.lookup('llama-3.1-70b-2024-07-23')).toBeUndefined();
    custom.set('llama-3.1-70b', { inputPerMillion: 0.5, outputPerMillion: 0.8, contextWindow: 128_000 });
    expect(custom.lookup('llama-3.1-70b-2024-07-23')?.inputPerMillion).toBe(0.5);
  });

  it('refuses a negative or non-numeric price with the field named', () => {
    expect(() => new PriceTable({ bad: { inputPerMillion: -1, outputPerMillion: 1 } })).toThrow(
      expect.objectContaining({ field: 'prices.bad.inputPerMillion', code: 'RLLM_INVALID_ARGUMENT' }),
    );
    expect(() => new PriceTable().set('bad', { inputPerMillion: 1, outputPerMillion: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new PriceTable().set('bad', { inputPerMillion: 1, outputPerMillion: 1, contextWindow: 1.5 })).toThrow(
      /non-negative integer, got 1.5/,
    );
  });
});
