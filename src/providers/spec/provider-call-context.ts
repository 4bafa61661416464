import type { Clock } from '../../shared/clock.js';
import type { AbortSignalLike } from '../../transport/abort-token.js';
import type { Transport } from '../../transport/transport.js';

/** What the client hands an adapter for one attempt. */
export type ProviderCallContext = {
  /** Aborts with the attempt (watchdog, caller, hedge). A real `AbortSignal`, made on first read. */
  readonly signal: AbortSignal;
  /**
   * The same abort as `signal`, without the cost of a real `AbortSignal` (pass it to the
   * transport). Built-in adapters use this; `signal` is for adapters that need a real one.
   */
  readonly abort?: AbortSignalLike;
  readonly transport: Transport;
  /** Extra headers for this attempt (per-deployment headers, tracing). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly clock: Clock;
  /** Adapters pass every response's header lookup here (2xx and errors) for rate-limit learning. */
  readonly onResponseHeaders?: (header: (name: string) => string | undefined) => void;
};
