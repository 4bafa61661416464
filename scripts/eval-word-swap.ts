/**
 * Evaluates the semantic cache on questions whose words swap roles (test/data/word-swap-pairs.json,
 * made by scripts/generate-word-swap-pairs.ts; provenance in test/data/SOURCES.md), beside the
 * GPTCache paraphrase pairs of scripts/eval-cache.ts.
 *
 * Each pair gets a partition of its own (a namespace) holding only its cached question, so nothing
 * but the embedder, the threshold and the guards decides (no other entry can make it ambiguous).
 * A hit on a `swap` pair is a wrong answer served; a hit on a `paraphrase` pair is right.
 *
 *   node --import tsx scripts/eval-word-swap.ts [--split test|tune|all] [--thresholds 0.6,0.7,0.8] [--embedder local|hash]
 *
 * `--embedder hash` stands in for a stronger `providerEmbedder`: the bag-of-words vectors of
 * `hashEmbedding` (llm-resilience/testing, the vectors the test provider server answers embedding
 * calls with) ignore word order entirely, so every swap scores 1 and only the guards can refuse it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChatResponse } from '../src/client/types.js';
import type { Embedder } from '../src/cache/embedder.js';
import { localEmbedder } from '../src/cache/local-embedder.js';
import { MemoryVectorStore } from '../src/cache/memory-vector-store.js';
import type { GuardOptions } from '../src/cache/question-guards.js';
import { SemanticCache, type CachedAnswer } from '../src/cache/semantic-cache.js';
import { hashEmbedding } from '../src/testing/hash-embedding.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import { dedupeOrigins, filledStore, readPairs, tally } from './eval-cache.js';
import type { WordSwapPair } from './generate-word-swap-pairs.js';

export const WORD_SWAP_DATA = fileURLToPath(new URL('../test/data/word-swap-pairs.json', import.meta.url));

export function readWordSwapPairs(path = WORD_SWAP_DATA): WordSwapPair[] {
  return JSON.parse(readFileSync(path, 'utf8')) as WordSwapPair[];
}

export type SwapTally = {
  readonly swaps: number;
  /** Swap pairs answered from the cache: wrong answers served. */
  readonly swapsServed: number;
  readonly paraphrases: number;
  readonly paraphrasesServed: number;
};

export type GuardConfiguration = { readonly label: string; readonly guards: GuardOptions };

export const CONFIGURATIONS: readonly GuardConfiguration[] = [
  { label: 'off', guards: { negation: false, numbers: false, entities: false, roles: false } },
  { label: 'on, without roles', guards: { roles: false } },
  { label: 'on (default)', guards: {} },
];

const context = (namespace: string) => ({ requestId: 'eval', namespace, signal: new AbortController().signal });
const ask = (text: string) => ({ model: 'eval', messages: [{ role: 'user' as const, content: text }] });

function answer(text: string): ChatResponse {
  return {
    text, reasoning: [], toolCalls: [], incompleteToolCalls: [], finishReason: 'stop',
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 }, alias: 'eval', provider: 'eval', model: 'eval',
    attempts: [], message: { role: 'assistant', content: text },
  };
}

/** One store holding each pair's cached question in a namespace of its own. */
export async function wordSwapStore(embedder: Embedder, pairs: readonly WordSwapPair[]): Promise<MemoryVectorStore<CachedAnswer>> {
  const store = new MemoryVectorStore<CachedAnswer>({ maxEntries: pairs.length + 1, random: seededRandom(1) });
  const cache = new SemanticCache({ embedder, store });
  for (const [index, pair] of pairs.entries()) await cache.store(ask(pair.cached), answer(pair.cached), context(`pair-${index}`));
  return store;
}

export async function tallySwaps(
  embedder: Embedder,
  store: MemoryVectorStore<CachedAnswer>,
  pairs: readonly WordSwapPair[],
  threshold: number,
  guards: GuardOptions,
): Promise<SwapTally> {
  const cache = new SemanticCache({ embedder, store, threshold, guards });
  let swaps = 0;
  let swapsServed = 0;
  let paraphrases = 0;
  let paraphrasesServed = 0;
  for (const [index, pair] of pairs.entries()) {
    const hit = await cache.lookup(ask(pair.asked), context(`pair-${index}`));
    if (pair.label === 'swap') {
      swaps++;
      if (hit) swapsServed++;
    } else {
      paraphrases++;
      if (hit) paraphrasesServed++;
    }
  }
  return { swaps, swapsServed, paraphrases, paraphrasesServed };
}

/** An order-blind stand-in for a neural embedder behind `providerEmbedder`: what it answers is what a server would. */
export function bagOfWordsEmbedder(dimensions = 384): Embedder {
  return { id: `hash-${dimensions}`, dimensions, embed: async (texts) => texts.map((text) => hashEmbedding(text, dimensions)) };
}

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      split: { type: 'string', default: 'test' },
      thresholds: { type: 'string', default: '0.6,0.7,0.8,0.9' },
      embedder: { type: 'string', default: 'local' },
    },
  });
  const all = readWordSwapPairs();
  const pairs = all.filter((pair) => values.split === 'all' || pair.split === values.split);
  const thresholds = values.thresholds.split(',').map(Number);
  const embedder = values.embedder === 'hash' ? bagOfWordsEmbedder() : localEmbedder();
  const defaults = new SemanticCache({ embedder });
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const swapCount = pairs.filter((pair) => pair.label === 'swap').length;
  out(`${pairs.length} word-swap pairs (${values.split}): ${swapCount} role swaps, ${pairs.length - swapCount} reorder paraphrases; ` +
    `GPTCache: 999 paraphrase pairs; ${values.embedder} embedder; margin ${defaults.minMargin} (default threshold ${defaults.threshold})\n`);
  const store = await wordSwapStore(embedder, pairs);
  const gptPairs = readPairs();
  const { origins, expectedOf } = dedupeOrigins(gptPairs);
  const gptStore = await filledStore(embedder, origins);
  const paraphrases = gptPairs.map((pair) => ({ text: pair.similar, expected: expectedOf(pair) }));
  out('| threshold | guards | role swaps served (wrong) | reorder paraphrases served | GPTCache precision | GPTCache recall |');
  out('|---|---|---|---|---|---|');
  for (const threshold of thresholds) {
    for (const configuration of CONFIGURATIONS) {
      const row = await tallySwaps(embedder, store, pairs, threshold, configuration.guards);
      const isGuarded = configuration.label !== 'off';
      const gpt = await tally(embedder, gptStore, { threshold, isGuarded, minMargin: defaults.minMargin }, paraphrases, configuration.guards);
      const label = threshold === defaults.threshold && configuration.label === 'on (default)' ? '**default**' : configuration.label;
      out(`| ${threshold} | ${label} | ${row.swapsServed} / ${row.swaps} (${percent(row.swapsServed, row.swaps)}) | ` +
        `${row.paraphrasesServed} / ${row.paraphrases} (${percent(row.paraphrasesServed, row.paraphrases)}) | ` +
        `${percent(gpt.right, gpt.hits)} | ${percent(gpt.right, paraphrases.length)} |`);
    }
  }
  const byTemplate = new Map<string, { swaps: number; served: number }>();
  const cache = new SemanticCache({ embedder, store });
  for (const [index, pair] of pairs.entries()) {
    if (pair.label !== 'swap') continue;
    const row = byTemplate.get(pair.template) ?? { swaps: 0, served: 0 };
    row.swaps++;
    if (await cache.lookup(ask(pair.asked), context(`pair-${index}`))) row.served++;
    byTemplate.set(pair.template, row);
  }
  out('\nRole swaps served at the defaults, by template\n');
  out('| template | served |');
  out('|---|---|');
  for (const [template, row] of byTemplate) out(`| ${template} | ${row.served} / ${row.swaps} |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
