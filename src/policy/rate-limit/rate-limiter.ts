import { StateScope } from '../../state/state-scope.js';
import { expectNumber } from '../validate-option.js';
import { LearnedLimit } from './learned-limit.js';
import { observeAnthropicLimit, observeOpenAiLimit, type HeaderReader } from './rate-limit-headers.js';
import { TokenBucket } from './token-bucket.js';

/** Client-side limits for one deployment. Omitted limits are not enforced (headers still teach). */
export type RateLimitOptions = {
  /** Requests per minute: a token bucket of `rpm` requests refilled continuously at `rpm` per minute. */
  readonly rpm?: number;
  /** Tokens (input + output, estimated before sending) per minute, as a bucket like `rpm`. */
  readonly tpm?: number;
  /**
   * The most requests that may start at once after a quiet period (the request bucket's capacity).
   * Lower it to smooth bursts; over any `t` ms at most `burstRequests + rpm · t / 60000` start.
   * @default rpm
   */
  readonly burstRequests?: number;
  /**
   * The token bucket's capacity.
   * @default tpm
   */
  readonly burstTokens?: number;
};

const MINUTE_MS = 60_000;

/** Validates limiter options; throws `InvalidArgumentError` naming the field. */
export function validateRateLimitOptions(options: RateLimitOptions, prefix = ''): void {
  if (options.rpm !== undefined) expectNumber(`${prefix}rpm`, options.rpm, 0, true);
  if (options.tpm !== undefined) expectNumber(`${prefix}tpm`, options.tpm, 0, true);
  if (options.burstRequests !== undefined) expectNumber(`${prefix}burstRequests`, options.burstRequests, 1);
  if (options.burstTokens !== undefined) expectNumber(`${prefix}burstTokens`, options.burstTokens, 1);
}

/**
 * Rate limits of one deployment: optional client-side `rpm`/`tpm` token buckets plus the limits the
 * vendor reports in its response headers. A request needs 1 request and its estimated tokens; a
 * deployment that cannot give them now has no headroom and is skipped before it would answer 429.
 * All methods take `now` on the client's clock; none allocate.
 */
export class RateLimiter {
  private readonly requestBucket: TokenBucket | undefined;
  private readonly tokenBucket: TokenBucket | undefined;
  private readonly learnedRequests: LearnedLimit;
  /** OpenAI tokens, or Anthropic's most restrictive token limit in effect. */
  private readonly learnedTokens: LearnedLimit;
  private readonly learnedInputTokens: LearnedLimit;
  private readonly learnedOutputTokens: LearnedLimit;

  /**
   * `scope` is where the buckets and learned limits keep their state (keys `rpm`, `tpm` and
   * `learned-*`); limiters of several processes given the same scope of a shared store enforce one limit.
   */
  constructor(options: RateLimitOptions = {}, scope: StateScope = StateScope.inMemory()) {
    validateRateLimitOptions(options);
    if (options.rpm !== undefined) {
      this.requestBucket = new TokenBucket(options.burstRequests ?? options.rpm, options.rpm / MINUTE_MS, scope, 'rpm');
    }
    if (options.tpm !== undefined) {
      this.tokenBucket = new TokenBucket(options.burstTokens ?? options.tpm, options.tpm / MINUTE_MS, scope, 'tpm');
    }
    this.learnedRequests = new LearnedLimit(scope, 'learned-requests');
    this.learnedTokens = new LearnedLimit(scope, 'learned-tokens');
    this.learnedInputTokens = new LearnedLimit(scope, 'learned-input-tokens');
    this.learnedOutputTokens = new LearnedLimit(scope, 'learned-output-tokens');
  }

  /**
   * Whether a request of `tokens` estimated tokens fits now, without taking anything. Learned input
   * and output token limits only refuse once exhausted: the estimate does not split input from output.
   */
  canTake(tokens: number, now: number): boolean {
    const tokensNeeded = tokens > 1 ? tokens : 1;
    if (this.requestBucket !== undefined && !this.requestBucket.canTake(1, now)) return false;
    if (this.tokenBucket !== undefined && !this.tokenBucket.canTake(tokensNeeded, now)) return false;
    return (
      this.learnedRequests.available(now) >= 1 &&
      this.learnedTokens.available(now) >= tokensNeeded &&
      this.learnedInputTokens.available(now) >= 1 &&
      this.learnedOutputTokens.available(now) >= 1
    );
  }

  /** Takes 1 request and `tokens` tokens if all limits allow it; otherwise takes nothing. */
  tryTake(tokens: number, now: number): boolean {
    if (!this.canTake(tokens, now)) return false;
    this.take(tokens, now);
    return true;
  }

  /** Takes 1 request and `tokens` tokens without checking (after `canTake()` said yes). */
  take(tokens: number, now: number): void {
    this.requestBucket?.take(1, now);
    this.tokenBucket?.take(tokens, now);
    this.learnedRequests.take(1, now);
    this.learnedTokens.take(tokens, now);
  }

  /** Gives back what `take(tokens, now)` took, for a request that was never sent. */
  giveBack(tokens: number, now: number): void {
    this.requestBucket?.take(-1, now);
    this.tokenBucket?.take(-tokens, now);
    this.learnedRequests.take(-1, now);
    this.learnedTokens.take(-tokens, now);
  }

  /**
   * Corrects the token charge once the real usage is known: refunds an over-estimate, charges an
   * under-estimate (the bucket may go into debt and refuse until it refilled).
   */
  settle(estimatedTokens: number, actualTokens: number, now: number): void {
    this.tokenBucket?.take(actualTokens - estimatedTokens, now);
  }

  /**
   * Milliseconds until a request of `tokens` would fit (0 if it fits now; `Infinity` if it can never
   * fit the configured `tpm` bucket). For queueing up to `maxQueueMs` before failing over.
   */
  waitTimeMs(tokens: number, now: number): number {
    const tokensNeeded = tokens > 1 ? tokens : 1;
    let waitMs = 0;
    if (this.requestBucket !== undefined) waitMs = Math.max(waitMs, this.requestBucket.waitTimeMs(1, now));
    if (this.tokenBucket !== undefined) waitMs = Math.max(waitMs, this.tokenBucket.waitTimeMs(tokensNeeded, now));
    waitMs = Math.max(waitMs, this.learnedRequests.waitTimeMs(1, now));
    waitMs = Math.max(waitMs, this.learnedTokens.waitTimeMs(tokensNeeded, now));
    waitMs = Math.max(waitMs, this.learnedInputTokens.waitTimeMs(1, now));
    return Math.max(waitMs, this.learnedOutputTokens.waitTimeMs(1, now));
  }

  /** The smallest remaining fraction over every known limit, in [0, 1]; 1 when nothing limits. */
  headroom(now: number): number {
    let fraction = 1;
    if (this.requestBucket !== undefined) fraction = Math.min(fraction, this.requestBucket.fraction(now));
    if (this.tokenBucket !== undefined) fraction = Math.min(fraction, this.tokenBucket.fraction(now));
    fraction = Math.min(fraction, this.learnedRequests.fraction(now), this.learnedTokens.fraction(now));
    return Math.min(fraction, this.learnedInputTokens.fraction(now), this.learnedOutputTokens.fraction(now));
  }

  /**
   * Learns the vendor's limits from a response's headers: OpenAI `x-ratelimit-*` (reset as a Go
   * duration) and Anthropic `anthropic-ratelimit-*` (reset as an RFC 3339 time; `epochNow` is the
   * wall-clock time in ms at `now`). Headers that are absent change nothing.
   */
  observeHeaders(header: HeaderReader, now: number, epochNow: number): void {
    const hasOpenAiRequests = observeOpenAiLimit(this.learnedRequests, header, 'requests', now);
    const hasOpenAiTokens = observeOpenAiLimit(this.learnedTokens, header, 'tokens', now);
    if (hasOpenAiRequests || hasOpenAiTokens) return;
    observeAnthropicLimit(this.learnedRequests, header, 'requests', now, epochNow);
    observeAnthropicLimit(this.learnedTokens, header, 'tokens', now, epochNow);
    observeAnthropicLimit(this.learnedInputTokens, header, 'input-tokens', now, epochNow);
    observeAnthropicLimit(this.learnedOutputTokens, header, 'output-tokens', now, epochNow);
  }
}
