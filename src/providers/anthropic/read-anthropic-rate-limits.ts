/** One `anthropic-ratelimit-<bucket>-*` header triple. */
export type AnthropicRateLimitBucket = {
  readonly limit?: number;
  readonly remaining?: number;
  /** When the bucket is fully replenished, in epoch ms (the header is an RFC 3339 timestamp). */
  readonly resetAtEpochMs?: number;
};

/** The rate-limit headers Anthropic sends on every reply, by bucket; absent buckets are omitted. */
export type AnthropicRateLimits = {
  readonly requests?: AnthropicRateLimitBucket;
  readonly tokens?: AnthropicRateLimitBucket;
  readonly inputTokens?: AnthropicRateLimitBucket;
  readonly outputTokens?: AnthropicRateLimitBucket;
};

const BUCKETS = [
  ['requests', 'requests'],
  ['tokens', 'tokens'],
  ['inputTokens', 'input-tokens'],
  ['outputTokens', 'output-tokens'],
] as const;

/**
 * Reads `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`
 * from a response's header lookup. Unparseable values are left out.
 */
export function readAnthropicRateLimits(header: (name: string) => string | undefined): AnthropicRateLimits {
  const limits: { -readonly [Key in keyof AnthropicRateLimits]: AnthropicRateLimitBucket } = {};
  for (const [key, wireName] of BUCKETS) {
    const prefix = `anthropic-ratelimit-${wireName}-`;
    const bucket: { -readonly [Key in keyof AnthropicRateLimitBucket]: number } = {};
    const limit = readNumber(header(`${prefix}limit`));
    const remaining = readNumber(header(`${prefix}remaining`));
    const reset = header(`${prefix}reset`);
    const resetAtEpochMs = reset === undefined ? Number.NaN : Date.parse(reset);
    if (limit !== undefined) bucket.limit = limit;
    if (remaining !== undefined) bucket.remaining = remaining;
    if (!Number.isNaN(resetAtEpochMs)) bucket.resetAtEpochMs = resetAtEpochMs;
    if (limit !== undefined || remaining !== undefined || bucket.resetAtEpochMs !== undefined) limits[key] = bucket;
  }
  return limits;
}

/**
 * How long to wait, from the rate-limit resets, when a 429 carries no `retry-after`. When some
 * buckets are exhausted (`remaining: 0`), every one of them must refill, so the latest of their
 * resets counts; otherwise the earliest reset of any bucket is the best guess.
 */
export function retryAfterFromRateLimits(limits: AnthropicRateLimits, nowEpochMs: number): number | undefined {
  let exhaustedReset: number | undefined;
  let earliestReset: number | undefined;
  for (const [key] of BUCKETS) {
    const bucket = limits[key];
    const reset = bucket?.resetAtEpochMs;
    if (reset === undefined) continue;
    if (bucket?.remaining === 0) exhaustedReset = exhaustedReset === undefined ? reset : Math.max(exhaustedReset, reset);
    earliestReset = earliestReset === undefined ? reset : Math.min(earliestReset, reset);
  }
  const reset = exhaustedReset ?? earliestReset;
  return reset === undefined ? undefined : Math.max(0, reset - nowEpochMs);
}

function readNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}
