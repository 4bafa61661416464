/**
 * Semantic cache benchmark: exact-hit latency, the local embedder, then 100,000 entries × 384
 * dimensions stored through `SemanticCache.store`: build time, vector search latency, the whole
 * semantic `SemanticCache.lookup` latency, and recall@1 of the index against a brute-force scan.
 * Run standalone with
 *   node --import tsx bench/cache-bench.ts
 *
 * The vectors are synthetic but shaped like sentence embeddings: a 24-dimensional latent space
 * with 1,000 topic clusters, mapped to 384 dimensions by a fixed random matrix plus per-dimension
 * noise. Half the queries are near copies of a stored entry (a reworded question, cosine ≈ 0.9);
 * half are fresh draws from the same distribution (a new question on a known topic). Latency is
 * measured over 5,000 queries; recall over the first 600 (a brute-force scan costs ~40 ms each).
 * The load average is printed with the figures: on a shared machine the tail follows it.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { ChatResponse, NormalizedChatRequest as ChatRequest } from '../src/client/types.js';
import { cacheKeyOf } from '../src/cache/cache-key.js';
import type { Embedder } from '../src/cache/embedder.js';
import { HnswIndex } from '../src/cache/hnsw-index.js';
import { localEmbedder } from '../src/cache/local-embedder.js';
import { MemoryVectorStore } from '../src/cache/memory-vector-store.js';
import { SemanticCache, type CachedAnswer } from '../src/cache/semantic-cache.js';
import { seededRandom } from '../src/testing/seeded-random.js';

const ENTRIES = 100_000;
const DIMENSIONS = 384;
const LATENT = 24;
const CLUSTERS = 1_000;
const QUERIES = 5_000;
const WARMUP_QUERIES = 500;
const RECALL_QUERIES = 600;

function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

function answer(text: string): ChatResponse {
  return {
    text, reasoning: [], toolCalls: [], incompleteToolCalls: [], finishReason: 'stop',
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, alias: 'fast', provider: 'bench', model: 'bench',
    attempts: [], message: { role: 'assistant', content: text },
  };
}

const ask = (question: string): ChatRequest => ({ model: 'fast', messages: [{ role: 'user', content: question }], temperature: 0 });

async function exactHitMicroseconds(): Promise<{ p50: number; p99: number }> {
  const cache = new SemanticCache();
  const context = { requestId: 'bench', signal: new AbortController().signal };
  const request: ChatRequest = {
    model: 'fast',
    messages: [
      { role: 'system', content: 'You are a helpful assistant that answers in one paragraph.' },
      { role: 'user', content: 'How do I rotate an API key without downtime?' },
    ],
    temperature: 0,
    maxTokens: 512,
  };
  await cache.store(request, answer('Create the new key, deploy it, then revoke the old one.'), context);
  for (let index = 0; index < 5_000; index++) await cache.lookup(request, context);
  const samples: number[] = [];
  for (let index = 0; index < 20_000; index++) {
    const started = performance.now();
    const hit = await cache.lookup(request, context);
    samples.push((performance.now() - started) * 1_000);
    if (hit?.tier !== 'exact') throw new Error('expected an exact hit');
  }
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

async function embedMicroseconds(): Promise<number> {
  const embedder = localEmbedder();
  const signal = new AbortController().signal;
  const question = 'How can I rotate the API keys of my production service without any downtime?';
  for (let index = 0; index < 2_000; index++) await embedder.embed([question], signal);
  const samples: number[] = [];
  for (let index = 0; index < 5_000; index++) {
    const started = performance.now();
    await embedder.embed([question], signal);
    samples.push((performance.now() - started) * 1_000);
  }
  return percentile(samples, 0.5);
}

function syntheticEmbeddings(random: () => number) {
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const projection = Float32Array.from({ length: DIMENSIONS * LATENT }, gaussian);
  const centers = Array.from({ length: CLUSTERS }, () => Float32Array.from({ length: LATENT }, gaussian));
  const toVector = (latent: Float32Array): Float32Array => {
    const vector = new Float32Array(DIMENSIONS);
    let norm = 0;
    for (let row = 0; row < DIMENSIONS; row++) {
      let sum = 0;
      for (let column = 0; column < LATENT; column++) sum += projection[row * LATENT + column]! * latent[column]!;
      sum += gaussian() * 0.3;
      vector[row] = sum;
      norm += sum * sum;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let row = 0; row < DIMENSIONS; row++) vector[row]! *= scale;
    return vector;
  };
  const sample = () => {
    const center = centers[Math.floor(random() * CLUSTERS)]!;
    return toVector(center.map((value) => value + gaussian() * 0.5));
  };
  const nearCopy = (vector: Float32Array) => vector.map((value) => value + gaussian() * 0.02);
  return { sample, nearCopy };
}

/** Exact nearest neighbour by a full scan in plain JS; `flat` holds every (unit) vector back to back. */
function bruteForceBest(flat: Float32Array, query: Float32Array): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let node = 0; node < ENTRIES; node++) {
    const offset = node * DIMENSIONS;
    let sum0 = 0;
    let sum1 = 0;
    for (let index = 0; index < DIMENSIONS; index += 2) {
      sum0 += flat[offset + index]! * query[index]!;
      sum1 += flat[offset + index + 1]! * query[index + 1]!;
    }
    const score = sum0 + sum1;
    if (score > bestScore) {
      bestScore = score;
      best = node;
    }
  }
  return best;
}

/** Answers every question from a table filled in advance, so the lookup measures the cache, not a model. */
function tableEmbedder(vectors: Map<string, Float32Array>): Embedder {
  return {
    id: 'bench-table',
    dimensions: DIMENSIONS,
    async embed(texts) {
      return texts.map((text) => vectors.get(text)!);
    },
  };
}

/** Runs every measurement and returns the figures by name. */
export async function runCacheBench(): Promise<Record<string, number | string>> {
  const loadBefore = load();
  const exact = await exactHitMicroseconds();
  const embedP50 = await embedMicroseconds();

  const random = seededRandom(2024);
  const { sample, nearCopy } = syntheticEmbeddings(random);
  const vectors = Array.from({ length: ENTRIES }, sample);
  const queries = Array.from({ length: QUERIES + WARMUP_QUERIES }, (_, index) =>
    index % 2 === 0 ? nearCopy(vectors[Math.floor(random() * ENTRIES)]!) : sample(),
  );
  const table = new Map<string, Float32Array>();
  vectors.forEach((vector, index) => table.set(`stored question ${index}`, vector));
  queries.forEach((vector, index) => table.set(`asked question ${index}`, vector));

  const store = new MemoryVectorStore<CachedAnswer>({ maxEntries: ENTRIES, ttlMs: 0, random: seededRandom(7) });
  const embedder = tableEmbedder(table);
  const cache = new SemanticCache({ embedder, store });
  const context = { requestId: 'bench', signal: new AbortController().signal };
  const buildStarted = performance.now();
  for (let index = 0; index < ENTRIES; index++) {
    await cache.store(ask(`stored question ${index}`), answer(String(index)), context);
  }
  const buildMs = performance.now() - buildStarted;
  const partition = cacheKeyOf(ask('any'), '', embedder.id).partition;

  const loadDuring = load();
  for (let index = 0; index < WARMUP_QUERIES; index++) {
    await store.search(partition, queries[QUERIES + index]!, { k: 1, minScore: -1 });
    await cache.lookup(ask(`asked question ${QUERIES + index}`), context);
  }
  const searchLatencies: number[] = [];
  for (let index = 0; index < QUERIES; index++) {
    const started = performance.now();
    await store.search(partition, queries[index]!, { k: 1, minScore: -1 });
    searchLatencies.push(performance.now() - started);
  }
  const lookupLatencies: number[] = [];
  for (let index = 0; index < QUERIES; index++) {
    const started = performance.now();
    await cache.lookup(ask(`asked question ${index}`), context);
    lookupLatencies.push(performance.now() - started);
  }

  const flat = new Float32Array(ENTRIES * DIMENSIONS);
  vectors.forEach((vector, node) => flat.set(vector, node * DIMENSIONS));
  let found = 0;
  let foundNear = 0;
  for (let index = 0; index < RECALL_QUERIES; index++) {
    const query = queries[index]!;
    const [match] = await store.search(partition, query, { k: 1, minScore: -1 });
    if (match?.payload.response.text === String(bruteForceBest(flat, query))) {
      found++;
      if (index % 2 === 0) foundNear++;
    }
  }
  return {
    'load average before (1/5/15 min)': loadBefore,
    'load average at search': loadDuring,
    'load average after': load(),
    'exact hit p50 (µs)': round(exact.p50, 1),
    'exact hit p99 (µs)': round(exact.p99, 1),
    'local embed p50 (µs)': round(embedP50, 1),
    'semantic entries': ENTRIES,
    'semantic dimensions': DIMENSIONS,
    'dot products': new HnswIndex({ dimensions: DIMENSIONS, initialCapacity: 16 }).isSimd ? 'WebAssembly SIMD' : 'plain JS',
    'build through store() (s)': round(buildMs / 1_000, 1),
    'queries timed': QUERIES,
    'vector search p50 (ms)': round(percentile(searchLatencies, 0.5)),
    'vector search p99 (ms)': round(percentile(searchLatencies, 0.99)),
    'semantic lookup p50 (ms)': round(percentile(lookupLatencies, 0.5)),
    'semantic lookup p99 (ms)': round(percentile(lookupLatencies, 0.99)),
    'recall@1 vs brute force': `${round(found / RECALL_QUERIES)} (${RECALL_QUERIES} queries)`,
    'recall@1, reworded queries': round(foundNear / (RECALL_QUERIES / 2)),
    'recall@1, new questions': round((found - foundNear) / (RECALL_QUERIES / 2)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await runCacheBench();
  for (const [name, value] of Object.entries(results)) process.stdout.write(`${name.padEnd(34)} ${value}\n`);
}
