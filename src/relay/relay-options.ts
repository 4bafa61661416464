/** Options of the relay helpers (`pipeSSE`, `toSSEResponse`, `relayWebSocket`). */
export type RelayOptions = {
  /** Sends a heartbeat this often (an SSE comment, a WebSocket ping) so idle proxies keep the connection. @default 15_000 */
  readonly heartbeatMs?: number;
};

/** Starts a heartbeat that never keeps the process alive; returns the function that stops it. */
export function startHeartbeat(intervalMs: number, beat: () => void): () => void {
  const timer = setInterval(() => {
    try {
      beat();
    } catch {
      // The connection is closing; its close handler ends the relay.
    }
  }, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
