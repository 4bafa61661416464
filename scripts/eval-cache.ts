/**
 * Evaluates the semantic cache on GPTCache's 999 paraphrase pairs
 * (/work/shared/data/gptcache_mock_data.json, see SOURCES.md there): caches every distinct origin,
 * asks every paraphrase, and prints hits, right hits, wrong hits and misses per threshold, with and
 * without the guards. A second table asks negated and renumbered origins, where every hit is wrong.
 *
 *   node --import tsx scripts/eval-cache.ts [--data path] [--dimensions 384]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ChatResponse } from '../src/client/types.js';
import { localEmbedder } from '../src/cache/local-embedder.js';
import { MemoryVectorStore } from '../src/cache/memory-vector-store.js';
import { compact } from '../src/cache/question-text.js';
import { SemanticCache, type CachedAnswer } from '../src/cache/semantic-cache.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/work/shared/data/gptcache_mock_data.json' },
    dimensions: { type: 'string', default: '384' },
    thresholds: { type: 'string', default: '0.5,0.6,0.65,0.7,0.75,0.8,0.85,0.9,0.95' },
  },
});

type Pair = { readonly origin: string; readonly similar: string };
const pairs = JSON.parse(readFileSync(values.data, 'utf8')) as Pair[];
const origins = [...new Set(pairs.map((pair) => pair.origin))];
const dimensions = Number(values.dimensions);
const thresholds = values.thresholds.split(',').map(Number);

function answer(text: string): ChatResponse {
  return {
    text, reasoning: [], toolCalls: [], incompleteToolCalls: [], finishReason: 'stop',
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 }, alias: 'eval', provider: 'eval', model: 'eval',
    attempts: [], message: { role: 'assistant', content: text },
  };
}

function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const context = { requestId: 'eval', signal: new AbortController().signal };
const ask = (text: string) => ({ model: 'eval', messages: [{ role: 'user' as const, content: text }] });

async function run(threshold: number, isGuarded: boolean, questions: readonly { readonly text: string; readonly expected?: string }[]) {
  const guard = isGuarded ? {} : { negation: false, numbers: false, entities: false };
  // A seeded index, so that every run prints the same table.
  const store = new MemoryVectorStore<CachedAnswer>({ maxEntries: 10_000, random: seededRandom(1) });
  const cache = new SemanticCache({ embedder: localEmbedder({ dimensions }), store, threshold, guards: guard });
  for (const origin of origins) await cache.store(ask(origin), answer(origin), context);
  let right = 0;
  let wrong = 0;
  let sameOrigin = 0;
  let misses = 0;
  for (const question of questions) {
    const hit = await cache.lookup(ask(question.text), context);
    if (!hit) misses++;
    else if (hit.response.text === question.expected) right++;
    else {
      wrong++;
      // Some distinct origins differ only in case, backticks or punctuation.
      if (question.expected !== undefined && compact(hit.response.text) === compact(question.expected)) sameOrigin++;
    }
  }
  return { hits: right + wrong, right, wrong, sameOrigin, misses };
}

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);

console.log(`${pairs.length} pairs, ${origins.length} distinct origins cached, local embedder ${dimensions} dimensions\n`);
console.log('| threshold | guards | hits | right hits | wrong hits | misses | precision | recall | wrong hits that are a case/punctuation twin of the origin |');
console.log('|---|---|---|---|---|---|---|---|---|');
const paraphrases = pairs.map((pair) => ({ text: pair.similar, expected: pair.origin }));
for (const threshold of thresholds) {
  for (const isGuarded of [false, true]) {
    const row = await run(threshold, isGuarded, paraphrases);
    console.log(
      `| ${threshold} | ${isGuarded ? 'on' : 'off'} | ${row.hits} | ${row.right} | ${row.wrong} | ${row.misses} | ${percent(row.right, row.hits)} | ${percent(row.right, pairs.length)} | ${row.sameOrigin} |`,
    );
  }
}

// Questions that must never be served: each origin with a negation added, or a number changed.
const negated = origins
  .map((origin) => origin.replace(/\b(is|are|can|does|do|will|has|have)\b/, '$1 not'))
  .filter((text, index) => text !== origins[index]);
const renumbered = origins
  .filter((origin) => /\d/.test(origin))
  .map((origin) => origin.replace(/\d+/, (digits) => String(Number(digits) + 1)));
console.log(`\nAdversarial questions (every hit is wrong): ${negated.length} negated origins, ${renumbered.length} origins with a number changed\n`);
console.log('| threshold | guards | negated served | renumbered served |');
console.log('|---|---|---|---|');
for (const threshold of thresholds) {
  for (const isGuarded of [false, true]) {
    const negatedRow = await run(threshold, isGuarded, negated.map((text) => ({ text })));
    const renumberedRow = await run(threshold, isGuarded, renumbered.map((text) => ({ text })));
    console.log(`| ${threshold} | ${isGuarded ? 'on' : 'off'} | ${negatedRow.hits} | ${renumberedRow.hits} |`);
  }
}
