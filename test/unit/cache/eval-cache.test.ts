import { beforeAll, describe, expect, it } from 'vitest';
import type { MemoryVectorStore } from '../../../src/cache/memory-vector-store.js';
import { localEmbedder } from '../../../src/cache/local-embedder.js';
import { SemanticCache, type CachedAnswer } from '../../../src/cache/semantic-cache.js';
import { adversarialQuestions, dedupeOrigins, filledStore, readPairs, tally } from '../../../scripts/eval-cache.js';

describe('dedupeOrigins', () => {
  it('merges origins that differ only in case or punctuation and points their paraphrases at the first', () => {
    const pairs = [
      { origin: 'The `download_config` parameter sets the download.', similar: 'a' },
      { origin: 'The download_config parameter sets the download', similar: 'b' },
      { origin: 'The download_mode parameter sets the mode.', similar: 'c' },
    ];
    const { origins, expectedOf } = dedupeOrigins(pairs);
    expect(origins).toEqual(['The `download_config` parameter sets the download.', 'The download_mode parameter sets the mode.']);
    expect(expectedOf(pairs[1]!)).toBe('The `download_config` parameter sets the download.');
  });
});

describe('the cache at its defaults on the GPTCache paraphrase pairs', () => {
  const embedder = localEmbedder();
  const defaults = new SemanticCache();
  const settings = { threshold: defaults.threshold, minMargin: defaults.minMargin, isGuarded: true };
  const pairs = readPairs();
  const { origins, expectedOf } = dedupeOrigins(pairs);
  let store: MemoryVectorStore<CachedAnswer>;

  beforeAll(async () => {
    store = await filledStore(embedder, origins);
  });

  it('answers at least 40 % of the paraphrases with at least 99 % precision', async () => {
    const row = await tally(embedder, store, settings, pairs.map((pair) => ({ text: pair.similar, expected: expectedOf(pair) })));
    expect(row.right / row.hits).toBeGreaterThanOrEqual(0.99);
    expect(row.right / pairs.length).toBeGreaterThanOrEqual(0.4);
  });

  it('serves no origin that was negated, renumbered or had a name swapped', async () => {
    const { negated, renumbered, swapped } = adversarialQuestions(origins);
    expect([negated.length, renumbered.length, swapped.length]).toEqual([742, 67, 315]);
    for (const questions of [negated, renumbered, swapped]) {
      const row = await tally(embedder, store, settings, questions.map((text) => ({ text })));
      expect(row.hits).toBe(0);
    }
  });
});
