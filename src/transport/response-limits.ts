import { InvalidArgumentError } from '../errors/errors.js';

/**
 * The most bytes of a response body read at once (a non-streaming answer, an embedding batch, an
 * error body). The largest real answers stay far below: 128k output tokens, every character
 * JSON-escaped as `\uXXXX`, is about 3 MiB; a Gemini answer with a few inline images is a few MiB;
 * 2,048 base64 embeddings of 1,536 dimensions are 16 MiB. A body announced or read past it is cut off.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/**
 * The most bytes one server-sent event may take, counted from the end of the previous event.
 * Real events carry one delta (bytes to a few KiB); the largest are whole tool-call arguments or an
 * inline image from Gemini (about 3 MiB of base64 for a 2K PNG).
 */
export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

/** Limits on what one response may make the process hold in memory. */
export type ResponseLimits = {
  /**
   * Largest response body read whole (non-streaming answers, embeddings, error bodies). Going over
   * closes the connection and throws `ResponseTooLargeError`, which fails over like an invalid response.
   * @default 33_554_432 (32 MiB)
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
