import { parseDurationMs, parseHeaderCount } from '../../providers/shared/retry-after.js';
import type { LearnedLimit } from './learned-limit.js';

/** Reads one response header by (lower-case) name. */
export type HeaderReader = (name: string) => string | undefined;

type OpenAiKind = 'requests' | 'tokens';
type AnthropicKind = 'requests' | 'tokens' | 'input-tokens' | 'output-tokens';
type HeaderNames = { readonly limit: string; readonly remaining: string; readonly reset: string };

// Spelled out once: a header name built per response costs a string and a slower lookup.
const OPENAI_HEADERS: Readonly<Record<OpenAiKind, HeaderNames>> = {
  requests: { limit: 'x-ratelimit-limit-requests', remaining: 'x-ratelimit-remaining-requests', reset: 'x-ratelimit-reset-requests' },
  tokens: { limit: 'x-ratelimit-limit-tokens', remaining: 'x-ratelimit-remaining-tokens', reset: 'x-ratelimit-reset-tokens' },
};

const ANTHROPIC_HEADERS: Readonly<Record<AnthropicKind, HeaderNames>> = {
  requests: anthropicNames('requests'),
  tokens: anthropicNames('tokens'),
  'input-tokens': anthropicNames('input-tokens'),
  'output-tokens': anthropicNames('output-tokens'),
};

function anthropicNames(kind: AnthropicKind): HeaderNames {
  return {
    limit: `anthropic-ratelimit-${kind}-limit`,
    remaining: `anthropic-ratelimit-${kind}-remaining`,
    reset: `anthropic-ratelimit-${kind}-reset`,
  };
}

/**
 * Whether the response carries any rate-limit header that `observeOpenAiLimit` or
 * `observeAnthropicLimit` would read: most gateways and local servers send none, and then
 * observing them (and reading the clocks for it) can be skipped.
 */
export function hasRateLimitHeaders(header: HeaderReader): boolean {
  return (
    header(OPENAI_HEADERS.requests.remaining) !== undefined ||
    header(OPENAI_HEADERS.tokens.remaining) !== undefined ||
    header(ANTHROPIC_HEADERS.requests.remaining) !== undefined ||
    header(ANTHROPIC_HEADERS.tokens.remaining) !== undefined ||
    header(ANTHROPIC_HEADERS['input-tokens'].remaining) !== undefined ||
    header(ANTHROPIC_HEADERS['output-tokens'].remaining) !== undefined
  );
}

/**
 * Feeds OpenAI's `x-ratelimit-{limit,remaining,reset}-{kind}` into `limit`. The reset is a Go
 * duration (`1s`, `6m0s`, `12ms`) until the limit is replenished. Returns whether it was present.
 */
export function observeOpenAiLimit(limit: LearnedLimit, header: HeaderReader, kind: OpenAiKind, now: number): boolean {
  const names = OPENAI_HEADERS[kind];
  const remaining = parseHeaderCount(header(names.remaining));
  if (remaining === undefined) return false;
  const reset = header(names.reset);
  limit.observe(parseHeaderCount(header(names.limit)), remaining, reset === undefined ? undefined : parseDurationMs(reset), now);
  return true;
}

/**
 * Feeds Anthropic's `anthropic-ratelimit-{kind}-{limit,remaining,reset}` into `limit`. The reset is
 * an absolute RFC 3339 time, converted with `epochNow` (wall-clock ms at `now`). Returns whether it was present.
 */
export function observeAnthropicLimit(
  limit: LearnedLimit,
  header: HeaderReader,
  kind: AnthropicKind,
  now: number,
  epochNow: number,
): boolean {
  const names = ANTHROPIC_HEADERS[kind];
  const remaining = parseHeaderCount(header(names.remaining));
  if (remaining === undefined) return false;
  const reset = header(names.reset);
  const resetEpochMs = reset === undefined ? Number.NaN : Date.parse(reset);
  const resetInMs = Number.isNaN(resetEpochMs) ? undefined : Math.max(0, resetEpochMs - epochNow);
  limit.observe(parseHeaderCount(header(names.limit)), remaining, resetInMs, now);
  return true;
}
