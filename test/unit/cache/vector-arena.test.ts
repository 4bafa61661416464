import { describe, expect, it } from 'vitest';
import { simdDotKernels } from '../../../src/cache/simd-dot-kernels.js';
import { VectorArena } from '../../../src/cache/vector-arena.js';
import { seededRandom } from './cache-fixtures.js';

function randomVector(dimensions: number, random: () => number): Float32Array {
  return Float32Array.from({ length: dimensions }, () => random() * 2 - 1);
}

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    dot += left[index]! * right[index]!;
    leftNorm += left[index]! * left[index]!;
    rightNorm += right[index]! * right[index]!;
  }
  return dot / Math.sqrt(leftNorm * rightNorm);
}

describe('simdDotKernels', () => {
  it('assembles a module this runtime accepts, so the index does not silently fall back to JS', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernels = simdDotKernels(memory);
    expect(kernels).toBeDefined();
    const floats = new Float32Array(memory.buffer);
    for (let index = 0; index < 16; index++) {
      floats[index] = index + 1;
      floats[16 + index] = 2;
    }
    // Σ 2·(1…16) = 272 over 64 bytes per row.
    expect(kernels!.dotFloat32(0, 64, 64)).toBe(272);
    const bytes = new Int8Array(memory.buffer, 4_096, 64);
    for (let index = 0; index < 32; index++) {
      bytes[index] = index % 2 === 0 ? -128 : 127;
      bytes[32 + index] = index % 2 === 0 ? -128 : 127;
    }
    // The extremes of int8 must not overflow: 16·128² + 16·127² = 520,208.
    expect(kernels!.dotInt8(4_096, 4_096 + 32, 32)).toBe(520_208);
  });
});

describe('VectorArena', () => {
  for (const shouldUseSimd of [true, false]) {
    describe(shouldUseSimd ? 'with the SIMD kernels' : 'on the plain JS path', () => {
      for (const dimensions of [3, 40, 384]) {
        it(`scores ${dimensions}-dimension vectors like a plain cosine, exactly on floats and within 0.01 on int8`, () => {
          const random = seededRandom(dimensions);
          const arena = new VectorArena({ dimensions, initialCapacity: 4, shouldUseSimd });
          expect(arena.isSimd).toBe(shouldUseSimd);
          const vectors = Array.from({ length: 10 }, () => randomVector(dimensions, random));
          arena.ensureCapacity(vectors.length);
          vectors.forEach((vector, node) => arena.setNode(node, vector));
          const query = randomVector(dimensions, random);
          arena.setQuery(query);
          vectors.forEach((vector, node) => {
            expect(arena.exactToQuery(node)).toBeCloseTo(cosine(query, vector), 5);
            expect(Math.abs(arena.approximateToQuery(node) - cosine(query, vector))).toBeLessThan(0.01);
            expect(Math.abs(arena.approximateBetween(0, node) - cosine(vectors[0]!, vector))).toBeLessThan(0.01);
          });
        });
      }

      it('scores a batch of node ids like one call per node', () => {
        const random = seededRandom(9);
        const arena = new VectorArena({ dimensions: 64, initialCapacity: 32, shouldUseSimd });
        for (let node = 0; node < 32; node++) arena.setNode(node, randomVector(64, random));
        arena.setQuery(randomVector(64, random));
        const ids = [31, 0, 7, 7, 16];
        ids.forEach((id, index) => (arena.batchIds[index] = id));
        arena.scoreBatch(ids.length);
        ids.forEach((id, index) => expect(arena.batchScores[index]).toBeCloseTo(arena.approximateToQuery(id), 6));
      });

      it('keeps every row when it grows', () => {
        const random = seededRandom(4);
        const arena = new VectorArena({ dimensions: 48, initialCapacity: 2, shouldUseSimd });
        const vectors = Array.from({ length: 300 }, () => randomVector(48, random));
        vectors.forEach((vector, node) => {
          arena.ensureCapacity(node + 1);
          arena.setNode(node, vector);
        });
        for (const node of [0, 1, 2, 150, 299]) {
          arena.setQuery(vectors[node]!);
          expect(arena.exactToQuery(node)).toBeCloseTo(1, 5);
        }
      });
    });
  }
});
