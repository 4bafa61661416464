import { isTerminalPart, splitPartId, type WirePart } from '../relay/wire-part.js';
import { readSseConnection, RefusedError } from './read-sse.js';
import { readWebSocketConnection, withResume, type WebSocketConstructor } from './read-websocket.js';
import { RelayConnectionError } from './relay-connection-error.js';

/** Options for {@link readStream}. */
export type ReadStreamOptions = {
  /** `fetch` options for SSE (method, body, headers); resent on every reconnect. */
  readonly init?: RequestInit;
  /** Reconnects in a row without a part between them before giving up. @default 5 */
  readonly maxReconnects?: number;
  /** Wait before a reconnect, times the reconnects in a row. @default 500 */
  readonly reconnectDelayMs?: number;
  /** Stops reading and closes the connection. */
  readonly signal?: AbortSignal;
  /** Called before each reconnect, with its number in the row (1, 2, …). */
  readonly onReconnect?: (attempt: number) => void;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** @default globalThis.WebSocket */
  readonly WebSocket?: WebSocketConstructor;
};

/**
 * Reads a relayed stream in the page: an async iterator of the parts the server sent, over SSE
 * (an `http(s):` URL or path) or a WebSocket (a `ws(s):` URL or an open socket).
 *
 * When the connection drops before `finish` or `error`, it reconnects with the last part's id
 * (`Last-Event-ID` for SSE, `?resume=` for a WebSocket): a resumable relay sends the rest, with no
 * part missing or repeated. When the server started over instead (a plain relay, or an expired
 * stream), a `reset` part with reason `'reconnected'` comes first, so the page drops its text.
 * On `reset`, drop the text shown so far. The iterator ends after `finish` or `error`, and throws
 * a `RelayConnectionError` when the relay stays unreachable.
 */
export async function* readStream(source: string | URL | WebSocket, options: ReadStreamOptions = {}): AsyncGenerator<WirePart, void, undefined> {
  const maxReconnects = options.maxReconnects ?? 5;
  const reconnectDelayMs = options.reconnectDelayMs ?? 500;
  const signal = options.signal;
  const given = typeof source === 'string' || source instanceof URL ? undefined : source;
  const url = given ? given.url : String(source);
  const isWebSocket = given !== undefined || /^wss?:/i.test(url);
  let lastId: string | undefined;
  let reconnects = 0;
  let connections = 0;
  let lastError: unknown;
  for (;;) {
    connections++;
    let isFirst = true;
    try {
      const parts = isWebSocket
        ? readWebSocketConnection(
            connections === 1 && given ? given : new (options.WebSocket ?? globalThis.WebSocket)(withResume(url, lastId)),
            signal,
          )
        : readSseConnection(url, lastId, { init: options.init, fetch: options.fetch ?? globalThis.fetch.bind(globalThis), signal });
      for await (const part of parts) {
        if (isFirst && lastId !== undefined && !continues(lastId, part.id)) {
          yield { id: part.id, type: 'reset', reason: 'reconnected' };
        }
        isFirst = false;
        reconnects = 0;
        lastId = part.id;
        yield part;
        if (isTerminalPart(part)) return;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof RefusedError) throw new RelayConnectionError(error.message, connections, error.status, { cause: error });
      lastError = error;
    }
    if (signal?.aborted) throw signal.reason;
    if (++reconnects > maxReconnects) {
      throw new RelayConnectionError(`The relay stream ended without finishing after ${connections} connections`, connections, undefined, { cause: lastError });
    }
    options.onReconnect?.(reconnects);
    await delay(reconnectDelayMs * reconnects, signal);
  }
}

/** Whether `next` is the part right after `last` in the same stream. */
function continues(last: string, next: string): boolean {
  const before = splitPartId(last);
  const after = splitPartId(next);
  return before !== undefined && after !== undefined && before.streamId !== '' && before.streamId === after.streamId && after.seq === before.seq + 1;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
