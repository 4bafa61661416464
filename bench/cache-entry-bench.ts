/**
 * What keeping cache entries immutable costs (issue 12, item 13): a frozen deep copy when an answer
 * is stored (before the caller gets it back), against `structuredClone`, and the per-hit copy of
 * the response, message and lists that `replayCached` makes, against none. Run standalone with
 *   node --import tsx bench/cache-entry-bench.ts
 */
import { pathToFileURL } from 'node:url';
import { frozenCopy } from '../src/cache/frozen-copy.js';
import { replayCached } from '../src/client/replay-cached.js';
import type { ChatResponse } from '../src/client/types.js';

const TEXT = 'Rotate the key in the dashboard under Settings, then update every service that uses it. '.repeat(6);

const RESPONSE: ChatResponse = {
  text: TEXT,
  reasoning: [],
  toolCalls: [],
  incompleteToolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 12, outputTokens: 130, totalTokens: 142 },
  alias: 'fast',
  provider: 'openai',
  model: 'gpt-4o-mini',
  attempts: [
    { alias: 'fast', provider: 'openai', model: 'gpt-4o-mini', deploymentId: 'fast/openai/gpt-4o-mini', outcome: 'success', latencyMs: 420, usage: { inputTokens: 12, outputTokens: 130, totalTokens: 142 }, startedAt: 1 },
  ],
  message: { role: 'assistant', content: TEXT },
};

function microseconds(run: () => unknown, iterations = 100_000): number {
  for (let index = 0; index < iterations / 10; index++) run();
  const started = performance.now();
  for (let index = 0; index < iterations; index++) run();
  return ((performance.now() - started) / iterations) * 1000;
}

export async function runCacheEntryBench(): Promise<Record<string, number>> {
  const entry = frozenCopy(RESPONSE);
  const hit = { response: entry, tier: 'exact' as const, similarity: 1, ageMs: 0, isShadow: false };
  return {
    'store: frozenCopy (µs)': microseconds(() => frozenCopy(RESPONSE)),
    'store: structuredClone (µs)': microseconds(() => structuredClone(RESPONSE)),
    'hit: replayCached with copies (µs)': microseconds(() => replayCached(hit, undefined, undefined)),
    'hit: bare spread, shared objects (µs)': microseconds(() => ({ ...entry, usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 }, attempts: [] })),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [key, value] of Object.entries(await runCacheEntryBench())) console.log(`${key}: ${value.toFixed(2)}`);
}
