import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localEmbedder } from '../../../src/cache/local-embedder.js';
import { SemanticCache } from '../../../src/cache/semantic-cache.js';
import { dedupeOrigins, filledStore, readPairs, tally } from '../../../scripts/eval-cache.js';
import { readWordSwapPairs, tallySwaps, WORD_SWAP_DATA, wordSwapStore } from '../../../scripts/eval-word-swap.js';
import { generateWordSwapPairs } from '../../../scripts/generate-word-swap-pairs.js';

describe('the word-swap evaluation set', () => {
  it('is what the seeded generator writes, with at least 2,000 role swaps and reorder paraphrases in both halves', () => {
    const pairs = generateWordSwapPairs();
    expect(`${JSON.stringify(pairs, null, 1)}\n`).toBe(readFileSync(WORD_SWAP_DATA, 'utf8'));
    expect(pairs.filter((pair) => pair.label === 'swap').length).toBeGreaterThanOrEqual(2_000);
    for (const split of ['tune', 'test']) expect(pairs.filter((pair) => pair.label === 'paraphrase' && pair.split === split).length).toBeGreaterThan(100);
  });
});

describe('the cache at its defaults on the held-out word-swap pairs and GPTCache', () => {
  const embedder = localEmbedder();
  const defaults = new SemanticCache();
  const heldOut = readWordSwapPairs().filter((pair) => pair.split === 'test');

  it('serves at most 1 % of the role-swapped questions and most reorder paraphrases', async () => {
    const store = await wordSwapStore(embedder, heldOut);
    const row = await tallySwaps(embedder, store, heldOut, defaults.threshold, {});
    expect(row.swaps).toBeGreaterThan(1_000);
    expect(row.swapsServed / row.swaps).toBeLessThanOrEqual(0.01);
    expect(row.paraphrasesServed / row.paraphrases).toBeGreaterThanOrEqual(0.8);
    // Without the role guard most swaps are served: the guard, not the embedder, refuses them.
    const unguarded = await tallySwaps(embedder, store, heldOut, defaults.threshold, { roles: false });
    expect(unguarded.swapsServed / unguarded.swaps).toBeGreaterThan(0.5);
  });

  it('keeps GPTCache precision at 99 % or more and recall at 40 % or more', async () => {
    const pairs = readPairs();
    const { origins, expectedOf } = dedupeOrigins(pairs);
    const store = await filledStore(embedder, origins);
    const settings = { threshold: defaults.threshold, minMargin: defaults.minMargin, isGuarded: true };
    const row = await tally(embedder, store, settings, pairs.map((pair) => ({ text: pair.similar, expected: expectedOf(pair) })));
    expect(row.right / row.hits).toBeGreaterThanOrEqual(0.99);
    expect(row.right / pairs.length).toBeGreaterThanOrEqual(0.4);
  });
});
