import type { ServerResponse } from 'node:http';
import type { PartFeed } from './part-feed.js';
import { startHeartbeat, type RelayOptions } from './relay-options.js';
import { DEFAULT_HEARTBEAT_MS, encodeSseEvent, SSE_HEADERS, SSE_HEARTBEAT } from './sse-encoding.js';
import { isTerminalPart } from './wire-part.js';

/**
 * Writes a feed to a `node:http` (or Express) response as Server-Sent Events. Waits for `drain`
 * when the socket's buffer is full; when the client goes away, closes the feed (which cancels a
 * live call). Resolves when the response ended or was closed; never rejects.
 */
export async function writeSse(feed: PartFeed, response: ServerResponse, options: RelayOptions = {}): Promise<void> {
  let isGone = response.destroyed;
  let wakeDrain: (() => void) | undefined;
  const onClose = () => {
    if (response.writableFinished) return;
    isGone = true;
    feed.close();
    wakeDrain?.();
  };
  response.on('close', onClose);
  if (!response.headersSent) response.writeHead(200, SSE_HEADERS);
  response.flushHeaders();
  const stopHeartbeat = startHeartbeat(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, () => {
    if (!isGone) response.write(SSE_HEARTBEAT);
  });
  try {
    while (!isGone) {
      const part = await feed.next();
      if (part === undefined || isGone) break;
      if (!response.write(encodeSseEvent(part))) {
        await new Promise<void>((resolve) => {
          wakeDrain = resolve;
          response.once('drain', resolve);
        });
        response.off('drain', wakeDrain!);
        wakeDrain = undefined;
      }
      if (isTerminalPart(part)) break;
    }
  } catch {
    // A store that failed: end the response; the reader reconnects.
  } finally {
    stopHeartbeat();
    response.off('close', onClose);
    if (!isGone) {
      feed.close();
      response.end();
    }
  }
}
