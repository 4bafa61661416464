import type { PartFeed } from './part-feed.js';
import { startHeartbeat, type RelayOptions } from './relay-options.js';
import { DEFAULT_HEARTBEAT_MS, encodeSseEvent, SSE_HEADERS, SSE_HEARTBEAT } from './sse-encoding.js';
import { isTerminalPart } from './wire-part.js';

/** `ResponseInit` for an SSE response, plus the relay's options. */
export type SseResponseInit = ResponseInit & RelayOptions;

/**
 * A Web `Response` whose body is the feed as Server-Sent Events (Next.js route handlers, Hono, Bun,
 * Deno). The body is pulled, so a slow client slows the reading; cancelling it closes the feed.
 */
export function sseResponse(feed: PartFeed, init: SseResponseInit = {}): Response {
  const { heartbeatMs, ...responseInit } = init;
  const encoder = new TextEncoder();
  let stopHeartbeat: (() => void) | undefined;
  let isClosed = false;
  const finish = () => {
    isClosed = true;
    stopHeartbeat?.();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      stopHeartbeat = startHeartbeat(heartbeatMs ?? DEFAULT_HEARTBEAT_MS, () => {
        if (!isClosed) controller.enqueue(encoder.encode(SSE_HEARTBEAT));
      });
    },
    async pull(controller) {
      let part;
      try {
        part = await feed.next();
      } catch {
        part = undefined;
      }
      if (isClosed) return;
      if (part !== undefined) controller.enqueue(encoder.encode(encodeSseEvent(part)));
      if (part === undefined || isTerminalPart(part)) {
        finish();
        feed.close();
        controller.close();
      }
    },
    cancel() {
      finish();
      feed.close();
    },
  });
  const headers = new Headers(responseInit.headers);
  for (const [name, value] of Object.entries(SSE_HEADERS)) if (!headers.has(name)) headers.set(name, value);
  return new Response(body, { ...responseInit, headers });
}
