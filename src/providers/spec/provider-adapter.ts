import type { EmbedRequest } from './embed-request.js';
import type { EmbedResult } from './embed-result.js';
import type { GenerateResult } from './generate-result.js';
import type { ProviderCallContext } from './provider-call-context.js';
import type { ProviderCapabilities } from './provider-capabilities.js';
import type { ProviderRequest } from './provider-request.js';
import type { ProviderStreamPart } from './provider-stream-part.js';

/**
 * The version of the adapter contract in `src/providers/spec/`. It changes only when the contract
 * changes incompatibly; an adapter states the version it implements in `specificationVersion`.
 */
export const SPECIFICATION_VERSION = 'v1';

/**
 * The adapter contract (version 1). An adapter turns a normalized request into one vendor's wire
 * format and back, maps every failure (including errors inside a 200 stream) to the error
 * taxonomy, and never retries.
 */
export interface ProviderAdapter {
  /** The contract version this adapter implements (`SPECIFICATION_VERSION`). */
  readonly specificationVersion: typeof SPECIFICATION_VERSION;
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
