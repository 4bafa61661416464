/** The relay could not be reached, or refused the request, after every reconnect. */
export class RelayConnectionError extends Error {
  override readonly name = 'RelayConnectionError';
  readonly code = 'RLLM_RELAY_CONNECTION';
  /** The HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
  /** Connections tried, the first one included. */
  readonly connections: number;
  constructor(message: string, connections: number, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.connections = connections;
    this.status = status;
  }
}
