import { describe, expect, it } from 'vitest';
import { LearnedLimit } from '../../../../src/policy/rate-limit/learned-limit.js';
import { MemoryStateStore } from '../../../../src/state/state-store.js';
import { StateScope } from '../../../../src/state/state-scope.js';

/** A store whose entries vanish after `reads` reads, as a TTL that runs out between two reads does. */
function expiringStore(reads: number): MemoryStateStore {
  const store = new MemoryStateStore();
  const get = store.get.bind(store);
  let left = reads;
  store.get = (key: string) => (left-- > 0 ? get(key) : undefined);
  return store;
}

describe('LearnedLimit', () => {
  it('waits until enough is left by its estimate after an observation of an exhausted limit', () => {
    const limit = new LearnedLimit();
    limit.observe(10, 0, 1_000, 0);
    expect(limit.available(0)).toBe(0);
    expect(limit.waitTimeMs(1, 0)).toBe(100);
    expect(limit.fraction(0)).toBe(0);
  });

  it('does not throw when the stored observation expires between two reads of one call', () => {
    const limit = new LearnedLimit(new StateScope(expiringStore(2)));
    limit.observe(10, 0, 1_000, 0);
    // available() reads the observation (1 read); waitTimeMs then finds it gone.
    expect(() => limit.waitTimeMs(5, 100)).not.toThrow();
    expect(limit.waitTimeMs(5, 100)).toBe(0);
  });
});
