import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MemoryResumableStreamStore, type WirePart } from '../../../src/index.js';
import { resumableStreamStoreContract } from './resumable-stream-store-contract.js';

const text = (id: string, value: string): WirePart => ({ id, type: 'text-delta', text: value });

describe('MemoryResumableStreamStore: the store contract', () => {
  resumableStreamStoreContract((options) => {
    let now = 0;
    return {
      store: new MemoryResumableStreamStore({ ...options, now: () => now }),
      elapse: async (ms) => void (now += ms),
    };
  });
});

describe('MemoryResumableStreamStore', () => {
  it('returns the parts after a sequence number, and whether the stream ended', () => {
    const store = new MemoryResumableStreamStore();
    store.append('s', text('s:1', 'a'));
    store.append('s', text('s:2', 'b'));
    expect(store.read('s', 1)).toEqual({ parts: [text('s:2', 'b')], isEnded: false });
    store.append('s', { id: 's:3', type: 'error', code: 'RLLM_CANCELLED', message: 'x' });
    expect(store.read('s', 0)?.parts.map((part) => part.id)).toEqual(['s:1', 's:2', 's:3']);
    expect(store.read('s', 3)).toEqual({ parts: [], isEnded: true });
    expect(store.read('unknown', 0)).toBeUndefined();
  });

  it('tells subscribers of each new part until they unsubscribe', () => {
    const store = new MemoryResumableStreamStore();
    const seen: string[] = [];
    const unsubscribe = store.subscribe('s', (part) => seen.push(part.id));
    store.append('s', text('s:1', 'a'));
    unsubscribe();
    store.append('s', text('s:2', 'b'));
    expect(seen).toEqual(['s:1']);
  });

  it('forgets a stream ttlMs after its last part, and the oldest streams past maxStreams', () => {
    let now = 0;
    const store = new MemoryResumableStreamStore({ ttlMs: 1_000, maxStreams: 2, now: () => now });
    store.append('a', text('a:1', 'x'));
    now = 900;
    store.append('a', text('a:2', 'y'));
    now = 1_500;
    expect(store.read('a', 0)?.parts).toHaveLength(2);
    now = 1_900;
    expect(store.read('a', 0)).toBeUndefined();
    store.append('b', text('b:1', 'x'));
    store.append('c', text('c:1', 'x'));
    store.append('d', text('d:1', 'x'));
    expect(store.read('b', 0)).toBeUndefined();
    expect(store.read('d', 0)?.parts).toHaveLength(1);
    expect(store.size).toBe(2);
  });

  it('stops offering a stream longer than maxPartsPerStream, rather than a resume with a hole', () => {
    const store = new MemoryResumableStreamStore({ maxPartsPerStream: 2 });
    for (let seq = 1; seq <= 3; seq++) store.append('s', text(`s:${seq}`, 'x'));
    expect(store.read('s', 0)).toBeUndefined();
  });

  it('rejects bad options with InvalidArgumentError', () => {
    expect(() => new MemoryResumableStreamStore({ ttlMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => new MemoryResumableStreamStore({ maxStreams: -1 })).toThrow('Expected `maxStreams` to be a positive number, got -1.');
  });
});
