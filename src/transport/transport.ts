import type { AbortSignalLike } from './abort-token.js';

/** One HTTP request as adapters describe it. */
export type TransportRequest = {
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'HEAD';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the request and its body. AbortSignal-like: a real `AbortSignal` also fits. */
  readonly signal: AbortSignalLike;
  /**
   * The most bytes `text()` may read; past it the connection is closed and `text()` rejects with
   * `ResponseTooLargeError`. @default DEFAULT_MAX_RESPONSE_BYTES (32 MiB)
   */
  readonly maxResponseBytes?: number | undefined;
};

/** The response head and a body that can be streamed once. */
export type TransportResponse = {
  readonly status: number;
  /** Header lookup by lower-case name. */
  header(name: string): string | undefined;
  /** The body as raw byte chunks, in network order. Consume once. */
  readonly body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  /** Stops reading and closes the underlying socket or stream. Safe to call twice. */
  cancel(): void;
  /**
   * The reader saw the protocol's end (`[DONE]`, `message_stop`): let the connection be reused by
   * draining a short remainder of the body, closing it if more arrives or it does not end soon.
   * After `release()`, `cancel()` does nothing. Optional: without it, `cancel()` is used.
   */
  release?(): void;
};

/** Options of `Transport.close()`. */
export type TransportCloseOptions = {
  /** How long running requests may go on before their sockets are destroyed. @default 10_000 */
  readonly graceMs?: number;
};

/**
 * Moves bytes. The default is undici with a keep-alive pool per origin; `fetchTransport` takes any
 * `fetch` (msw, edge runtimes, proxies). Implement this to plug in your own.
 */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Opens connections to these origins ahead of the first request. */
  warmup?(origins: readonly string[], signal?: AbortSignal): Promise<void>;
  /**
   * Releases every connection. Requests still running after `graceMs` are destroyed, so this
   * always resolves. @default graceMs: 10_000
   */
  close(options?: TransportCloseOptions): Promise<void>;
}
