import { parseDurationMs, parseHeaderCount } from '../shared/retry-after.js';

/** One `x-ratelimit-{limit,remaining,reset}-<bucket>` header triple. */
export type OpenAIRateLimitBucket = {
  readonly limit?: number;
  readonly remaining?: number;
  /** How long until the bucket is fully replenished, in ms (the header is a Go duration such as `6m0s`). */
  readonly resetInMs?: number;
};

/** The rate-limit headers OpenAI sends on a reply, by bucket; absent buckets are omitted. */
export type OpenAIRateLimits = {
  readonly requests?: OpenAIRateLimitBucket;
  readonly tokens?: OpenAIRateLimitBucket;
};

const BUCKETS = ['requests', 'tokens'] as const;

/**
 * Reads `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` from a response's header lookup.
 * Unparseable values (a count that is not a number, a reset that is not a Go duration) are left out.
 */
export function readOpenAIRateLimits(header: (name: string) => string | undefined): OpenAIRateLimits {
  const limits: { -readonly [Key in keyof OpenAIRateLimits]: OpenAIRateLimitBucket } = {};
  for (const key of BUCKETS) {
    const bucket: { -readonly [Key in keyof OpenAIRateLimitBucket]: number } = {};
    const limit = parseHeaderCount(header(`x-ratelimit-limit-${key}`));
    const remaining = parseHeaderCount(header(`x-ratelimit-remaining-${key}`));
    const reset = header(`x-ratelimit-reset-${key}`);
    const resetInMs = reset === undefined ? undefined : parseDurationMs(reset);
    if (limit !== undefined) bucket.limit = limit;
    if (remaining !== undefined) bucket.remaining = remaining;
    if (resetInMs !== undefined) bucket.resetInMs = resetInMs;
    if (limit !== undefined || remaining !== undefined || resetInMs !== undefined) limits[key] = bucket;
  }
  return limits;
}

/**
 * How long to wait, from the rate-limit resets, when a 429 carries no `retry-after`: the reset of
 * the exhausted bucket (`remaining: 0`), or the later of the two when both are exhausted. Unlike
 * Anthropic's absolute resets, a bucket with requests left says nothing about this 429, so without
 * an exhausted bucket whose reset parses this returns undefined rather than guessing.
 */
export function retryAfterFromOpenAIRateLimits(limits: OpenAIRateLimits): number | undefined {
  let exhaustedReset: number | undefined;
  for (const key of BUCKETS) {
    const bucket = limits[key];
    if (bucket?.remaining !== 0 || bucket.resetInMs === undefined) continue;
    exhaustedReset = exhaustedReset === undefined ? bucket.resetInMs : Math.max(exhaustedReset, bucket.resetInMs);
  }
  return exhaustedReset;
}
