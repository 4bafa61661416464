import { describe, expect, it } from 'vitest';
import { MemoryVectorStore } from '../../../src/cache/memory-vector-store.js';
import { seededRandom } from './cache-fixtures.js';

const vector = (...values: number[]) => Float32Array.from(values);

describe('MemoryVectorStore', () => {
  it('searches only within a namespace', async () => {
    const store = new MemoryVectorStore<string>();
    await store.add('a', [{ id: '1', vector: vector(1, 0), payload: 'in a' }]);
    await store.add('b', [{ id: '1', vector: vector(1, 0), payload: 'in b' }]);
    expect(await store.search('a', vector(1, 0), { k: 5, minScore: 0 })).toEqual([{ id: '1', score: 1, payload: 'in a' }]);
    expect(await store.search('c', vector(1, 0), { k: 5, minScore: 0 })).toEqual([]);
    expect(await store.get('b', '1')).toBe('in b');
  });

  it('keeps namespace and id pairs that concatenate alike apart', async () => {
    const store = new MemoryVectorStore<string>();
    await store.add('ab', [{ id: 'c', payload: 'first' }]);
    await store.add('a', [{ id: 'bc', payload: 'second' }]);
    expect(await store.get('ab', 'c')).toBe('first');
    expect(await store.get('a', 'bc')).toBe('second');
  });

  it('expires records after ttlMs on the injected clock', async () => {
    let now = 5_000;
    const store = new MemoryVectorStore<string>({ ttlMs: 100, now: () => now });
    await store.add('n', [{ id: '1', vector: vector(1, 0), payload: 'x' }]);
    now = 5_100;
    expect(await store.get('n', '1')).toBe('x');
    now = 5_101;
    expect(await store.search('n', vector(1, 0), { k: 1, minScore: 0 })).toEqual([]);
    expect(await store.get('n', '1')).toBeUndefined();
  });

  it('evicts the least recently used record beyond maxEntries, from the index too', async () => {
    const store = new MemoryVectorStore<string>({ maxEntries: 2 });
    await store.add('n', [{ id: '1', vector: vector(1, 0), payload: 'one' }]);
    await store.add('n', [{ id: '2', vector: vector(0, 1), payload: 'two' }]);
    await store.get('n', '1');
    await store.add('n', [{ id: '3', vector: vector(-1, 0), payload: 'three' }]);
    expect(await store.get('n', '2')).toBeUndefined();
    expect((await store.search('n', vector(0, 1), { k: 3, minScore: -1 })).map((match) => match.id).sort()).toEqual(['1', '3']);
  });

  it('switches a growing namespace to the HNSW index and keeps finding exact neighbours', async () => {
    const random = seededRandom(11);
    const store = new MemoryVectorStore<number>({ indexThreshold: 50, maxEntries: 1_000, random: seededRandom(1) });
    const vectors = Array.from({ length: 300 }, () => Float32Array.from({ length: 16 }, () => random() - 0.5));
    await store.add('n', vectors.map((value, index) => ({ id: String(index), vector: value, payload: index })));
    for (const index of [0, 99, 299]) {
      const [best] = await store.search('n', vectors[index]!, { k: 1, minScore: 0.999 });
      expect(best?.payload).toBe(index);
    }
    await store.delete('n', ['99']);
    expect((await store.search('n', vectors[99]!, { k: 1, minScore: 0.999 }))).toEqual([]);
  });

  it('replaces a record added again under the same id', async () => {
    const store = new MemoryVectorStore<string>();
    await store.add('n', [{ id: '1', vector: vector(1, 0), payload: 'old' }]);
    await store.add('n', [{ id: '1', vector: vector(0, 1), payload: 'new' }]);
    expect(await store.search('n', vector(1, 0), { k: 5, minScore: -1 })).toEqual([{ id: '1', score: 0, payload: 'new' }]);
    expect(store.size).toBe(1);
  });

  it('clears one namespace or all of them', async () => {
    const store = new MemoryVectorStore<string>();
    await store.add('a', [{ id: '1', vector: vector(1, 0), payload: 'a' }]);
    await store.add('b', [{ id: '1', vector: vector(1, 0), payload: 'b' }]);
    await store.clear('a');
    expect(await store.get('a', '1')).toBeUndefined();
    expect(await store.get('b', '1')).toBe('b');
    await store.clear();
    expect(store.size).toBe(0);
  });

  it('rejects a vector whose length differs from the namespace', async () => {
    const store = new MemoryVectorStore<string>();
    await store.add('n', [{ id: '1', vector: vector(1, 0), payload: 'x' }]);
    await expect(store.add('n', [{ id: '2', vector: vector(1, 0, 0), payload: 'y' }])).rejects.toThrow(
      'Expected a vector of 2 dimensions in namespace n, got 3.',
    );
  });
});
