import { decodeSse } from '../transport/sse.js';
import type { WirePart } from '../relay/wire-part.js';
import { RelayConnectionError } from './relay-connection-error.js';

/** Options for one SSE connection of the reader. */
export type SseConnectOptions = {
  readonly init: RequestInit | undefined;
  readonly fetch: typeof globalThis.fetch;
  readonly signal: AbortSignal | undefined;
};

/** A 4xx answer: asking again will not help. */
export class RefusedError extends RelayConnectionError {}

/** The bytes of a fetch body; cancelling the iteration cancels the body (closing the connection). */
async function* bytesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** One SSE connection: yields parts until the server ends the response or the connection drops. */
export async function* readSseConnection(url: string, lastId: string | undefined, options: SseConnectOptions): AsyncGenerator<WirePart> {
  const headers = new Headers(options.init?.headers);
  headers.set('accept', 'text/event-stream');
  if (lastId !== undefined) headers.set('last-event-id', lastId);
  const response = await options.fetch(url, { ...options.init, headers, ...(options.signal ? { signal: options.signal } : {}) });
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    const message = `The relay answered HTTP ${response.status}`;
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new RefusedError(message, 1, response.status);
    throw new RelayConnectionError(message, 1, response.status);
  }
  for await (const event of decodeSse(bytesOf(response.body))) {
    if (event.event !== undefined && event.event !== 'message') continue;
    yield JSON.parse(event.data) as WirePart;
  }
}
