import { describe, expect, it } from 'vitest';
import { localEmbedder } from '../../../src/cache/local-embedder.js';

const signal = new AbortController().signal;
const cosine = (left: Float32Array, right: Float32Array) => left.reduce((sum, value, index) => sum + value * right[index]!, 0);

describe('localEmbedder', () => {
  it('returns deterministic unit vectors of the configured length', async () => {
    const embedder = localEmbedder({ dimensions: 128 });
    const [first, again] = await embedder.embed(['Reset my router', 'Reset my router'], signal);
    expect(first).toHaveLength(128);
    expect(embedder.dimensions).toBe(128);
    expect(cosine(first!, first!)).toBeCloseTo(1, 5);
    expect(Array.from(again!)).toEqual(Array.from(first!));
  });

  it('scores a rewording above an unrelated question', async () => {
    const [question, rewording, unrelated] = await localEmbedder().embed(
      ['How do I reset my router password?', 'how to reset the router password', 'Best pizza dough recipe'],
      signal,
    );
    expect(cosine(question!, rewording!)).toBeGreaterThan(0.6);
    expect(cosine(question!, unrelated!)).toBeLessThan(0.2);
  });

  it('tells word order apart through word pairs', async () => {
    const [first, swapped] = await localEmbedder().embed(['dog bites man', 'man bites dog'], signal);
    expect(cosine(first!, swapped!)).toBeLessThan(0.95);
  });

  it('rejects a dimensions option that cannot hold features', () => {
    expect(() => localEmbedder({ dimensions: 2 })).toThrow(expect.objectContaining({ code: 'RLLM_INVALID_ARGUMENT', message: 'Expected `embedder.dimensions` to be an integer ≥ 8, got 2.' }));
  });
});
