/** FNV-1a over UTF-16 code units: small, fast and stable across runs and platforms. */
function fnv1a(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A deterministic, L2-normalized embedding for tests: each lower-cased word is hashed into one
 * of `dimensions` buckets with a hashed sign. The same text always gives the same vector, and
 * texts that share words are close in cosine similarity, which is enough to exercise a
 * semantic cache without a model. Not a real embedding model.
 */
export function hashEmbedding(text: string, dimensions = 64): Float32Array {
  const vector = new Float32Array(dimensions);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const bucket = fnv1a(word, 0) % dimensions;
    vector[bucket] = (vector[bucket] ?? 0) + ((fnv1a(word, 0x9e3779b9) & 1) === 0 ? 1 : -1);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] ?? 0) * scale;
  return vector;
}
