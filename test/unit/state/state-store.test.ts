import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/state/state-store.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('MemoryStateStore', () => {
  it('stores numbers and strings and forgets them after their TTL on the injected clock', () => {
    const clock = new ManualClock();
    const store = new MemoryStateStore({ clock });
    store.set('breaker:a', 'open', 1000);
    store.set('forever', 7);
    expect(store.get('breaker:a')).toBe('open');
    clock.advance(1000);
    expect(store.get('breaker:a')).toBe('open');
    clock.advance(1);
    expect(store.get('breaker:a')).toBeUndefined();
    expect(store.get('forever')).toBe(7);
    store.delete('forever');
    expect(store.get('forever')).toBeUndefined();
  });

  it('increments a windowed counter that keeps the expiry it was created with', () => {
    const clock = new ManualClock();
    const store = new MemoryStateStore({ clock });
    expect(store.increment('usd:tenant-1', 0.25, 60_000)).toBe(0.25);
    clock.advance(30_000);
    expect(store.increment('usd:tenant-1', 0.5, 60_000)).toBe(0.75);
    clock.advance(30_000);
    expect(store.get('usd:tenant-1')).toBe(0.75);
    clock.advance(1);
    expect(store.get('usd:tenant-1')).toBeUndefined();
    expect(store.increment('usd:tenant-1', 1, 60_000)).toBe(1);
    expect(store.increment('no-ttl', 2)).toBe(2);
    expect(store.increment('no-ttl', 3)).toBe(5);
    store.set('text', 'x');
    expect(store.increment('text', 4)).toBe(4);
  });

  it('honours TTLs on a clock that starts at 0', () => {
    const clock = new ManualClock(0);
    const store = new MemoryStateStore({ clock });
    store.set('k', 1, 10);
    clock.advance(11);
    expect(store.get('k')).toBeUndefined();
  });

  it('drops the least recently used keys beyond maxEntries', () => {
    const store = new MemoryStateStore({ maxEntries: 2, clock: new ManualClock() });
    store.set('a', 1);
    store.set('b', 2);
    store.get('a');
    store.set('c', 3);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBe(1);
    expect(store.get('c')).toBe(3);
    expect(() => new MemoryStateStore({ maxEntries: 0 })).toThrow('Expected `maxEntries` to be a positive integer, got 0.');
  });

  it('makes room by dropping expired keys before any live one', () => {
    const clock = new ManualClock();
    const store = new MemoryStateStore({ maxEntries: 3, clock });
    store.set('short', 1, 10);
    store.set('b', 2);
    store.set('c', 3);
    clock.advance(11);
    store.set('d', 4);
    expect([store.get('short'), store.get('b'), store.get('c'), store.get('d')]).toEqual([undefined, 2, 3, 4]);
    expect(store.remainingTtlMs('b')).toBeUndefined();
    store.set('e', 5, 100);
    expect(store.remainingTtlMs('e')).toBe(100);
  });
});
