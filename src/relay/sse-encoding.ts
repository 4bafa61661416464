import type { WirePart } from './wire-part.js';

/** Response headers of every SSE relay: no caching, no transformation, no proxy buffering (nginx). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** An SSE comment: keeps idle proxies from closing the connection; readers ignore it. */
export const SSE_HEARTBEAT = ': ping\n\n';

/** How often a relay sends a heartbeat when nothing else was sent. @default 15_000 */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** One part as one SSE event: its id on the `id:` line (for `Last-Event-ID`) and as JSON `data:`. */
export function encodeSseEvent(part: WirePart): string {
  // JSON.stringify escapes newlines, so the data is always one line.
  return `id: ${part.id}\ndata: ${JSON.stringify(part)}\n\n`;
}
