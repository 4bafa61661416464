import { AllDeploymentsFailedError, callFailure, CircuitOpenError, TimeoutError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { ZERO_USAGE } from '../cost/add-usage.js';
import type { AttemptTimeouts } from '../policy/fallback/fallback-policy.js';
import type { DeploymentPool } from '../policy/pool/deployment-pool.js';
import type { DeploymentState } from '../policy/pool/deployment-state.js';
import { classifyError } from '../policy/retry/classify-error.js';
import { attemptRef, budgetAllows, buildResponse, checkBudget, estimateAttemptUsd, recordAttempt, sleep } from './attempt-accounting.js';
import type { AttemptHookInfo } from './attempt-hook.js';
import type { CallPlan, CallState, Candidate, CostHooks, ExecutorEnvironment } from './executor-types.js';
import { checkFallback, emitFallback, priceIndexOfAlias } from './fallback-guard.js';
import { HedgeLostError, runHedgedRace, type HedgeRace } from './hedge-race.js';
import { emitReset, resolveMidStream } from './mid-stream.js';
import { decideAfterFailure, decideWhenUnavailable, type NextStep } from './next-step.js';
import { HeaderObservers } from './header-observers.js';
import { hasAvailable, maxContextWindow, nextAvailable } from './pool-availability.js';
import { runAttempt, type AttemptFailure, type AttemptOutcome } from './run-attempt.js';
import type { ChatResponse, ProviderRequest, StreamPart } from './types.js';

type Settled = { readonly candidate: Candidate; readonly outcome: AttemptOutcome };

/** Timers may fire a millisecond or two before the clock says they are due. */
const TIMER_JITTER_MS = 25;

/**
 * The resilience loop: for each alias in the fallback chain, pick a deployment from its pool,
 * run an attempt under watchdogs (hedged when asked), and on failure retry (with backoff or the
 * server's Retry-After), fail over within the pool, or move along the chain, all inside one
 * deadline. Every attempt is recorded; the answer names the deployment that served it.
 */
export class CallExecutor {
  private readonly env: ExecutorEnvironment;
  private readonly headerObservers: HeaderObservers;

  constructor(env: ExecutorEnvironment) {
    this.env = env;
    this.headerObservers = new HeaderObservers(env.clock);
  }

  async execute(plan: CallPlan): Promise<ChatResponse> {
    const { clock, events } = this.env;
    const state: CallState = { attempts: [], errors: [], usage: ZERO_USAGE, cost: undefined, attemptNumber: 0, carriedText: '', hasReset: false, inFlightUsd: 0 };
    let previousAlias: string | undefined;
    let previousContextWindow: number | undefined;
    let lastError: ResilientLLMError | undefined;
    const primaryPrice = priceIndexOfAlias(this.env, plan.aliases[0]!);
    let isFirstPick = true;

    for (let aliasIndex = 0; aliasIndex < plan.aliases.length; aliasIndex++) {
      const alias = plan.aliases[aliasIndex]!;
      const pool = this.env.pools.get(alias)!;
      if (previousAlias !== undefined) {
        if (!lastError) continue;
        if (lastError.code === 'RLLM_CONTEXT_WINDOW_EXCEEDED') {
          const window = maxContextWindow(pool);
          if (previousContextWindow !== undefined && window !== undefined && window <= previousContextWindow) continue;
        }
        const verdict = checkFallback(this.env, plan, { from: previousAlias, to: alias, error: lastError, attempt: state.attemptNumber, primaryPrice });
        if (verdict === 'skip') continue;
        if (verdict === 'refuse') throw lastError;
        emitFallback(this.env, plan, previousAlias, alias, lastError);
      }
      previousAlias = alias;
      const tried = new Set<string>();
      const banned = new Set<string>();
      let retries = 0;
      /** Clock time this call started queueing for `alias`: `maxQueueMs` bounds the total wait, not each wait. */
      let queuedSince: number | undefined;

      for (;;) {
        if (plan.signal?.aborted) throw plan.signal.reason;
        const now = isFirstPick ? plan.plannedAt : clock.now();
        isFirstPick = false;
        if (now >= plan.deadlineAt) throw this.deadlineError(plan, state);
        const candidate = this.pickCandidate(plan, alias, pool, tried, banned, now);
        if (!candidate) {
          queuedSince ??= now;
          const step = this.whenUnavailable(plan, alias, pool, banned, aliasIndex, retries, now - queuedSince, now);
          if (step.kind === 'wait') {
            if (step.isRetry) retries++;
            await sleep(clock, step.waitMs, plan.signal);
            continue;
          }
          // A skipped alias still moves the call along the chain (the policy sees why).
          lastError ??= new CircuitOpenError(`no deployment of ${JSON.stringify(alias)} is available (circuit open, cooling down or rate-limited)`);
          break;
        }
        checkBudget(this.env, plan, state, candidate);

        const settled = plan.hedge
          ? await this.race(plan, state, candidate, tried, aliasIndex, primaryPrice)
          : await this.attempt(plan, state, candidate, undefined);
        const { outcome } = settled;
        const deployment = settled.candidate.deployment;
        if (outcome.ok) {
          this.env.pools.get(settled.candidate.alias)?.served(plan.request, settled.candidate.deployment, clock.now());
          return buildResponse(outcome.result, state, settled.candidate);
        }

        const error = outcome.error;
        if (!(error instanceof ResilientLLMError)) throw error;
        lastError = error;
        tried.add(deployment.id);
        const step = this.afterFailure(plan, outcome, error, pool, deployment, tried, aliasIndex, retries);
        if (step.kind === 'give-up') throw step.isDeadline ? this.deadlineError(plan, state, error) : error;
        // After content was emitted the policy decides: throw, restart (a `reset` part) or continue.
        if (outcome.hasEmitted && resolveMidStream(this.env, plan, state, outcome, error) === 'continue') state.carriedText += outcome.partialText;
        if (step.kind === 'next-alias') {
          previousContextWindow = deployment.contextWindow;
          break;
        }
        if (step.kind === 'retry') {
          retries++;
          if (events.has('retry')) events.emit('retry', { ...attemptRef(plan, state.attemptNumber, settled.candidate), delayMs: step.waitMs, error });
          if (step.waitMs > 0) await sleep(clock, step.waitMs, plan.signal);
          continue;
        }
        banned.add(deployment.id);
        if (hasAvailable(pool, clock.now(), banned, plan.estimatedTokens)) continue;
        break;
      }
    }
    if (state.errors.length === 0) {
      throw new AllDeploymentsFailedError(state.attempts, [], {
        cause: new CircuitOpenError('no deployment was available (circuits open, cooling down or rate-limited)'),
      });
    }
    throw callFailure(state.attempts, state.errors);
  }

  /** Waiting for availability: what to do when nothing in `pool` can take the call now. */
  private whenUnavailable(
    plan: CallPlan,
    alias: string,
    pool: DeploymentPool,
    banned: ReadonlySet<string>,
    aliasIndex: number,
    retries: number,
    queuedMs: number,
    now: number,
  ): NextStep {
    return decideWhenUnavailable({
      next: nextAvailable(pool, now, banned, plan.estimatedTokens),
      isLastAlias: aliasIndex === plan.aliases.length - 1,
      retries,
      maxRetries: plan.maxRetries,
      queueLeftMs: (this.env.maxQueueMs.get(alias) ?? 0) - queuedMs,
      timerJitterMs: TIMER_JITTER_MS,
      limits: this.waitLimits(plan, now),
    });
  }

  /** Reads the facts a failed attempt is judged on, and decides (see `decideAfterFailure`). */
  private afterFailure(
    plan: CallPlan,
    outcome: AttemptFailure,
    error: ResilientLLMError,
    pool: DeploymentPool,
    deployment: DeploymentState,
    tried: ReadonlySet<string>,
    aliasIndex: number,
    retries: number,
  ): NextStep {
    const now = this.env.clock.now();
    const facts = {
      error,
      isRefused: outcome.isRefused,
      hasEmitted: outcome.hasEmitted,
      isContentPolicyFailover: plan.policy.isContentPolicyFallback,
      isLastAlias: aliasIndex === plan.aliases.length - 1,
      hasOtherDeployment: hasAvailable(pool, now, new Set([deployment.id]), plan.estimatedTokens),
      hasOtherUntried: hasAvailable(pool, now, tried, plan.estimatedTokens),
      isBreakerOpen: !deployment.breaker.canAcquire(now),
      retries,
      maxRetries: plan.maxRetries,
      cooldownUntil: deployment.cooldownUntil,
      retry: this.env.retry,
      random: this.env.random,
      limits: this.waitLimits(plan, now),
    };
    const step = decideAfterFailure(facts);
    // A retry spends the deployment's retry budget; with the budget spent the call fails over (or
    // gives up) as if its retries here were used up, so retries cannot storm a struggling vendor.
    if (step.kind !== 'retry' || deployment.retryBudget?.tryWithdraw(now) !== false) return step;
    return decideAfterFailure({ ...facts, maxRetries: retries });
  }

  /** Picks and acquires a deployment of `pool`, or undefined when none can take the call now. */
  private pickCandidate(
    plan: CallPlan,
    alias: string,
    pool: DeploymentPool,
    tried: ReadonlySet<string>,
    banned: ReadonlySet<string>,
    now: number,
    fits?: (deployment: DeploymentState) => boolean,
  ): Candidate | undefined {
    const deployment = pool.pick({ now, random: this.env.random, exclude: tried, estimatedTokens: plan.estimatedTokens, request: plan.request });
    if (!deployment || banned.has(deployment.id)) return undefined;
    if (fits && !fits(deployment)) return undefined;
    if (!deployment.acquire(now, plan.estimatedTokens, plan.deadlineAt - now)) return undefined;
    return {
      alias,
      deployment,
      adapter: this.env.adapters.get(deployment.providerName)!,
      generation: deployment.lastPermitGeneration,
      pickedAt: now,
    };
  }

  /** Runs one attempt on `candidate` and records it. */
  private async attempt(plan: CallPlan, state: CallState, candidate: Candidate, hedge: HedgeRace<Candidate, Settled> | undefined): Promise<Settled> {
    const { clock, events } = this.env;
    const { alias, deployment, adapter } = candidate;
    state.attemptNumber++;
    const attemptNumber = state.attemptNumber;
    if (attemptNumber === 1) deployment.retryBudget?.deposit();
    if (events.has('attempt-start')) events.emit('attempt-start', attemptRef(plan, attemptNumber, candidate));
    const startPart: StreamPart | undefined =
      plan.isStream && plan.onPart
        ? { type: 'start', alias, provider: deployment.providerName, model: deployment.model, deploymentId: deployment.id }
        : undefined;
    if (startPart && !hedge) plan.onPart!(startPart);
    const startedAt = Date.now();
    let request: ProviderRequest;
    if (state.carriedText.length > 0 && adapter.capabilities.prefill === true) {
      request = { ...plan.request, model: deployment.model, messages: [...plan.request.messages, { role: 'assistant', content: state.carriedText }] };
    } else {
      if (state.carriedText.length > 0) {
        // The target cannot continue a prefix: the answer restarts, and the consumer is told.
        state.carriedText = '';
        emitReset(this.env, plan, state, 'the next deployment cannot continue a partial answer', undefined);
      }
      request = { ...plan.request, model: deployment.model };
    }
    const headers = this.env.deploymentHeaders.get(deployment.id);
    const estimateUsd = plan.maxCostUsd === undefined ? 0 : estimateAttemptUsd(this.env, plan, deployment.model);
    const hooks = this.env.attemptHooks;
    state.inFlightUsd += estimateUsd;
    const outcome = await runAttempt({
      adapter,
      request,
      transport: this.env.transport,
      clock,
      headers,
      timeouts: attemptTimeouts(plan, alias),
      deadlineAt: plan.deadlineAt,
      deadlineMs: plan.deadlineMs,
      startedAt: candidate.pickedAt,
      signal: plan.signal,
      isStream: plan.isStream,
      onResponseHeaders: this.headerObservers.for(deployment),
      onPart: plan.onPart,
      onFirstToken: this.env.onFirstToken ? () => this.env.onFirstToken!(plan.requestId, attemptNumber, deployment.id) : undefined,
      claim: hedge ? () => hedge.claim(candidate, startPart) : undefined,
      admit: this.env.admitAttempt ? () => this.env.admitAttempt!(deployment, plan.estimatedTokens) : undefined,
      controller: hedge ? hedge.tokenFor(candidate) : undefined,
      hooks,
      hookInfo: hooks ? hookInfo(plan, candidate, attemptNumber) : undefined,
    });
    state.inFlightUsd -= estimateUsd;
    recordAttempt(this.env, plan, state, candidate, outcome, attemptNumber, startedAt);
    return { candidate, outcome };
  }

  /**
   * Hedging: starts `first`; if no first token arrived after `afterMs`, starts another candidate
   * (another deployment of the pool, else a later alias that a fallback could go to) in parallel,
   * up to `maxExtra`. The first to produce content wins; the others are aborted (their sockets
   * closed, their attempts recorded). A failure is handed back to the loop: a "stop" error or the
   * caller's abort at once, any other once no attempt of the race is left running.
   */
  private race(plan: CallPlan, state: CallState, first: Candidate, tried: Set<string>, aliasIndex: number, primaryPrice: number | undefined): Promise<Settled> {
    const events = this.env.events;
    const hedge = plan.hedge!;
    return runHedgedRace<Candidate, Settled>({
      first,
      afterMs: hedge.afterMs,
      maxExtra: hedge.maxExtra,
      clock: this.env.clock,
      onPart: plan.onPart,
      start: (candidate, race) => {
        tried.add(candidate.deployment.id);
        return this.attempt(plan, state, candidate, race);
      },
      nextCandidate: () => this.hedgeCandidate(plan, state, tried, aliasIndex, primaryPrice),
      onHedge: (next) => {
        if (!events.has('hedge')) return;
        events.emit('hedge', { ...attemptRef(plan, state.attemptNumber + 1, next), afterMs: hedge.afterMs });
      },
      isFinal: (settled) => this.endsCall(plan, settled.outcome),
    });
  }

  /** Whether a failed attempt ends the call whatever else is running: the caller's abort or a "stop" error. */
  private endsCall(plan: CallPlan, outcome: AttemptOutcome): boolean {
    if (outcome.ok) return false;
    if (plan.signal?.aborted) return true;
    const error = outcome.error;
    if (!(error instanceof ResilientLLMError)) return !(error instanceof HedgeLostError);
    return classifyError(error, { isContentPolicyFailover: plan.policy.isContentPolicyFallback }) === 'stop';
  }

  /**
   * A candidate for a hedge: another deployment of the current pool, else a later alias. It passes
   * the guards a fallback passes (cost cap, `on` codes and `shouldFallback`, per-request budget,
   * counting what the running attempts may cost) and emits the same `fallback` event.
   */
  private hedgeCandidate(plan: CallPlan, state: CallState, tried: ReadonlySet<string>, aliasIndex: number, primaryPrice: number | undefined): Candidate | undefined {
    if (plan.signal?.aborted) return undefined;
    const now = this.env.clock.now();
    const fits = (deployment: DeploymentState) => budgetAllows(this.env, plan, state, deployment.model);
    const from = plan.aliases[aliasIndex]!;
    for (let index = aliasIndex; index < plan.aliases.length; index++) {
      const alias = plan.aliases[index]!;
      const pool = this.env.pools.get(alias)!;
      if (!hasAvailable(pool, now, tried, plan.estimatedTokens)) continue;
      const error = index > aliasIndex ? new TimeoutError(plan.isStream ? 'first-token' : 'attempt', plan.hedge!.afterMs) : undefined;
      if (error) {
        const verdict = checkFallback(this.env, plan, { from, to: alias, error, attempt: state.attemptNumber, primaryPrice });
        if (verdict === 'skip') continue;
        if (verdict === 'refuse') return undefined;
      }
      const candidate = this.pickCandidate(plan, alias, pool, tried, tried, now, fits);
      if (candidate && error) emitFallback(this.env, plan, from, alias, error);
      if (candidate) return candidate;
    }
    return undefined;
  }

  /** What bounds a wait on this call now. */
  private waitLimits(plan: CallPlan, now: number) {
    return { now, deadlineAt: plan.deadlineAt, maxRetryAfterMs: this.env.retry.maxRetryAfterMs };
  }
  private deadlineError(plan: CallPlan, state: CallState, error?: ResilientLLMError): ResilientLLMError {
    const timeout = error ?? new TimeoutError('total', plan.deadlineMs);
    if (state.attempts.length === 0) return timeout;
    const errors = state.errors.filter((item) => item !== timeout);
    return new AllDeploymentsFailedError(state.attempts, [...errors, timeout], { cause: errors[0] ?? timeout });
  }
}

/**
 * The alias's watchdogs. Left to its default, a `chat()` attempt's limit is the deadline's share
 * for each alias of the chain (at least the first-token limit, at most the 120 s default), so a
 * slow primary cannot spend the time the rest of the chain needs.
 */
function attemptTimeouts(plan: CallPlan, alias: string): Required<AttemptTimeouts> {
  const timeouts = plan.policy.timeoutsFor(alias);
  if (plan.isStream || plan.policy.hasAttemptTimeout(alias)) return timeouts;
  const shareMs = Math.max(timeouts.firstTokenTimeoutMs, plan.deadlineMs / plan.aliases.length);
  return shareMs < timeouts.attemptTimeoutMs ? { ...timeouts, attemptTimeoutMs: shareMs } : timeouts;
}

/** What attempt hooks are told about this attempt. */
function hookInfo(plan: CallPlan, candidate: Candidate, attempt: number): AttemptHookInfo {
  const { deployment } = candidate;
  return {
    requestId: plan.requestId,
    alias: candidate.alias,
    deploymentId: deployment.id,
    provider: deployment.providerName,
    model: deployment.model,
    attempt,
    hop: plan.aliases.indexOf(candidate.alias),
    isStream: plan.isStream,
    estimatedTokens: plan.estimatedTokens,
    priority: plan.priority,
    deadlineAt: plan.deadlineAt,
  };
}

export type { AttemptOutcome, CallPlan, CallState, Candidate, CostHooks, ExecutorEnvironment };
