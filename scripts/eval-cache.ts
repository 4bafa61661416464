/**
 * Evaluates the semantic cache on GPTCache's 999 paraphrase pairs
 * (test/data/gptcache_mock_data.json, provenance in test/data/SOURCES.md).
 *
 * Origins are deduplicated on their compact form (NFKC, lower case, letters and digits only): the
 * set holds origins that differ only in case, backticks or punctuation, which are one question with
 * one answer. The first of each group is cached; a paraphrase of any member expects that entry.
 *
 * Tables: (1) every origin cached, every paraphrase asked: hits, right and wrong hits, misses per
 * threshold, with the guards off, on, and on with the ambiguity margin; (2) right / wrong hits over
 * thresholds × margins; (3) unseen questions: half the origins cached, the paraphrases of the other
 * half asked, so every hit is counted wrong; (4) adversarial questions (origins negated, renumbered,
 * or with a named entity swapped) where every hit is wrong.
 *
 *   node --import tsx scripts/eval-cache.ts [--data path] [--dimensions 384] [--thresholds 0.5,0.6] [--split all|even|odd]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChatResponse } from '../src/client/types.js';
import { localEmbedder } from '../src/cache/local-embedder.js';
import { MemoryVectorStore } from '../src/cache/memory-vector-store.js';
import { compact } from '../src/cache/question-text.js';
import { SemanticCache, type CachedAnswer } from '../src/cache/semantic-cache.js';
import type { Embedder } from '../src/cache/embedder.js';
import type { GuardOptions } from '../src/cache/question-guards.js';
import { seededRandom } from '../src/testing/seeded-random.js';

export type Pair = { readonly origin: string; readonly similar: string };
/** A question to ask and the cached origin that should answer it; none when every hit is wrong. */
export type Question = { readonly text: string; readonly expected?: string };
export type CacheSettings = { readonly threshold: number; readonly isGuarded: boolean; readonly minMargin: number };
export type Tally = { readonly hits: number; readonly right: number; readonly wrong: number; readonly misses: number };

export const DEFAULT_DATA = fileURLToPath(new URL('../test/data/gptcache_mock_data.json', import.meta.url));

export function readPairs(path = DEFAULT_DATA): Pair[] {
  return JSON.parse(readFileSync(path, 'utf8')) as Pair[];
}

/** One origin per compact form (the first seen), and the cached origin each pair expects. */
export function dedupeOrigins(pairs: readonly Pair[]): { origins: string[]; expectedOf: (pair: Pair) => string } {
  const canonical = new Map<string, string>();
  for (const pair of pairs) if (!canonical.has(compact(pair.origin))) canonical.set(compact(pair.origin), pair.origin);
  return { origins: [...canonical.values()], expectedOf: (pair) => canonical.get(compact(pair.origin))! };
}

function answer(text: string): ChatResponse {
  return {
    text, reasoning: [], toolCalls: [], incompleteToolCalls: [], finishReason: 'stop',
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 }, alias: 'eval', provider: 'eval', model: 'eval',
    attempts: [], message: { role: 'assistant', content: text },
  };
}

const context = { requestId: 'eval', signal: new AbortController().signal };
const ask = (text: string) => ({ model: 'eval', messages: [{ role: 'user' as const, content: text }] });

/** A store holding `origins`, each answered with its own text; caches with any settings can share it. */
export async function filledStore(embedder: Embedder, origins: readonly string[]): Promise<MemoryVectorStore<CachedAnswer>> {
  // A seeded index, so that every run prints the same table.
  const store = new MemoryVectorStore<CachedAnswer>({ maxEntries: 10_000, random: seededRandom(1) });
  const cache = new SemanticCache({ embedder, store });
  for (const origin of origins) await cache.store(ask(origin), answer(origin), context);
  return store;
}

/** Asks every question through a cache with `settings` over `store` and counts the outcomes. */
export async function tally(
  embedder: Embedder,
  store: MemoryVectorStore<CachedAnswer>,
  settings: CacheSettings,
  questions: readonly Question[],
  guardOptions?: GuardOptions,
): Promise<Tally> {
  const guards = guardOptions ?? (settings.isGuarded ? {} : { negation: false, numbers: false, entities: false, roles: false });
  const cache = new SemanticCache({ embedder, store, threshold: settings.threshold, minMargin: settings.minMargin, guards });
  let right = 0;
  let wrong = 0;
  let misses = 0;
  for (const question of questions) {
    const hit = await cache.lookup(ask(question.text), context);
    if (!hit) misses++;
    else if (question.expected !== undefined && hit.response.text === question.expected) right++;
    else wrong++;
  }
  return { hits: right + wrong, right, wrong, misses };
}

/**
 * Questions that must never be served from the cached origins: an origin with `not` added, with a
 * number changed, or with a product or library name swapped for another name from the set.
 */
export function adversarialQuestions(origins: readonly string[]): { negated: string[]; renumbered: string[]; swapped: string[] } {
  const negated = origins
    .map((origin) => origin.replace(/\b(is|are|can|does|do|will|has|have)\b/, '$1 not'))
    .filter((text, index) => text !== origins[index]);
  const renumbered = origins
    .filter((origin) => /\d/.test(origin))
    .map((origin) => origin.replace(/\d+/, (digits) => String(Number(digits) + 1)));
  // Names with an inner capital or several capitals (PyTorch, TensorFlow, JAX, NLP), most frequent first.
  const namePattern = /\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b/g;
  const frequency = new Map<string, number>();
  for (const origin of origins) for (const name of new Set(origin.match(namePattern))) frequency.set(name, (frequency.get(name) ?? 0) + 1);
  const names = [...frequency].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0])).map(([name]) => name);
  const swapped: string[] = [];
  for (const origin of origins) {
    const present = origin.match(namePattern);
    if (!present) continue;
    const lowered = origin.toLowerCase();
    const replacement = names.find((name) => !lowered.includes(name.toLowerCase()));
    if (replacement) swapped.push(origin.replace(present[0], replacement));
  }
  return { negated, renumbered, swapped };
}

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: DEFAULT_DATA },
      dimensions: { type: 'string', default: '384' },
      thresholds: { type: 'string', default: '0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9,0.95' },
      margins: { type: 'string', default: '0.04,0.06,0.08,0.1,0.12' },
      split: { type: 'string', default: 'all' },
    },
  });
  const allPairs = readPairs(values.data);
  const { origins, expectedOf } = dedupeOrigins(allPairs);
  const split = values.split;
  const pairs = allPairs.filter((_, index) => split === 'all' || index % 2 === (split === 'even' ? 0 : 1));
  const thresholds = values.thresholds.split(',').map(Number);
  const margins = values.margins.split(',').map(Number);
  const embedder = localEmbedder({ dimensions: Number(values.dimensions) });
  const defaults = new SemanticCache({ embedder });
  const defaultMargin = defaults.minMargin;
  const configurations = [
    { label: 'off', isGuarded: false, minMargin: 0 },
    { label: 'on', isGuarded: true, minMargin: 0 },
    { label: `on + margin ${defaultMargin}`, isGuarded: true, minMargin: defaultMargin },
  ];

  const distinct = new Set(allPairs.map((pair) => pair.origin)).size;
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`${allPairs.length} pairs (${split === 'all' ? 'all asked' : `${split} ones asked: ${pairs.length}`}), ${distinct} distinct origins, ` +
    `${origins.length} after merging case/punctuation twins, local embedder ${embedder.dimensions} dimensions; ` +
    `defaults: threshold ${defaults.threshold}, margin ${defaultMargin}, guards on\n`);

  const store = await filledStore(embedder, origins);
  const paraphrases = pairs.map((pair) => ({ text: pair.similar, expected: expectedOf(pair) }));
  out('| threshold | guards | hits | right hits | wrong hits | misses | precision | recall |');
  out('|---|---|---|---|---|---|---|---|');
  for (const threshold of thresholds) {
    for (const configuration of configurations) {
      const row = await tally(embedder, store, { threshold, ...configuration }, paraphrases);
      out(`| ${threshold} | ${configuration.label} | ${row.hits} | ${row.right} | ${row.wrong} | ${row.misses} | ${percent(row.right, row.hits)} | ${percent(row.right, paraphrases.length)} |`);
    }
  }

  out('\nRight / wrong hits by threshold and margin (guards on)\n');
  out(`| threshold | ${margins.map((margin) => `margin ${margin}`).join(' | ')} |`);
  out(`|---|${margins.map(() => '---').join('|')}|`);
  for (const threshold of thresholds.filter((value) => value <= 0.85)) {
    const cells: string[] = [];
    for (const minMargin of margins) {
      const row = await tally(embedder, store, { threshold, isGuarded: true, minMargin }, paraphrases);
      cells.push(`${row.right} / ${row.wrong} (${percent(row.right, row.hits)})`);
    }
    out(`| ${threshold} | ${cells.join(' | ')} |`);
  }

  const cachedHalf = origins.filter((_, index) => index % 2 === 0);
  const cachedSet = new Set(cachedHalf);
  const halfStore = await filledStore(embedder, cachedHalf);
  const seen = paraphrases.filter((question) => cachedSet.has(question.expected));
  const unseen = paraphrases.filter((question) => !cachedSet.has(question.expected)).map((question) => ({ text: question.text }));
  out(`\nUnseen questions: ${cachedHalf.length} origins cached; ${seen.length} paraphrases of them and ${unseen.length} paraphrases of uncached origins asked (every hit on those counts as wrong)\n`);
  out('| threshold | guards | seen: right / wrong | unseen served | precision over all hits |');
  out('|---|---|---|---|---|');
  for (const threshold of thresholds) {
    for (const configuration of configurations.slice(1)) {
      const seenRow = await tally(embedder, halfStore, { threshold, ...configuration }, seen);
      const unseenRow = await tally(embedder, halfStore, { threshold, ...configuration }, unseen);
      out(`| ${threshold} | ${configuration.label} | ${seenRow.right} / ${seenRow.wrong} | ${unseenRow.hits} (${percent(unseenRow.hits, unseen.length)}) | ${percent(seenRow.right, seenRow.hits + unseenRow.hits)} |`);
    }
  }

  const { negated, renumbered, swapped } = adversarialQuestions(origins);
  out(`\nAdversarial questions (every hit is wrong): ${negated.length} negated origins, ${renumbered.length} with a number changed, ${swapped.length} with a name swapped\n`);
  out('| threshold | guards | negated served | renumbered served | name-swapped served |');
  out('|---|---|---|---|---|');
  const asked = (texts: readonly string[]) => texts.map((text) => ({ text }));
  for (const threshold of thresholds) {
    for (const configuration of [configurations[0]!, configurations[2]!]) {
      const settings = { threshold, ...configuration };
      const negatedRow = await tally(embedder, store, settings, asked(negated));
      const renumberedRow = await tally(embedder, store, settings, asked(renumbered));
      const swappedRow = await tally(embedder, store, settings, asked(swapped));
      out(`| ${threshold} | ${configuration.label} | ${negatedRow.hits} | ${renumberedRow.hits} | ${swappedRow.hits} |`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
