import { ResilientLLMError } from '../../errors/resilient-llm-error.js';
import { expectNumber } from '../validate-option.js';
import { computeBackoffMs, DEFAULT_BACKOFF_BASE_MS, validateBackoffOptions, type BackoffOptions } from './backoff.js';

export type RetryDelayOptions = BackoffOptions & {
  /**
   * The longest server-requested wait (`Retry-After`, `retry-after-ms`, Gemini `RetryInfo`) worth
   * sleeping through on the same deployment. A longer one means "this deployment is out for a
   * while": the call fails over instead (and the deployment should be cooled down for that long).
   * @default 60000
   */
  readonly maxRetryAfterMs?: number;
  /**
   * The time left before the call's deadline. A delay that does not leave room for the retry to
   * run is not slept: the call fails over at once. Omit when there is no deadline.
   */
  readonly timeLeftMs?: number;
};

export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** Validates retry-delay options; call once when options are built. Throws `InvalidArgumentError`. */
export function validateRetryDelayOptions(options: RetryDelayOptions, prefix = ''): void {
  validateBackoffOptions(options, prefix);
  if (options.maxRetryAfterMs !== undefined) expectNumber(`${prefix}maxRetryAfterMs`, options.maxRetryAfterMs, 0);
}

/**
 * How long to wait before retrying the same deployment after `error`, or `undefined` when the
 * call should not wait here and fail over instead (the server asked for more than
 * `maxRetryAfterMs`, or the wait would not fit in `timeLeftMs`).
 *
 * The server's own `retryAfterMs` wins over backoff (it knows when capacity returns), but never
 * below the backoff floor (`minMs`) so that `Retry-After: 0` cannot cause a tight loop.
 */
export function retryDelayMs(
  error: unknown,
  retryIndex: number,
  options: RetryDelayOptions,
  random: () => number,
): number | undefined {
  const retryAfterMs = error instanceof ResilientLLMError ? error.retryAfterMs : undefined;
  let delayMs: number;
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    if (retryAfterMs > (options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS)) return undefined;
    const floorMs = options.minMs ?? (options.baseMs ?? DEFAULT_BACKOFF_BASE_MS) / 10;
    delayMs = Math.max(Math.round(retryAfterMs), floorMs);
  } else {
    delayMs = computeBackoffMs(retryIndex, options, random);
  }
  if (options.timeLeftMs !== undefined && delayMs >= options.timeLeftMs) return undefined;
  return delayMs;
}
