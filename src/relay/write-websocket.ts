import type { PartFeed } from './part-feed.js';
import { startHeartbeat, type RelayOptions } from './relay-options.js';
import { DEFAULT_HEARTBEAT_MS } from './sse-encoding.js';
import { isTerminalPart } from './wire-part.js';

/** The parts of a `ws` WebSocket the relay uses; `ws`'s own `WebSocket` fits. */
export type RelaySocket = {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  ping?(): void;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
};

const OPEN = 1;
/** Above this many buffered bytes, wait for a send to flush before reading the next part. */
const HIGH_WATER_BYTES = 64 * 1024;

/**
 * Sends a feed over a WebSocket, one JSON part per message, then closes it (1000). Waits for the
 * socket to flush when its buffer is full; when the peer goes away, closes the feed (which
 * cancels a live call). Resolves when done; never rejects.
 */
export async function writeWebSocket(feed: PartFeed, socket: RelaySocket, options: RelayOptions = {}): Promise<void> {
  let isGone = socket.readyState !== OPEN;
  const onClose = () => {
    isGone = true;
    feed.close();
  };
  socket.on('close', onClose);
  const stopHeartbeat = startHeartbeat(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, () => {
    if (!isGone) socket.ping?.();
  });
  try {
    while (!isGone) {
      const part = await feed.next();
      if (part === undefined || isGone) break;
      const data = JSON.stringify(part);
      if (socket.bufferedAmount > HIGH_WATER_BYTES) await new Promise<void>((resolve) => socket.send(data, () => resolve()));
      else socket.send(data);
      if (isTerminalPart(part)) break;
    }
  } catch {
    // A store that failed: close the socket; the reader reconnects.
  } finally {
    stopHeartbeat();
    socket.off('close', onClose);
    if (!isGone) {
      feed.close();
      socket.close(1000, 'done');
    }
  }
}
