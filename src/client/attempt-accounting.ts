import { BudgetExceededError } from '../errors/errors.js';
import { breakerVerdictFor } from '../policy/circuit-breaker/is-deployment-failure.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { addUsage } from '../cost/add-usage.js';
import type { Clock } from '../providers/provider.js';
import type { AbortSignalLike } from '../transport/abort-token.js';
import type { CallPlan, CallState, Candidate, ExecutorEnvironment } from './executor-types.js';
import { HedgeLostError } from './hedge-race.js';
import type { AttemptOutcome } from './run-attempt.js';
import type { EventMap } from '../events/events.js';
import type { AssistantMessage, Attempt, ChatResponse, GenerateResult, Usage } from './types.js';
import { formatUsd } from '../cost/format-usd.js';

/** Which attempt an event is about; built only when someone listens. */
export function attemptRef(plan: CallPlan, attempt: number, candidate: Candidate) {
  const { deployment } = candidate;
  return {
    requestId: plan.requestId,
    attempt,
    alias: candidate.alias,
    provider: deployment.providerName,
    model: deployment.model,
    deploymentId: deployment.id,
  };
}

/** Ends the attempt on its deployment, and adds it to the call's accounting and events. */
export function recordAttempt(
  env: ExecutorEnvironment,
  plan: CallPlan,
  state: CallState,
  candidate: Candidate,
  outcome: AttemptOutcome,
  attemptNumber: number,
  startedAt: number,
): void {
  const { clock, events } = env;
  const { alias, deployment } = candidate;
  if (outcome.ok) {
    deployment.endRequest('success', candidate.generation, outcome.endedAt);
    deployment.recordLatency(outcome.timeToFirstTokenMs ?? outcome.latencyMs);
    const usage = outcome.result.usage;
    if (plan.estimatedTokens > 0 && usage.totalTokens > 0) deployment.limiter.settle(plan.estimatedTokens, usage.totalTokens, outcome.endedAt);
    const cost = accountUsage(env, plan, state, candidate, usage, false);
    const attempt: { -readonly [K in keyof Attempt]: Attempt[K] } = {
      alias,
      provider: deployment.providerName,
      model: outcome.result.model ?? deployment.model,
      deploymentId: deployment.id,
      outcome: 'success',
      latencyMs: outcome.latencyMs,
      usage,
      startedAt,
    };
    if (outcome.timeToFirstTokenMs !== undefined) attempt.timeToFirstTokenMs = outcome.timeToFirstTokenMs;
    if (cost !== undefined) attempt.cost = cost;
    state.attempts.push(attempt);
    if (events.has('attempt-end')) {
      // Built field by field, not from spreads: with a listener (telemetry) this runs on every call.
      const event: { -readonly [K in keyof EventMap['attempt-end']]: EventMap['attempt-end'][K] } = attemptRef(plan, attemptNumber, candidate) as EventMap['attempt-end'];
      event.outcome = 'success';
      event.latencyMs = outcome.latencyMs;
      if (outcome.timeToFirstTokenMs !== undefined) event.timeToFirstTokenMs = outcome.timeToFirstTokenMs;
      event.usage = usage;
      events.emit('attempt-end', event);
    }
    return;
  }
  const error = outcome.error;
  // An attempt a hook refused was never sent: like a local refusal, it gives its permits back.
  if (outcome.isRefused) deployment.cancel(plan.estimatedTokens, candidate.generation);
  else deployment.endRequest(breakerVerdictFor(error), candidate.generation);
  const isLibraryError = error instanceof ResilientLLMError && !isCancellation(error);
  const usage = outcome.result?.usage ?? outcome.usage;
  const cost = accountUsage(env, plan, state, candidate, usage, isLibraryError);
  const record: Attempt = {
    alias,
    provider: deployment.providerName,
    model: deployment.model,
    deploymentId: deployment.id,
    outcome: isLibraryError ? 'error' : 'aborted',
    ...(isLibraryError ? { errorCode: error.code } : {}),
    ...(isLibraryError && error.status !== undefined ? { status: error.status } : {}),
    latencyMs: outcome.latencyMs,
    ...(outcome.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: outcome.timeToFirstTokenMs } : {}),
    ...(usage ? { usage } : {}),
    ...(cost !== undefined ? { cost } : {}),
    startedAt,
  };
  state.attempts.push(record);
  if (!isLibraryError) {
    // Cancelled (a lost hedge, the caller's abort, the client closing): it ends, it did not fail.
    if (events.has('attempt-end')) {
      events.emit('attempt-end', {
        ...attemptRef(plan, attemptNumber, candidate),
        outcome: 'aborted',
        reason: error,
        latencyMs: outcome.latencyMs,
        ...(outcome.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: outcome.timeToFirstTokenMs } : {}),
        ...(usage ? { usage } : {}),
      });
    }
    return;
  }
  state.errors.push(error);
  deployment.recordError(error.code, error.message, clock.now());
  if (events.has('attempt-error')) events.emit('attempt-error', { ...attemptRef(plan, attemptNumber, candidate), latencyMs: outcome.latencyMs, error, attemptRecord: record });
  if (error.retryAfterMs !== undefined && (error.code === 'RLLM_RATE_LIMITED' || error.code === 'RLLM_OVERLOADED')) {
    // Every concurrent call sees this: the cooldown lives on the shared deployment state.
    const untilMs = clock.now() + error.retryAfterMs;
    if (deployment.coolDown(untilMs, error.code) && events.has('cooldown')) {
      events.emit('cooldown', { deploymentId: deployment.id, untilMs, reason: error.code });
    }
  }
}

/**
 * Whether an attempt's error is a cancellation rather than a failure of its deployment: a lost
 * hedge, the caller's own abort (any non-library reason), or the client closing.
 */
export function isCancellation(error: unknown): boolean {
  if (error instanceof HedgeLostError) return true;
  if (!(error instanceof ResilientLLMError)) return true;
  return (error.code as string) === 'RLLM_CLIENT_CLOSED';
}

/** Adds one attempt's usage and cost to the call, the budget's running spend and the ledger. */
export function accountUsage(env: ExecutorEnvironment, plan: CallPlan, state: CallState, candidate: Candidate, usage: Usage | undefined, isError: boolean): number | undefined {
  const cost = usage ? env.cost.costOf(candidate.deployment.model, usage) : undefined;
  if (usage) state.usage = addUsage(state.usage, usage);
  if (cost !== undefined) {
    state.cost = (state.cost ?? 0) + cost;
    plan.spending.usd += cost;
  }
  env.ledger.record({ alias: candidate.alias, deploymentId: candidate.deployment.id, tenant: plan.tenant, usage, cost, isError });
  return cost;
}

/** USD one attempt of this call may cost on `model`; 0 when it cannot be priced. */
export function estimateAttemptUsd(env: ExecutorEnvironment, plan: CallPlan, model: string): number {
  return env.cost.estimateOf(model, plan.estimatedTokens, plan.request.maxTokens) ?? 0;
}

/**
 * Whether one more attempt on `model` fits the per-request budget, counting what the call spent
 * and what its running attempts (a hedged race) may still cost.
 */
export function budgetAllows(env: ExecutorEnvironment, plan: CallPlan, state: CallState, model: string): boolean {
  if (plan.maxCostUsd === undefined) return true;
  const estimate = env.cost.estimateOf(model, plan.estimatedTokens, plan.request.maxTokens);
  return estimate === undefined || (state.cost ?? 0) + state.inFlightUsd + estimate <= plan.maxCostUsd;
}

/** Refuses the next attempt when it could take the call past its per-request budget. */
export function checkBudget(env: ExecutorEnvironment, plan: CallPlan, state: CallState, candidate: Candidate): void {
  if (plan.maxCostUsd === undefined) return;
  const estimate = env.cost.estimateOf(candidate.deployment.model, plan.estimatedTokens, plan.request.maxTokens);
  if (estimate === undefined) return;
  const spent = state.cost ?? 0;
  if (spent + estimate > plan.maxCostUsd) {
    // Nothing was sent: the rate-limit tokens the pick took go back.
    candidate.deployment.cancel(plan.estimatedTokens, candidate.generation);
    throw new BudgetExceededError(
      `this call has spent ${formatUsd(spent)} and the next attempt may cost ${formatUsd(estimate)}, over the per-request budget of ${formatUsd(plan.maxCostUsd)}`,
      plan.maxCostUsd,
      spent + estimate,
    );
  }
}

/** The response for the attempt that served, with the whole call's usage, cost and attempts. */
export function buildResponse(result: GenerateResult, state: CallState, candidate: Candidate): ChatResponse {
  const text = state.carriedText.length > 0 ? state.carriedText + result.text : result.text;
  const { alias, deployment } = candidate;
  const message: { -readonly [K in keyof AssistantMessage]: AssistantMessage[K] } = { role: 'assistant', content: text.length > 0 ? text : null };
  if (result.toolCalls.length > 0) message.toolCalls = result.toolCalls;
  if (result.reasoning.length > 0) message.reasoning = result.reasoning;
  if (result.messageMetadata !== undefined) message.providerMetadata = result.messageMetadata;
  // Built field by field: optional fields are absent rather than undefined, without the
  // temporary objects of conditional spreads on the hot path.
  const response: { -readonly [K in keyof ChatResponse]: ChatResponse[K] } = {
    text,
    reasoning: result.reasoning,
    toolCalls: result.toolCalls,
    incompleteToolCalls: result.incompleteToolCalls ?? [],
    finishReason: result.finishReason,
    usage: state.usage,
    alias,
    provider: deployment.providerName,
    model: result.model ?? deployment.model,
    attempts: state.attempts,
    message,
  };
  if (result.refusal !== undefined) response.refusal = result.refusal;
  if (result.rawFinishReason !== undefined) response.rawFinishReason = result.rawFinishReason;
  if (state.cost !== undefined) response.cost = state.cost;
  if (result.requestId !== undefined) response.requestId = result.requestId;
  if (result.responseId !== undefined) response.responseId = result.responseId;
  if (state.hasReset || state.carriedText.length > 0) patchedResponses.add(response);
  return response;
}

/** Answers whose stream was reset or stitched from two attempts. */
const patchedResponses = new WeakSet<ChatResponse>();

/**
 * Whether the consumer of this answer's stream saw a `reset`, or its text was stitched from two
 * attempts (`midStream: 'continue'`): such an answer is never cached.
 */
export function isPatchedResponse(response: ChatResponse): boolean {
  return patchedResponses.has(response);
}

/** Waits `ms` on `clock`; rejects with the signal's reason if it aborts first. */
export function sleep(clock: Clock, ms: number, signal: AbortSignalLike | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal!.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
