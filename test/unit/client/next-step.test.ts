import { describe, expect, it } from 'vitest';
import { decideAfterFailure, decideWhenUnavailable, type FailureFacts } from '../../../src/client/next-step.js';
import {
  BadRequestError,
  ConnectionError,
  ContentFilterError,
  ContextWindowExceededError,
  OverloadedError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '../../../src/errors/errors.js';

const limits = { now: 1_000, deadlineAt: 60_000, maxRetryAfterMs: 10_000 };
const retry = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000 };

function facts(overrides: Partial<FailureFacts>): FailureFacts {
  return {
    error: new ServerError('p/m: failed (HTTP 500)', { status: 500 }),
    isRefused: false,
    hasEmitted: false,
    isContentPolicyFailover: false,
    isLastAlias: true,
    hasOtherDeployment: false,
    hasOtherUntried: false,
    isBreakerOpen: false,
    retries: 0,
    maxRetries: 2,
    cooldownUntil: 0,
    retry,
    random: () => 0.5,
    limits,
    ...overrides,
  };
}

describe('decideAfterFailure', () => {
  it('retries a transient error on the same deployment after the backoff', () => {
    const step = decideAfterFailure(facts({}));
    expect(step.kind).toBe('retry');
    expect(step.kind === 'retry' && step.waitMs).toBeGreaterThan(0);
  });

  it('retries at once (wait 0) when another untried deployment of the pool is ready', () => {
    expect(decideAfterFailure(facts({ hasOtherUntried: true }))).toEqual({ kind: 'retry', waitMs: 0 });
  });

  it('moves to the next deployment once retries are spent', () => {
    expect(decideAfterFailure(facts({ retries: 2 }))).toEqual({ kind: 'next-deployment' });
  });

  it('gives up on an error no other deployment can fix', () => {
    expect(decideAfterFailure(facts({ error: new BadRequestError('bad', { status: 400 }) }))).toEqual({ kind: 'give-up', isDeadline: false });
    expect(decideAfterFailure(facts({ error: new ContentFilterError('filtered') }))).toEqual({ kind: 'give-up', isDeadline: false });
  });

  it('routes around a content filter when the policy asks', () => {
    expect(decideAfterFailure(facts({ error: new ContentFilterError('filtered'), isContentPolicyFailover: true }))).toEqual({ kind: 'next-deployment' });
  });

  it('gives up as a deadline when the call\'s total time is spent', () => {
    expect(decideAfterFailure(facts({ error: new TimeoutError('total', 5_000) }))).toEqual({ kind: 'give-up', isDeadline: true });
  });

  it('moves to the next alias after a context-window error', () => {
    expect(decideAfterFailure(facts({ error: new ContextWindowExceededError('too long'), isLastAlias: false }))).toEqual({ kind: 'next-alias' });
  });

  it('moves on after output was emitted when another option exists, and retries only the last one left', () => {
    expect(decideAfterFailure(facts({ hasEmitted: true, isLastAlias: false }))).toEqual({ kind: 'next-deployment' });
    expect(decideAfterFailure(facts({ hasEmitted: true, hasOtherDeployment: true }))).toEqual({ kind: 'next-deployment' });
    expect(decideAfterFailure(facts({ hasEmitted: true })).kind).toBe('retry');
  });

  it('moves on from an unreachable deployment (connection refused) when another option exists', () => {
    const refused = new ConnectionError('refused', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(decideAfterFailure(facts({ error: refused, isLastAlias: false }))).toEqual({ kind: 'next-deployment' });
    expect(decideAfterFailure(facts({ error: refused })).kind).toBe('retry');
  });

  it('leaves a deployment whose breaker the failure opened when no sibling can serve and a later alias exists', () => {
    expect(decideAfterFailure(facts({ isBreakerOpen: true, isLastAlias: false }))).toEqual({ kind: 'next-deployment' });
    expect(decideAfterFailure(facts({ isBreakerOpen: true, isLastAlias: false, hasOtherDeployment: true })).kind).toBe('retry');
    expect(decideAfterFailure(facts({ isBreakerOpen: true })).kind).toBe('retry');
  });

  it('moves on when the server asks for a wait longer than maxRetryAfterMs, and waits out a shorter one', () => {
    const long = new RateLimitError('slow down', { status: 429, retryAfterMs: 20_000 });
    expect(decideAfterFailure(facts({ error: long, cooldownUntil: 21_000 }))).toEqual({ kind: 'next-deployment' });
    const short = new OverloadedError('busy', { status: 529, retryAfterMs: 2_000 });
    expect(decideAfterFailure(facts({ error: short, cooldownUntil: 3_000 }))).toEqual({ kind: 'retry', waitMs: 2_001 });
  });

  it('moves a refused attempt to the next deployment whatever its code says', () => {
    expect(decideAfterFailure(facts({ isRefused: true }))).toEqual({ kind: 'next-deployment' });
    expect(decideAfterFailure(facts({ isRefused: true, error: new BadRequestError('no', { status: 400 }) }))).toEqual({ kind: 'next-deployment' });
  });

  it('reads the random source only when a retry is weighed', () => {
    let reads = 0;
    const random = () => {
      reads++;
      return 0.5;
    };
    decideAfterFailure(facts({ random, error: new BadRequestError('bad', { status: 400 }) }));
    decideAfterFailure(facts({ random, retries: 2 }));
    expect(reads).toBe(0);
    decideAfterFailure(facts({ random }));
    expect(reads).toBeGreaterThan(0);
  });
});

describe('decideWhenUnavailable', () => {
  const base = { isLastAlias: true, retries: 0, maxRetries: 2, queueLeftMs: 0, timerJitterMs: 25, limits };

  it('waits out a cooldown on the last alias as a retry', () => {
    expect(decideWhenUnavailable({ ...base, next: { waitMs: 800, isRateLimit: false } })).toEqual({ kind: 'wait', waitMs: 800, isRetry: true });
  });

  it('moves an earlier alias on instead of waiting out a cooldown, except for timer jitter', () => {
    expect(decideWhenUnavailable({ ...base, isLastAlias: false, next: { waitMs: 800, isRateLimit: false } })).toEqual({ kind: 'next-alias' });
    expect(decideWhenUnavailable({ ...base, isLastAlias: false, next: { waitMs: 10, isRateLimit: false } })).toEqual({ kind: 'wait', waitMs: 10, isRetry: false });
  });

  it('queues for rate-limit headroom within maxQueueMs, not as a retry', () => {
    expect(decideWhenUnavailable({ ...base, queueLeftMs: 500, next: { waitMs: 300, isRateLimit: true } })).toEqual({ kind: 'wait', waitMs: 300, isRetry: false });
    expect(decideWhenUnavailable({ ...base, queueLeftMs: 200, next: { waitMs: 300, isRateLimit: true } })).toEqual({ kind: 'next-alias' });
  });

  it('moves on when nothing will become available or retries are spent', () => {
    expect(decideWhenUnavailable({ ...base, next: undefined })).toEqual({ kind: 'next-alias' });
    expect(decideWhenUnavailable({ ...base, retries: 2, next: { waitMs: 800, isRateLimit: false } })).toEqual({ kind: 'next-alias' });
  });
});
