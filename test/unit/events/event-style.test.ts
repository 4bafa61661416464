import { describe, expect, it } from 'vitest';
import { SemanticCache, type SemanticCacheEvent } from '../../../src/cache/semantic-cache.js';
import { Emitter } from '../../../src/events/emitter.js';
import { EventHub } from '../../../src/events/events.js';
import { CircuitBreaker, type CircuitStateChange } from '../../../src/policy/circuit-breaker/circuit-breaker.js';
import { SyncedStateStore } from '../../../src/state/synced-state-store.js';
import { MemoryStateBackend } from '../../../src/testing/memory-state-backend.js';
import { ManualClock } from '../../helpers/manual-clock.js';

type Map = { readonly ping: { readonly n: number }; readonly pong: string };

describe('Emitter', () => {
  it('delivers events by type in subscription order, and on() returns the unsubscribe', () => {
    const emitter = new Emitter<Map>();
    const seen: string[] = [];
    const stopFirst = emitter.on('ping', (event) => seen.push(`first ${event.n}`));
    emitter.on('ping', (event) => seen.push(`second ${event.n}`));
    emitter.on('pong', (event) => seen.push(`pong ${event}`));
    emitter.emit('ping', { n: 1 });
    stopFirst();
    stopFirst();
    emitter.emit('ping', { n: 2 });
    emitter.emit('pong', 'x');
    expect(seen).toEqual(['first 1', 'second 1', 'second 2', 'pong x']);
    expect(emitter.listenerCount()).toBe(2);
  });

  it('says whether anyone listens, so a hot path can skip building a payload', () => {
    const emitter = new Emitter<Map>();
    expect(emitter.has('ping')).toBe(false);
    const stop = emitter.on('ping', () => undefined);
    expect(emitter.has('ping')).toBe(true);
    stop();
    expect(emitter.has('ping')).toBe(false);
  });

  it('isolates a throwing listener: the others still hear the event and the error is reported, not thrown', () => {
    const reported: [string, unknown][] = [];
    const emitter = new Emitter<Map>((type, error) => {
      reported.push([type, error]);
      throw new Error('the reporter fails too');
    });
    const seen: number[] = [];
    const boom = new Error('listener bug');
    emitter.on('ping', () => {
      throw boom;
    });
    emitter.on('ping', (event) => seen.push(event.n));
    expect(() => emitter.emit('ping', { n: 7 })).not.toThrow();
    expect(seen).toEqual([7]);
    expect(reported).toEqual([['ping', boom]]);
  });

  it('reports a throwing client listener as listener-error (EventHub)', () => {
    const hub = new EventHub();
    const errors: { type: string; error: unknown }[] = [];
    hub.on('listener-error', (event) => errors.push(event));
    hub.on('cache-miss', () => {
      throw new Error('bug');
    });
    hub.emit('cache-miss', { requestId: 'r1' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.type).toBe('cache-miss');
  });
});

describe('components publish the same way', () => {
  it('CircuitBreaker: on("state-change") with unsubscribe; the positional callback still works', () => {
    const clock = new ManualClock();
    const legacy: string[] = [];
    const breaker = new CircuitBreaker({ consecutiveFailures: 1, openMs: 100 }, clock, (from, to) => legacy.push(`${from}->${to}`));
    const changes: CircuitStateChange[] = [];
    const stop = breaker.on('state-change', (change) => changes.push(change));
    breaker.on('state-change', () => {
      throw new Error('a throwing listener does not reach the breaker');
    });
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'consecutive-failures' }]);
    stop();
    clock.advance(100);
    expect(breaker.state).toBe('half-open');
    expect(changes).toHaveLength(1);
    expect(legacy).toEqual(['closed->open', 'open->half-open']);
  });

  it('SemanticCache: on(type) per event type with unsubscribe; onEvent still gets every event', async () => {
    const legacy: SemanticCacheEvent[] = [];
    const cache = new SemanticCache({ onEvent: (event) => legacy.push(event) });
    const skipped: SemanticCacheEvent[] = [];
    const stop = cache.on('skipped', (event) => skipped.push(event));
    const request = { model: 'main', messages: [{ role: 'user' as const, content: 'hi' }], temperature: 1.5 };
    await cache.lookup(request, { requestId: 'r1', signal: new AbortController().signal });
    stop();
    await cache.lookup(request, { requestId: 'r2', signal: new AbortController().signal });
    expect(skipped).toMatchObject([{ type: 'skipped', requestId: 'r1', operation: 'lookup' }]);
    expect(legacy.map((event) => event.requestId)).toEqual(['r1', 'r2']);
  });

  it('SyncedStateStore: on("error") with unsubscribe; onError still works; a throwing listener does not stop the syncs', async () => {
    const backend = new MemoryStateBackend();
    backend.failWith = new Error('backend down');
    const legacy: unknown[] = [];
    const store = new SyncedStateStore({ backend, syncIntervalMs: 60_000, onError: (error) => legacy.push(error) });
    const errors: unknown[] = [];
    const stop = store.on('error', ({ error }) => errors.push(error));
    store.on('error', () => {
      throw new Error('listener bug');
    });
    store.set('key', 1);
    await store.sync();
    stop();
    await store.sync();
    expect(errors).toEqual([backend.failWith]);
    expect(legacy).toEqual([backend.failWith, backend.failWith]);
    backend.failWith = undefined;
    await store.sync();
    await store.close();
  });
});
