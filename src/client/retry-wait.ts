import { retryDelayMs } from '../policy/retry/retry-delay.js';
import type { RetryOptions } from './client-options.js';

/** The client's retry options with their defaults filled in. */
export function retryOptionsOf(retry: RetryOptions | undefined): Required<RetryOptions> {
  return {
    maxRetries: retry?.maxRetries ?? 2,
    baseDelayMs: retry?.baseDelayMs ?? 500,
    maxDelayMs: retry?.maxDelayMs ?? 8000,
    maxRetryAfterMs: retry?.maxRetryAfterMs ?? 60_000,
  };
}

/** What bounds every wait of a call on the same deployment. */
export type WaitLimits = {
  /** Clock time now. */
  readonly now: number;
  /** Clock time at which the call's deadline ends. */
  readonly deadlineAt: number;
  /** The longest server-requested wait (cooldown) worth sleeping through (`retry.maxRetryAfterMs`). */
  readonly maxRetryAfterMs: number;
};

/**
 * How long to sleep before retrying a deployment, or undefined when the call must not wait
 * (fail over, or fail now). The wait is the backoff `delayMs`, stretched to the end of the
 * deployment's cooldown (another call's Retry-After may have set it) so that the retry finds it
 * open; a wait longer than `maxRetryAfterMs`, or one that does not end before the deadline, is
 * never slept.
 */
export function retryWaitMs(delayMs: number, cooldownUntil: number, limits: WaitLimits): number | undefined {
  const cooldownMs = cooldownUntil - limits.now;
  const waitMs = cooldownMs > 0 ? Math.max(delayMs, cooldownMs + 1) : delayMs;
  if (cooldownMs > 0 && cooldownMs > limits.maxRetryAfterMs) return undefined;
  if (limits.now + waitMs >= limits.deadlineAt) return undefined;
  return waitMs;
}

/**
 * How long to wait for a pool in which nothing can take the call now, or undefined to move on.
 * Rate-limit headroom is queued for up to `queueLeftMs`. A cooldown is waited out only on the last
 * alias, as a retry, up to `maxRetryAfterMs`, or for timer jitter on any alias (the tail of a
 * Retry-After wait that a timer ended a millisecond early). No wait ends past the deadline.
 */
export function poolWaitMs(
  next: { readonly waitMs: number; readonly isRateLimit: boolean } | undefined,
  options: { readonly isCooldownRetry: boolean; readonly queueLeftMs: number; readonly jitterMs: number },
  limits: WaitLimits,
): number | undefined {
  if (next === undefined) return undefined;
  const maxWaitMs = next.isRateLimit
    ? options.queueLeftMs
    : Math.max(options.isCooldownRetry ? limits.maxRetryAfterMs : 0, options.jitterMs, Math.min(options.queueLeftMs, limits.maxRetryAfterMs));
  if (next.waitMs > maxWaitMs || limits.now + next.waitMs >= limits.deadlineAt) return undefined;
  return Math.max(1, next.waitMs);
}

/**
 * How long to wait before retrying the same deployment after `error` (0 when another deployment
 * of the pool is ready and is tried at once), or undefined when the call must fail over instead:
 * the server asked for too long a wait, or the wait does not fit before the deadline.
 */
export function sameDeploymentWaitMs(
  error: unknown,
  retries: number,
  cooldownUntil: number,
  isOtherReady: boolean,
  retry: Required<RetryOptions>,
  random: () => number,
  limits: WaitLimits,
): number | undefined {
  const timeLeftMs = limits.deadlineAt - limits.now;
  const options = { baseMs: retry.baseDelayMs, maxMs: retry.maxDelayMs, maxRetryAfterMs: retry.maxRetryAfterMs, timeLeftMs };
  const delayMs = retryDelayMs(error, retries, options, random);
  if (delayMs === undefined) return undefined;
  return isOtherReady ? 0 : retryWaitMs(delayMs, cooldownUntil, limits);
}
