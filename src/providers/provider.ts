import type {
  EmbedRequest,
  EmbedResult,
  GenerateResult,
  ProviderRequest,
  ProviderStreamPart,
} from '../client/types.js';
import type { AbortSignalLike } from '../transport/abort-token.js';
import type { Transport } from '../transport/transport.js';
import type { Clock } from '../shared/clock.js';

export type { Clock } from '../shared/clock.js';
export { systemClock } from '../shared/clock.js';

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

/** What an adapter can do; checked when a fallback chain is built. */
export type ProviderCapabilities = {
  readonly tools?: boolean;
  readonly images?: boolean;
  readonly jsonOutput?: boolean;
  /** Whether a trailing assistant message is continued by the model (assistant prefill). */
  readonly prefill?: boolean;
  readonly embeddings?: boolean;
};

/**
 * The adapter contract (version 1). An adapter turns a normalized request into one vendor's wire
 * format and back, maps every failure (including errors inside a 200 stream) to the error
 * taxonomy, and never retries.
 */
export interface ProviderAdapter {
  readonly specificationVersion: 'v1';
  /** The adapter kind: `openai`, `openai-compatible`, `anthropic`, `gemini`, `mock`, or your own. */
  readonly kind: string;
  /** Origins this adapter connects to, for `warmup()`. */
  readonly origins?: readonly string[];
  readonly capabilities: ProviderCapabilities;
  doGenerate(request: ProviderRequest, context: ProviderCallContext): Promise<GenerateResult>;
  /**
   * Starts a streaming call. Resolves once the vendor accepted the request (HTTP 2xx), so errors
   * before the first byte reject here. The iterable ends after a `finish` part, or throws; a
   * stream that ends without its terminator throws `InvalidResponseError`.
   */
  doStream(request: ProviderRequest, context: ProviderCallContext): Promise<AsyncIterable<ProviderStreamPart>>;
  embed?(request: EmbedRequest, context: ProviderCallContext): Promise<EmbedResult>;
}
