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

  it('returns exact cosine scores, not the int8 approximations the graph is walked on', () => {
    const random = seededRandom(21);
    const vectors = randomVectors(500, random);
    const index = new HnswIndex({ dimensions: DIMENSIONS, random: seededRandom(2) });
    for (const vector of vectors) index.add(vector);
    const query = randomVectors(1, random)[0]!;
    const { nodes, scores } = index.search(query, 5);
    const norm = (vector: Float32Array) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
    nodes.forEach((node, rank) => {
      const vector = vectors[node]!;
      const expected = vector.reduce((sum, value, position) => sum + value * query[position]!, 0) / (norm(vector) * norm(query));
      expect(scores[rank]).toBeCloseTo(expected, 5);
    });
    expect([...scores].sort((left, right) => right - left)).toEqual(scores);
  });

  it('finds the same neighbours with the SIMD kernels and on the plain JS path', () => {
    const random = seededRandom(8);
    const vectors = randomVectors(1_500, random);
    const simd = new HnswIndex({ dimensions: DIMENSIONS, random: seededRandom(1), initialCapacity: 16 });
    const plain = new HnswIndex({ dimensions: DIMENSIONS, random: seededRandom(1), initialCapacity: 16, shouldUseSimd: false });
    expect([simd.isSimd, plain.isSimd]).toEqual([true, false]);
    for (const vector of vectors) {
      simd.add(vector);
      plain.add(vector);
    }
    for (const query of randomVectors(50, random)) {
      const fromSimd = simd.search(query, 3);
      const fromPlain = plain.search(query, 3);
      expect(fromSimd.nodes[0]).toBe(bruteForceBest(vectors, query));
      expect(fromPlain.nodes[0]).toBe(fromSimd.nodes[0]);
      expect(fromPlain.scores[0]).toBeCloseTo(fromSimd.scores[0]!, 5);
    }
  });

  it('rejects a maxNeighbors that the link counters cannot hold', () => {
    expect(() => new HnswIndex({ dimensions: 4, maxNeighbors: 128 })).toThrow(
      'Expected `maxNeighbors` to be an integer from 2 to 127, got 128.',
    );
  });

  it('rejects vectors of the wrong length', () => {
    expect(() => new HnswIndex({ dimensions: 4 }).add(new Float32Array(3))).toThrow('Expected a vector of 4 dimensions, got 3.');
  });
});
