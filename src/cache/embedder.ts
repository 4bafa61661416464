/**
 * Turns texts into vectors. Vectors from one embedder are only comparable with each other, so the
 * cache keeps entries of different embedders (`id`) apart.
 */
export interface Embedder {
  /** Identifies the embedder and its settings, e.g. `local-v1-384` or `openai/text-embedding-3-small`. */
  readonly id: string;
  /** Length of every vector it returns. */
  readonly dimensions: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[], signal: AbortSignal): Promise<Float32Array[]>;
}
