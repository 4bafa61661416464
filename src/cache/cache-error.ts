/** Which cache step failed. */
export type CacheOperation = 'embed' | 'search' | 'get' | 'add' | 'verify' | 'lookup';

/**
 * The embedder, the store or the `verify` hook failed. The client catches it, serves the request
 * uncached and emits `cache-error`; `cause` holds the original error.
 */
export class CacheError extends Error {
  override readonly name = 'CacheError';
  readonly operation: CacheOperation;
  constructor(operation: CacheOperation, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cache ${operation} failed: ${reason}`, { cause });
    this.operation = operation;
  }
}
