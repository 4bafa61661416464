import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { computeCost } from '../../../src/cost/compute-cost.js';
import { DEFAULT_PRICES, PriceTable, loadPriceTable } from '../../../src/cost/price-table.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';

/** Rounds to the cent, as a bill does. */
const cents = (usd: number) => Math.round(usd * 100) / 100;

describe('cache-aware prices (hand-computed from the vendors\' public price pages)', () => {
  it('prices Claude Opus 4.6 cache writes at 1.25× (5 min) and 2× (1 h) input and reads at 0.1×', () => {
    // docs.anthropic.com/en/docs/about-claude/pricing (checked 2026-12): Opus 4.6 $5 input,
    // $6.25 5m write, $10 1h write, $0.50 cache hit, $25 output per MTok.
    const price = new PriceTable().lookup('claude-opus-4-6-20260115')!;
    expect(price).toMatchObject({ inputPerMillion: 5, cacheWritePerMillion: 6.25, cacheWrite1hPerMillion: 10, cachedInputPerMillion: 0.5, outputPerMillion: 25 });
    // 200k-token prefix written with a 5m TTL + 2,000 fresh tokens, 1,000 out:
    // 200,000 × 6.25/1e6 = 1.25; 2,000 × 5/1e6 = 0.01; 1,000 × 25/1e6 = 0.025 → $1.285
    const write = computeCost(
      { inputTokens: 202_000, cacheWriteInputTokens: 200_000, outputTokens: 1_000, totalTokens: 203_000 },
      price,
    );
    expect(write).toBeCloseTo(1.285, 10);
    // The next turn reads it: 200,000 × 0.5/1e6 = 0.10; 2,000 × 5/1e6 = 0.01; 0.025 → $0.135
    const read = computeCost(
      { inputTokens: 202_000, cachedInputTokens: 200_000, outputTokens: 1_000, totalTokens: 203_000 },
      price,
    );
    expect(cents(read)).toBe(0.14);
    expect(read).toBeCloseTo(0.135, 10);
    // Same prefix with the 1h TTL: 200,000 × 10/1e6 = 2.00 + 0.01 + 0.025 → $2.035
    const write1h = computeCost(
      { inputTokens: 202_000, cacheWriteInputTokens: 200_000, cacheWrite1hInputTokens: 200_000, outputTokens: 1_000, totalTokens: 203_000 },
      price,
    );
    expect(write1h).toBeCloseTo(2.035, 10);
  });

  it('prices a mix of 5-minute and 1-hour writes on Claude Sonnet 4.5', () => {
    // Sonnet 4.5: $3 input, $3.75 5m write, $6 1h write, $0.30 hit, $15 output (same page, 2026-12).
    // 1,000 uncached × 3 + 4,000 (5m) × 3.75 + 6,000 (1h) × 6 + 10,000 hits × 0.3 + 500 out × 15
    // = 3,000 + 15,000 + 36,000 + 3,000 + 7,500 = 64,500 / 1e6 = $0.0645
    const cost = computeCost(
      {
        inputTokens: 21_000,
        cachedInputTokens: 10_000,
        cacheWriteInputTokens: 10_000,
        cacheWrite1hInputTokens: 6_000,
        outputTokens: 500,
        totalTokens: 21_500,
      },
      DEFAULT_PRICES['claude-sonnet-4-5']!,
    );
    expect(cost).toBeCloseTo(0.0645, 10);
  });

  it('prices OpenAI cache reads at the cached rate and writes as plain input', () => {
    // openai.com/api/pricing (checked 2026-12): gpt-4o-mini $0.15 input, $0.075 cached, $0.60 output.
    // Recorded usage (test/fixtures/openai-responses nonstream-usage-cached-tokens.1): 4,020 in,
    // 4,012 cached, 5 out → 8 × 0.15 + 4,012 × 0.075 + 5 × 0.6 = 1.2 + 300.9 + 3 = 305.1 / 1e6
    const price = new PriceTable().lookup('gpt-4o-mini')!;
    expect(computeCost({ inputTokens: 4_020, cachedInputTokens: 4_012, outputTokens: 5, totalTokens: 4_025 }, price)).toBeCloseTo(0.0003051, 12);
    // Call 0 of the same recording wrote 4,012 tokens: no surcharge, 4,020 × 0.15 + 5 × 0.6 = 606 / 1e6
    expect(computeCost({ inputTokens: 4_020, cacheWriteInputTokens: 4_012, outputTokens: 5, totalTokens: 4_025 }, price)).toBeCloseTo(0.000606, 12);
  });

  it('prices Gemini 1.5 Pro and GPT-4.5 as listed, and DeepSeek cache hits at a tenth', () => {
    const table = new PriceTable();
    // Gemini 1.5 Pro, prompts ≤128k: $1.25 in, $0.3125 cached, $5 out. 100k in (60k cached), 2k out:
    // 40,000 × 1.25 + 60,000 × 0.3125 + 2,000 × 5 = 50,000 + 18,750 + 10,000 = $0.07875
    expect(computeCost({ inputTokens: 100_000, cachedInputTokens: 60_000, outputTokens: 2_000, totalTokens: 102_000 }, table.lookup('gemini-1.5-pro-002')!)).toBeCloseTo(0.07875, 10);
    // GPT-4.5: $75 in, $150 out. 10k in, 1k out → 0.75 + 0.15 = $0.90
    expect(computeCost({ inputTokens: 10_000, outputTokens: 1_000, totalTokens: 11_000 }, table.lookup('gpt-4.5-preview-2025-02-27')!)).toBeCloseTo(0.9, 10);
    // DeepSeek V3.2: $0.28 miss, $0.028 hit, $0.42 out. 1M in (900k hits), 100k out:
    // 100,000 × 0.28 + 900,000 × 0.028 + 100,000 × 0.42 = 28,000 + 25,200 + 42,000 = $0.0952
    expect(computeCost({ inputTokens: 1_000_000, cachedInputTokens: 900_000, outputTokens: 100_000, totalTokens: 1_100_000 }, table.lookup('deepseek-chat')!)).toBeCloseTo(0.0952, 10);
  });

  it('never counts a token twice when the buckets overlap or exceed the input', () => {
    const price = DEFAULT_PRICES['claude-haiku-4-5']!;
    // Reads take precedence; writes are capped to what is left: 100 read × 0.1 = $0.00001.
    expect(computeCost({ inputTokens: 100, cachedInputTokens: 100, cacheWriteInputTokens: 50, outputTokens: 0, totalTokens: 100 }, price)).toBeCloseTo(0.00001, 12);
  });
});

describe('PriceTable.fromJSON and loadPriceTable', () => {
  it('loads a newer table from a JSON file without a release, over the defaults', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'prices-'));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const file = join(folder, 'prices.json');
    writeFileSync(file, JSON.stringify({ prices: { 'gpt-4o': { inputPerMillion: 2, outputPerMillion: 8 }, 'my-model': { inputPerMillion: 1, outputPerMillion: 2, cacheWritePerMillion: 1.5 } } }));
    const table = await loadPriceTable(file);
    expect(table.lookup('gpt-4o')).toEqual({ inputPerMillion: 2, outputPerMillion: 8 });
    expect(table.lookup('my-model')?.cacheWritePerMillion).toBe(1.5);
    expect(table.lookup('claude-opus-4-6')).toBeDefined();
  });

  it('accepts a plain object and can drop the defaults', () => {
    const table = PriceTable.fromJSON({ prices: { 'x-1': { inputPerMillion: 1, outputPerMillion: 1 } }, includeDefaults: false });
    expect([...table.entries()].map(([name]) => name)).toEqual(['x-1']);
    expect(PriceTable.fromJSON({ 'x-2': { inputPerMillion: 1, outputPerMillion: 1 } }).lookup('x-2')).toBeDefined();
  });

  it('rejects bad JSON, bad shapes, bad numbers and unknown fields with InvalidArgumentError', () => {
    expect(() => PriceTable.fromJSON('{oops')).toThrow(InvalidArgumentError);
    expect(() => PriceTable.fromJSON('[]')).toThrow(/JSON object/);
    expect(() => PriceTable.fromJSON({ m: { inputPerMillion: -1, outputPerMillion: 1 } })).toThrow(/prices\.m\.inputPerMillion/);
    expect(() => PriceTable.fromJSON({ m: { inputPerMilion: 1, outputPerMillion: 1 } })).toThrow(/prices\.m\.inputPerMilion/);
    expect(() => PriceTable.fromJSON({ m: 3 } as never)).toThrow(/prices\.m/);
    expect(() => PriceTable.fromJSON({ prices: {}, includeDefaults: 'yes' })).toThrow(/includeDefaults/);
  });
});
