import { TimeoutError } from '../errors/errors.js';
import type { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { classifyError, isUnreachable } from '../policy/retry/classify-error.js';
import type { RetryOptions } from './client-options.js';
import { poolWaitMs, sameDeploymentWaitMs, type WaitLimits } from './retry-wait.js';

/**
 * What the call does next, decided from facts alone (no clock, no state), so every branch of the
 * retry/failover logic can be tested without running a call:
 * - `retry`: the same deployment again after `waitMs` (0: another ready deployment of the pool
 *   takes the retry at once);
 * - `next-deployment`: leave this deployment; another of the pool if one can serve, else the next alias;
 * - `next-alias`: leave this alias's pool for the next alias of the chain;
 * - `wait`: nothing in the pool can take the call now; sleep `waitMs`, then pick again;
 * - `give-up`: surface the error (`isDeadline`: as the call's spent deadline).
 */
export type NextStep =
  | { readonly kind: 'retry'; readonly waitMs: number }
  | { readonly kind: 'next-deployment' }
  | { readonly kind: 'next-alias' }
  | { readonly kind: 'wait'; readonly waitMs: number; readonly isRetry: boolean }
  | { readonly kind: 'give-up'; readonly isDeadline: boolean };

/** The facts a failed attempt is judged on; the executor reads them from the pool once. */
export type FailureFacts = {
  readonly error: ResilientLLMError;
  /** An attempt hook refused the attempt: nothing was sent. */
  readonly isRefused: boolean;
  /** Content from the attempt reached the consumer before it failed. */
  readonly hasEmitted: boolean;
  /** Route around a content-policy refusal (the fallback policy's `isContentPolicyFallback`). */
  readonly isContentPolicyFailover: boolean;
  /** The alias is the last of the call's chain. */
  readonly isLastAlias: boolean;
  /** Another deployment of the pool (any but this one) could take the call now. */
  readonly hasOtherDeployment: boolean;
  /** Another deployment of the pool not yet tried by this call could take it now. */
  readonly hasOtherUntried: boolean;
  /** This deployment's breaker refuses new attempts now (the failure may have opened it). */
  readonly isBreakerOpen: boolean;
  /** Retries spent on this alias, and the most allowed. */
  readonly retries: number;
  readonly maxRetries: number;
  /** Clock time this deployment's cooldown ends (0 when none). */
  readonly cooldownUntil: number;
  readonly retry: Required<RetryOptions>;
  /** The call's random source, for backoff jitter (read only when a retry is considered). */
  readonly random: () => number;
  readonly limits: WaitLimits;
};

/**
 * After an attempt failed with a library error: give up, move on, or retry. A refused attempt
 * (an attempt hook said no) moves to another deployment. After output, or when the deployment
 * could not be reached at all (refused, DNS), another deployment is preferred, and the same one
 * is retried only when it is the last left. A context-window error moves to the next alias (one
 * with a larger window). A failure that opened the breaker of a deployment with no healthy sibling
 * moves to the next alias at once instead of after a pointless wait (a Retry-After cooldown is
 * different: that wait is the retry).
 */
export function decideAfterFailure(facts: FailureFacts): Exclude<NextStep, { kind: 'wait' }> {
  const { error } = facts;
  if (facts.isRefused) return NEXT_DEPLOYMENT;
  let decision = classifyError(error, { isContentPolicyFailover: facts.isContentPolicyFailover });
  if (decision === 'stop') return { kind: 'give-up', isDeadline: error instanceof TimeoutError && error.phase === 'total' };
  if ((facts.hasEmitted || isUnreachable(error)) && (!facts.isLastAlias || facts.hasOtherDeployment)) decision = 'failover';
  if (error.code === 'RLLM_CONTEXT_WINDOW_EXCEEDED') return NEXT_ALIAS;
  if (decision === 'retry' && !facts.isLastAlias && facts.isBreakerOpen && !facts.hasOtherDeployment) decision = 'failover';
  if (decision === 'retry' && facts.retries < facts.maxRetries) {
    const waitMs = sameDeploymentWaitMs(error, facts.retries, facts.cooldownUntil, facts.hasOtherUntried, facts.retry, facts.random, facts.limits);
    if (waitMs !== undefined) return { kind: 'retry', waitMs };
  }
  return NEXT_DEPLOYMENT;
}

/** The facts a pool in which nothing can take the call now is judged on. */
export type UnavailableFacts = {
  /** How long until some deployment could take the call, and whether for rate-limit headroom; undefined: none will (circuits open). */
  readonly next: { readonly waitMs: number; readonly isRateLimit: boolean } | undefined;
  readonly isLastAlias: boolean;
  readonly retries: number;
  readonly maxRetries: number;
  /** The alias's `maxQueueMs` minus what this call already queued for it. */
  readonly queueLeftMs: number;
  /** Slack for timers that fire a little before the clock says they are due. */
  readonly timerJitterMs: number;
  readonly limits: WaitLimits;
};

/**
 * Waiting for availability: queue for rate-limit headroom up to `maxQueueMs`; wait out a cooldown
 * only on the last alias, as a retry (an earlier alias is skipped for the next), or for timer
 * jitter; else move to the next alias. `isRetry`: the wait counts as a retry of the alias.
 */
export function decideWhenUnavailable(facts: UnavailableFacts): Extract<NextStep, { kind: 'wait' | 'next-alias' }> {
  const { next } = facts;
  const isCooldownRetry = next !== undefined && !next.isRateLimit && facts.isLastAlias && facts.retries < facts.maxRetries;
  const jitterMs = next !== undefined && !next.isRateLimit ? facts.timerJitterMs : 0;
  const waitMs = poolWaitMs(next, { isCooldownRetry, queueLeftMs: facts.queueLeftMs, jitterMs }, facts.limits);
  if (waitMs === undefined) return NEXT_ALIAS;
  return { kind: 'wait', waitMs, isRetry: isCooldownRetry && waitMs > facts.queueLeftMs };
}

const NEXT_DEPLOYMENT = { kind: 'next-deployment' } as const;
const NEXT_ALIAS = { kind: 'next-alias' } as const;
