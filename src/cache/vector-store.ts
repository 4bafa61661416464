/** One stored vector and the payload it points to. */
export type VectorRecord<TPayload> = {
  /** Unique within its namespace; adding the same id again replaces the record. */
  readonly id: string;
  /** Absent for records reachable only by id (exact lookups); those never show up in a search. */
  readonly vector?: Float32Array;
  readonly payload: TPayload;
};

/** A search result: the record and its cosine similarity to the query, in [-1, 1]. */
export type VectorMatch<TPayload> = {
  readonly id: string;
  readonly score: number;
  readonly payload: TPayload;
};

export type VectorSearchOptions = {
  /** How many matches to return at most. */
  readonly k: number;
  /** Matches below this cosine similarity are left out. */
  readonly minScore: number;
  readonly signal?: AbortSignal;
};

/**
 * Where the cache keeps its entries. Every method is async and takes a namespace, so a store shared
 * across processes (Redis, pgvector, a vector database) can implement it; records never move
 * between namespaces and a search never looks outside its namespace.
 */
export interface VectorStore<TPayload = unknown> {
  /** Adds or replaces records in `namespace`. */
  add(namespace: string, records: readonly VectorRecord<TPayload>[]): Promise<void>;
  /** The `k` most similar records in `namespace` with a score ≥ `minScore`, best first. */
  search(namespace: string, vector: Float32Array, options: VectorSearchOptions): Promise<readonly VectorMatch<TPayload>[]>;
  /** The payload stored under `id`, for exact lookups; undefined when absent or expired. */
  get(namespace: string, id: string): Promise<TPayload | undefined>;
  delete(namespace: string, ids: readonly string[]): Promise<void>;
  /** Removes everything in `namespace`, or everything when no namespace is given. */
  clear(namespace?: string): Promise<void>;
}
