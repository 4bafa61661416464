import { describe, expect, it, onTestFinished } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import { PriceTable } from '../../src/cost/price-table.js';
import { anthropic } from '../../src/providers/anthropic/anthropic-adapter.js';
import { openaiResponses } from '../../src/providers/openai-responses/openai-responses-adapter.js';
import { readFixture } from '../helpers/fixtures.js';
import { startReplayServer } from '../helpers/replay-server.js';

// Hand-computed from the vendors' public price pages (checked 2026-12):
// Claude Opus 4.6 (docs.anthropic.com/en/docs/about-claude/pricing): $5 input, $6.25 5m write,
// $10 1h write, $0.50 read, $25 output per MTok. gpt-4o-mini (openai.com/api/pricing): $0.15
// input, $0.075 cached, $0.60 output.
const OPUS_ANSWER = JSON.stringify({
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-opus-4-6',
  content: [{ type: 'text', text: 'Summary.' }],
  stop_reason: 'end_turn',
  usage: {
    input_tokens: 2_000,
    cache_creation_input_tokens: 150_000,
    cache_read_input_tokens: 50_000,
    cache_creation: { ephemeral_5m_input_tokens: 100_000, ephemeral_1h_input_tokens: 50_000 },
    output_tokens: 1_000,
  },
});

async function client(providers: ConstructorParameters<typeof ResilientLLM>[0]['providers'], model: { provider: string; model: string }, prices?: PriceTable) {
  const llm = new ResilientLLM({ providers, models: { main: model }, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 }, ...(prices ? { prices } : {}) });
  onTestFinished(() => llm.close());
  return llm;
}

describe('response.cost counts cache writes and reads, to the cent', () => {
  it('prices an Anthropic answer with 5m and 1h cache writes and reads, on the response and its attempt', async () => {
    const server = await startReplayServer([
      { status: 500, headers: { 'content-type': 'application/json' }, chunks: ['{"type":"error","error":{"type":"api_error","message":"Internal"}}'] },
      { headers: { 'content-type': 'application/json' }, chunks: [OPUS_ANSWER] },
    ]);
    onTestFinished(() => server.close());
    const llm = await client({ anthropic: anthropic({ apiKey: 'sk-ant-cost-test', baseURL: `${server.url}/v1` }) }, { provider: 'anthropic', model: 'claude-opus-4-6' });
    const response = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Summarize the catalogue.' }] });
    // 2,000 × 5 + 100,000 × 6.25 + 50,000 × 10 + 50,000 × 0.5 + 1,000 × 25
    // = 10,000 + 625,000 + 500,000 + 25,000 + 25,000 = 1,185,000 / 1e6 = $1.185
    expect(response.usage).toMatchObject({ inputTokens: 202_000, cacheWriteInputTokens: 150_000, cacheWrite1hInputTokens: 50_000, cachedInputTokens: 50_000 });
    expect(response.cost).toBeCloseTo(1.185, 9);
    expect(response.attempts.map((attempt) => attempt.outcome)).toEqual(['error', 'success']);
    expect(response.attempts[1]!.cost).toBeCloseTo(1.185, 9);
    // Without the cache the same tokens would have cost 202,000 × 5 + 25,000 = $1.035: the write premium shows.
    expect(Math.round(response.cost! * 100)).toBe(119);
  });

  it('prices a Responses API cache read from a recorded body, and uses a price table loaded from JSON', async () => {
    const body = readFixture('openai-responses/pydantic-ai/nonstream-usage-cached-tokens.1.response.json');
    const server = await startReplayServer([{ headers: { 'content-type': 'application/json' }, chunks: [body] }]);
    onTestFinished(() => server.close());
    // The recorded model is gpt-5.6-sol; price it as gpt-4o-mini from a "newer" JSON table.
    const prices = PriceTable.fromJSON(JSON.stringify({ prices: { 'gpt-5.6-sol': { inputPerMillion: 0.15, cachedInputPerMillion: 0.075, outputPerMillion: 0.6 } } }));
    const llm = await client({ responses: openaiResponses({ apiKey: 'sk-cost-test-key', baseURL: `${server.url}/v1` }) }, { provider: 'responses', model: 'gpt-5.6-sol' }, prices);
    const response = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'OK?' }] });
    // 8 × 0.15 + 4,012 × 0.075 + 5 × 0.6 = 1.2 + 300.9 + 3 = 305.1 / 1e6
    expect(response.cost).toBeCloseTo(0.0003051, 12);
    expect(response.attempts[0]!.cost).toBeCloseTo(0.0003051, 12);
  });
});
