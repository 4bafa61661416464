import { parseDurationMs } from '../../providers/shared/retry-after.js';
import type { LearnedLimit } from './learned-limit.js';

/** Reads one response header by (lower-case) name. */
export type HeaderReader = (name: string) => string | undefined;

function readCount(header: HeaderReader, name: string): number | undefined {
  const value = header(name);
  if (value === undefined || value.trim() === '') return undefined;
  const count = Number(value);
  return Number.isFinite(count) && count >= 0 ? count : undefined;
}

/**
 * Feeds OpenAI's `x-ratelimit-{limit,remaining,reset}-{kind}` into `limit`. The reset is a Go
 * duration (`1s`, `6m0s`, `12ms`) until the limit is replenished. Returns whether it was present.
 */
export function observeOpenAiLimit(limit: LearnedLimit, header: HeaderReader, kind: 'requests' | 'tokens', now: number): boolean {
  const remaining = readCount(header, `x-ratelimit-remaining-${kind}`);
  if (remaining === undefined) return false;
  const reset = header(`x-ratelimit-reset-${kind}`);
  limit.observe(readCount(header, `x-ratelimit-limit-${kind}`), remaining, reset === undefined ? undefined : parseDurationMs(reset), now);
  return true;
}

/**
 * Feeds Anthropic's `anthropic-ratelimit-{kind}-{limit,remaining,reset}` into `limit`. The reset is
 * an absolute RFC 3339 time, converted with `epochNow` (wall-clock ms at `now`). Returns whether it was present.
 */
export function observeAnthropicLimit(
  limit: LearnedLimit,
  header: HeaderReader,
  kind: 'requests' | 'tokens' | 'input-tokens' | 'output-tokens',
  now: number,
  epochNow: number,
): boolean {
  const remaining = readCount(header, `anthropic-ratelimit-${kind}-remaining`);
  if (remaining === undefined) return false;
  const reset = header(`anthropic-ratelimit-${kind}-reset`);
  const resetEpochMs = reset === undefined ? Number.NaN : Date.parse(reset);
  const resetInMs = Number.isNaN(resetEpochMs) ? undefined : Math.max(0, resetEpochMs - epochNow);
  limit.observe(readCount(header, `anthropic-ratelimit-${kind}-limit`), remaining, resetInMs, now);
  return true;
}
