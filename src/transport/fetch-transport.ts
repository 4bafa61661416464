import { ConnectionError } from '../errors/errors.js';
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
      text: async () => {
        try {
          return await response.text();
        } finally {
          release();
        }
      },
      cancel,
    };
  }

  async close(): Promise<void> {
    // Nothing is pooled here.
  }
}

/** Creates a transport over `fetch` (for msw, edge runtimes, proxies). */
export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  return new FetchTransport(options);
}
