import { ConnectionError, ResponseTooLargeError } from '../errors/errors.js';
import { BodyCollector, isDeclaredTooLarge } from './body-collector.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-limits.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

export type FetchTransportOptions = {
  /** The `fetch` to call: msw's patched global, an edge runtime's, a proxy-aware one. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
};

/** A transport over any WHATWG `fetch`. Pooling and keep-alive are that `fetch`'s business. */
export class FetchTransport implements Transport {
  private readonly fetchFunction: typeof globalThis.fetch | undefined;

  constructor(options: FetchTransportOptions = {}) {
    this.fetchFunction = options.fetch;
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal.reason);
    if (request.signal.aborted) throw request.signal.reason;
    request.signal.addEventListener('abort', onAbort, { once: true });
    const release = () => request.signal.removeEventListener('abort', onAbort);
    let response: Response;
    try {
      const fetchFunction = this.fetchFunction ?? globalThis.fetch;
      response = await fetchFunction(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: controller.signal,
      });
    } catch (error) {
      release();
      if (request.signal.aborted) throw request.signal.reason;
      throw new ConnectionError(`connection failed (${(error as Error)?.message ?? String(error)})`, { cause: error });
    }
    const stream = response.body;
    const cancel = () => {
      release();
      if (!controller.signal.aborted) controller.abort();
    };
    async function* iterate(): AsyncGenerator<Uint8Array> {
      if (!stream) return;
      const reader = stream.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        throw new ConnectionError(`connection lost (${(error as Error)?.message ?? String(error)})`, { cause: error });
      } finally {
        reader.releaseLock();
        cancel();
      }
    }
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: iterate(),
      text: () => readText(response, request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, cancel, request.signal).finally(release),
      cancel,
    };
  }

  async close(): Promise<void> {
    // Nothing is pooled here.
  }
}

/**
 * Reads a whole body, never more than `limit` bytes of it: past that the body is cancelled (its
 * connection closed) and `ResponseTooLargeError` is thrown.
 */
async function readText(response: Response, limit: number, cancel: () => void, signal: TransportRequest['signal']): Promise<string> {
  const declared = response.headers.get('content-length');
  if (isDeclaredTooLarge(declared, limit)) {
    cancel();
    throw new ResponseTooLargeError('maxResponseBytes', limit);
  }
  // A body with a declared length ends there: the plain reader is bounded already. (A compressed
  // body may inflate past it; fetch reports the encoded length, so read those chunk by chunk.)
  if (declared !== null && response.headers.get('content-encoding') === null) {
    return response.text().catch((error: unknown) => {
      throw signal.aborted ? signal.reason : new ConnectionError(`connection lost (${(error as Error)?.message ?? String(error)})`, { cause: error });
    });
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const collector = new BodyCollector(limit);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      collector.add(value);
    }
  } catch (error) {
    if (error instanceof ResponseTooLargeError) {
      await reader.cancel().catch(() => undefined);
      cancel();
      throw error;
    }
    if (signal.aborted) throw signal.reason;
    throw new ConnectionError(`connection lost (${(error as Error)?.message ?? String(error)})`, { cause: error });
  } finally {
    reader.releaseLock();
  }
  return collector.text();
}

/** Creates a transport over `fetch` (for msw, edge runtimes, proxies). */
export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  return new FetchTransport(options);
}
