import type { WirePart } from '../relay/wire-part.js';

/** The parts of a WebSocket's constructor the reader uses (the browser's, or any compatible one). */
export type WebSocketConstructor = new (url: string) => WebSocket;

/** `url` with `resume=<lastId>` added to its query. */
export function withResume(url: string, lastId: string | undefined): string {
  if (lastId === undefined) return url;
  return `${url}${url.includes('?') ? '&' : '?'}resume=${encodeURIComponent(lastId)}`;
}

/**
 * One WebSocket connection: yields each message's part until the socket closes. Returning early
 * closes the socket, which the server reads as the reader leaving.
 */
export async function* readWebSocketConnection(socket: WebSocket, signal: AbortSignal | undefined): AsyncGenerator<WirePart> {
  const queue: string[] = [];
  let isClosed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onMessage = (event: MessageEvent) => {
    if (typeof event.data === 'string') queue.push(event.data);
    notify();
  };
  const onClose = () => {
    isClosed = true;
    notify();
  };
  socket.addEventListener('message', onMessage);
  socket.addEventListener('close', onClose);
  socket.addEventListener('error', onClose);
  signal?.addEventListener('abort', onClose);
  try {
    for (;;) {
      const data = queue.shift();
      if (data !== undefined) {
        yield JSON.parse(data) as WirePart;
        continue;
      }
      if (isClosed || socket.readyState >= 2) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    socket.removeEventListener('message', onMessage);
    socket.removeEventListener('close', onClose);
    socket.removeEventListener('error', onClose);
    signal?.removeEventListener('abort', onClose);
    if (socket.readyState < 2) socket.close(1000);
  }
}
