import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../../../src/cache/hnsw-index.js';
import { seededRandom } from './cache-fixtures.js';

const DIMENSIONS = 32;

function randomVectors(count: number, random: () => number): Float32Array[] {
  return Array.from({ length: count }, () => Float32Array.from({ length: DIMENSIONS }, () => random() * 2 - 1));
}

function bruteForceBest(vectors: readonly (Float32Array | undefined)[], query: Float32Array): number {
  const norm = (vector: Float32Array) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  let best = -1;
  let bestScore = -Infinity;
  vectors.forEach((vector, node) => {
    if (!vector) return;
    const score = vector.reduce((sum, value, index) => sum + value * query[index]!, 0) / (norm(vector) * norm(query));
    if (score > bestScore) {
      bestScore = score;
      best = node;
    }
  });
  return best;
}

describe('HnswIndex', () => {
  it('finds the brute-force nearest neighbour for at least 99% of queries on a seeded random set', () => {
    const random = seededRandom(42);
    const vectors = randomVectors(3_000, random);
    const index = new HnswIndex({ dimensions: DIMENSIONS, random: seededRandom(7), efSearch: 64 });
    for (const vector of vectors) index.add(vector);
    const queries = randomVectors(200, random);
    const found = queries.filter((query) => index.search(query, 1).nodes[0] === bruteForceBest(vectors, query)).length;
    expect(found / queries.length).toBeGreaterThanOrEqual(0.99);
  });

  it('returns scores best first and leaves out matches below minScore', () => {
    const index = new HnswIndex({ dimensions: 2 });
    index.add(Float32Array.of(1, 0));
    index.add(Float32Array.of(0.6, 0.8));
    index.add(Float32Array.of(-1, 0));
    const result = index.search(Float32Array.of(2, 0), 3, 0);
    expect(result.nodes).toEqual([0, 1]);
    expect(result.scores[0]).toBeCloseTo(1);
    expect(result.scores[1]).toBeCloseTo(0.6);
  });

  it('never returns removed nodes and reuses their slots while staying accurate', () => {
    const random = seededRandom(3);
    const vectors: (Float32Array | undefined)[] = randomVectors(1_000, random);
    const index = new HnswIndex({ dimensions: DIMENSIONS, random: seededRandom(5), efSearch: 64 });
    for (const vector of vectors) index.add(vector!);
    for (let node = 0; node < 1_000; node += 2) {
      index.remove(node);
      vectors[node] = undefined;
    }
    expect(index.size).toBe(500);
    for (const vector of randomVectors(400, random)) vectors[index.add(vector)] = vector;
    expect(vectors.length).toBe(1_000);
    expect(index.size).toBe(900);
    const queries = randomVectors(100, random);
    let found = 0;
    for (const query of queries) {
      const node = index.search(query, 1).nodes[0]!;
      expect(vectors[node]).toBeDefined();
      if (node === bruteForceBest(vectors, query)) found++;
    }
    expect(found).toBeGreaterThanOrEqual(97);
  });

  it('rejects vectors of the wrong length', () => {
    expect(() => new HnswIndex({ dimensions: 4 }).add(new Float32Array(3))).toThrow('Expected a vector of 4 dimensions, got 3.');
  });
});
