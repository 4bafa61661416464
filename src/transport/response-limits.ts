import { InvalidArgumentError } from '../errors/errors.js';

/**
 * The most bytes of a response body read whole (a non-streaming answer, an error body). Real chat
 * answers stay far below: 128k output tokens is about 0.5 MiB of JSON, 3 MiB if every character
 * were escaped as `\uXXXX`. Image or audio output, and `logprobs`, can need more: raise it for those.
 * Embedding calls get at least what their batch needs (see `embeddingResponseLimit`). Chosen so
 * that a process cut off at the limit stays under 150 MB of peak memory, over `fetch` too.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * The most bytes one server-sent event may take, counted from the end of the previous event. Real
 * events carry one delta (bytes to a few KiB); the largest are whole tool-call arguments and inline
 * images from Gemini (about 2 MiB of base64 for a 1024 × 1024 PNG).
 */
export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

/**
 * The body limit of an embedding call: the configured `maxResponseBytes`, else the default or what
 * `inputs` vectors of `dimensions` values may take at `bytesPerValue` (base64 float32: 5.4; JSON
 * numbers, indented: 32), whichever is larger. An embedding answer grows with its batch.
 */
export function embeddingResponseLimit(configured: number | undefined, inputs: number, dimensions: number | undefined, bytesPerValue: number): number {
  if (configured !== undefined) return configured;
  return Math.max(DEFAULT_MAX_RESPONSE_BYTES, Math.ceil(inputs * ((dimensions ?? 3072) * bytesPerValue + 256)));
}

/** Limits on what one response may make the process hold in memory. */
export type ResponseLimits = {
  /**
   * Largest response body read whole (non-streaming answers, embeddings, error bodies). Going over
   * closes the connection and throws `ResponseTooLargeError`, which fails over like an invalid response.
   * @default 8_388_608 (8 MiB)
   */
  readonly maxResponseBytes?: number;
  /**
   * Largest single server-sent event of a stream (an unterminated line counts as it grows). Going
   * over closes the connection and throws `ResponseTooLargeError`.
   * @default 8_388_608 (8 MiB)
   */
  readonly maxEventBytes?: number;
};

/** Checks the limit options of a provider factory; `undefined` when none is set. */
export function validateResponseLimits(options: ResponseLimits | undefined): ResponseLimits | undefined {
  if (options === undefined || options === null) return undefined;
  const limits: { maxResponseBytes?: number; maxEventBytes?: number } = {};
  for (const key of ['maxResponseBytes', 'maxEventBytes'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
      throw new InvalidArgumentError(key, `Expected \`${key}\` to be a positive integer number of bytes, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`);
    }
    limits[key] = value;
  }
  return limits.maxResponseBytes === undefined && limits.maxEventBytes === undefined ? undefined : limits;
}
