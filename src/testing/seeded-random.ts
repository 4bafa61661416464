/**
 * A seeded pseudo-random source in [0, 1) (mulberry32): the same seed gives the same sequence.
 * Pass it as the client's `random` option to make pool picks and retry jitter reproducible in tests.
 */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
