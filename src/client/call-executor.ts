import { AllDeploymentsFailedError, StreamInterruptedError, TimeoutError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import type { EventHub } from '../events/events.js';
import type { FallbackPolicy } from '../policy/fallback/fallback-policy.js';
import type { DeploymentPool } from '../policy/pool/deployment-pool.js';
import type { DeploymentState } from '../policy/pool/deployment-state.js';
import { breakerVerdictFor } from '../policy/circuit-breaker/is-deployment-failure.js';
import { classifyError } from '../policy/retry/classify-error.js';
import { retryDelayMs } from '../policy/retry/retry-delay.js';
import type { Clock, ProviderAdapter } from '../providers/provider.js';
import type { AbortSignalLike } from '../transport/abort-token.js';
import type { Transport } from '../transport/transport.js';
import type { RetryOptions } from './client-options.js';
import { runAttempt, type AttemptFailure, type AttemptOutcome } from './run-attempt.js';
import type {
  Attempt,
  ChatRequest,
  ChatResponse,
  GenerateResult,
  ProviderRequest,
  StreamPart,
  Usage,
} from './types.js';

/** What the executor needs from the client; built once per client. */
export type ExecutorEnvironment = {
  readonly pools: ReadonlyMap<string, DeploymentPool>;
  readonly adapters: ReadonlyMap<string, ProviderAdapter>;
  readonly deploymentHeaders: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: () => number;
  readonly events: EventHub;
  readonly retry: Required<RetryOptions>;
  readonly hedge: { readonly afterMs: number; readonly maxExtra: number } | undefined;
  /** Cost in USD of one attempt's usage on a model, when its price is known. */
  readonly costOf: (model: string, usage: Usage) => number | undefined;
};

/** One call, as the client prepared it. */
export type CallPlan = {
  readonly requestId: string;
  readonly request: ChatRequest;
  readonly aliases: readonly string[];
  readonly policy: FallbackPolicy;
  readonly maxRetries: number;
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  readonly signal: AbortSignalLike | undefined;
  readonly isStream: boolean;
  readonly onPart: ((part: StreamPart) => void) | undefined;
};

const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

function addUsage(total: Usage, usage: Usage): Usage {
  const cached = (total.cachedInputTokens ?? 0) + (usage.cachedInputTokens ?? 0);
  const reasoning = (total.reasoningTokens ?? 0) + (usage.reasoningTokens ?? 0);
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
    totalTokens: total.totalTokens + usage.totalTokens,
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
  };
}

/** Whether any deployment of `pool`, other than `excluded` ones, can take a request now. */
function hasAvailable(pool: DeploymentPool, now: number, excluded: ReadonlySet<string>): boolean {
  for (const deployment of pool.deployments) {
    if (!excluded.has(deployment.id) && deployment.isAvailable(now)) return true;
  }
  return false;
}

/** Milliseconds until some deployment not in `excluded` could take a request; undefined if never. */
function nextAvailableInMs(pool: DeploymentPool, now: number, excluded: ReadonlySet<string>): number | undefined {
  let waitMs = Infinity;
  for (const deployment of pool.deployments) {
    if (!excluded.has(deployment.id)) waitMs = Math.min(waitMs, deployment.waitTimeMs(now));
  }
  return Number.isFinite(waitMs) ? waitMs : undefined;
}

/** The largest declared context window in `pool`, if every deployment declares one. */
function maxContextWindow(pool: DeploymentPool): number | undefined {
  let max = 0;
  for (const deployment of pool.deployments) {
    if (deployment.contextWindow === undefined) return undefined;
    max = Math.max(max, deployment.contextWindow);
  }
  return max;
}

/**
 * The resilience loop: for each alias in the fallback chain, pick a deployment from its pool,
 * run an attempt under watchdogs, and on failure retry (with backoff or the server's
 * Retry-After), fail over within the pool, or move along the chain, all inside one deadline.
 */
export class CallExecutor {
  private readonly env: ExecutorEnvironment;

  constructor(env: ExecutorEnvironment) {
    this.env = env;
  }

  async execute(plan: CallPlan): Promise<ChatResponse> {
    const env = this.env;
    const { clock, events } = env;
    const attempts: Attempt[] = [];
    const errors: ResilientLLMError[] = [];
    let usageTotal = ZERO_USAGE;
    let costTotal: number | undefined;
    let attemptNumber = 0;
    /** Text already emitted to the consumer and kept (mid-stream `continue`). */
    let carriedText = '';
    let previousAlias: string | undefined;
    let previousContextWindow: number | undefined;
    let lastError: ResilientLLMError | undefined;

    for (let aliasIndex = 0; aliasIndex < plan.aliases.length; aliasIndex++) {
      const alias = plan.aliases[aliasIndex]!;
      const pool = env.pools.get(alias)!;
      if (previousAlias !== undefined && lastError) {
        if (lastError.code === 'RLLM_CONTEXT_WINDOW_EXCEEDED') {
          const window = maxContextWindow(pool);
          if (previousContextWindow !== undefined && window !== undefined && window <= previousContextWindow) continue;
        }
        if (!plan.policy.allows({ error: lastError, fromAlias: previousAlias, toAlias: alias, attempt: attemptNumber })) {
          throw lastError;
        }
        if (events.has('fallback')) events.emit('fallback', { requestId: plan.requestId, from: previousAlias, to: alias, error: lastError });
      }
      previousAlias = alias;
      const timeouts = plan.policy.timeoutsFor(alias);
      const tried = new Set<string>();
      const banned = new Set<string>();
      let retries = 0;

      for (;;) {
        if (plan.signal?.aborted) throw plan.signal.reason;
        const now = clock.now();
        if (now >= plan.deadlineAt) throw this.deadlineError(plan, attempts, errors);
        let deployment = pool.pick({ now, random: env.random, exclude: tried });
        if (deployment && banned.has(deployment.id)) deployment = undefined;
        if (!deployment || !deployment.acquire(now)) {
          // Everything in this pool is cooling down or open: wait for the soonest, if allowed.
          const waitMs = nextAvailableInMs(pool, now, banned);
          if (
            waitMs !== undefined &&
            retries < plan.maxRetries &&
            waitMs <= env.retry.maxRetryAfterMs &&
            now + waitMs < plan.deadlineAt
          ) {
            retries++;
            await this.sleep(Math.max(1, waitMs), plan.signal);
            continue;
          }
          break;
        }

        const adapter = env.adapters.get(deployment.providerName)!;
        attemptNumber++;
        const attemptRef = {
          requestId: plan.requestId,
          attempt: attemptNumber,
          alias,
          provider: deployment.providerName,
          model: deployment.model,
          deploymentId: deployment.id,
        };
        if (events.has('attempt-start')) events.emit('attempt-start', attemptRef);
        if (plan.onPart && plan.isStream) {
          plan.onPart({ type: 'start', alias, provider: deployment.providerName, model: deployment.model, deploymentId: deployment.id });
        }
        const startedAt = Date.now();
        const request: ProviderRequest =
          carriedText.length > 0 && adapter.capabilities.prefill === true
            ? { ...plan.request, model: deployment.model, messages: [...plan.request.messages, { role: 'assistant', content: carriedText }] }
            : { ...plan.request, model: deployment.model };
        if (carriedText.length > 0 && adapter.capabilities.prefill !== true) {
          // The target cannot continue a prefix: the answer restarts, and the consumer is told.
          carriedText = '';
          this.emitReset(plan, 'the next deployment cannot continue a partial answer', undefined);
        }
        const outcome = await runAttempt({
          adapter,
          request,
          transport: env.transport,
          clock,
          headers: env.deploymentHeaders.get(deployment.id),
          timeouts,
          deadlineAt: plan.deadlineAt,
          deadlineMs: plan.deadlineMs,
          signal: plan.signal,
          isStream: plan.isStream,
          ...(plan.onPart ? { onPart: plan.onPart } : {}),
        });

        if (outcome.ok) {
          deployment.endRequest('success');
          if (outcome.timeToFirstTokenMs !== undefined) deployment.recordLatency(outcome.timeToFirstTokenMs);
          else deployment.recordLatency(outcome.latencyMs);
          const usage = outcome.result.usage;
          const cost = env.costOf(deployment.model, usage);
          usageTotal = addUsage(usageTotal, usage);
          if (cost !== undefined) costTotal = (costTotal ?? 0) + cost;
          const record: Attempt = {
            alias,
            provider: deployment.providerName,
            model: outcome.result.model ?? deployment.model,
            deploymentId: deployment.id,
            outcome: 'success',
            latencyMs: outcome.latencyMs,
            ...(outcome.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: outcome.timeToFirstTokenMs } : {}),
            usage,
            ...(cost !== undefined ? { cost } : {}),
            startedAt,
          };
          attempts.push(record);
          if (events.has('attempt-end')) {
            events.emit('attempt-end', {
              ...attemptRef,
              latencyMs: outcome.latencyMs,
              ...(outcome.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: outcome.timeToFirstTokenMs } : {}),
              usage,
            });
          }
          return this.buildResponse(outcome.result, carriedText, alias, deployment, attempts, usageTotal, costTotal);
        }

        // The attempt failed.
        const failure = outcome;
        deployment.endRequest(breakerVerdictFor(failure.error));
        if (!(failure.error instanceof ResilientLLMError)) throw failure.error;
        const error = failure.error;
        deployment.recordError(error.code, error.message, clock.now());
        errors.push(error);
        lastError = error;
        const failedUsage = failure.result?.usage;
        const failedCost = failedUsage ? env.costOf(deployment.model, failedUsage) : undefined;
        if (failedUsage) usageTotal = addUsage(usageTotal, failedUsage);
        if (failedCost !== undefined) costTotal = (costTotal ?? 0) + failedCost;
        const record: Attempt = {
          alias,
          provider: deployment.providerName,
          model: deployment.model,
          deploymentId: deployment.id,
          outcome: 'error',
          errorCode: error.code,
          ...(error.status !== undefined ? { status: error.status } : {}),
          latencyMs: failure.latencyMs,
          ...(failure.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: failure.timeToFirstTokenMs } : {}),
          ...(failedUsage ? { usage: failedUsage } : {}),
          ...(failedCost !== undefined ? { cost: failedCost } : {}),
          startedAt,
        };
        attempts.push(record);
        if (events.has('attempt-error')) {
          events.emit('attempt-error', { ...attemptRef, latencyMs: failure.latencyMs, error, attemptRecord: record });
        }
        if (error.retryAfterMs !== undefined && (error.code === 'RLLM_RATE_LIMITED' || error.code === 'RLLM_OVERLOADED')) {
          // Every concurrent call sees this: the cooldown lives on the shared deployment state.
          deployment.coolDown(clock.now() + error.retryAfterMs, error.code);
          if (events.has('cooldown')) {
            events.emit('cooldown', { deploymentId: deployment.id, untilMs: clock.now() + error.retryAfterMs, reason: error.code });
          }
        }

        let decision = classifyError(error, { isContentPolicyFailover: plan.policy.isContentPolicyFallback });
        if (decision === 'stop') {
          if (error instanceof TimeoutError && error.phase === 'total') throw this.deadlineError(plan, attempts, errors, error);
          throw error;
        }
        if (failure.hasEmitted) {
          const resolution = this.resolveMidStream(plan, failure, error);
          if (resolution === 'continue') carriedText += failure.partialText;
          // Restarting or continuing happens elsewhere: never on the deployment that just failed.
          decision = 'failover';
        }
        if (error.code === 'RLLM_CONTEXT_WINDOW_EXCEEDED') {
          previousContextWindow = deployment.contextWindow;
          break;
        }
        tried.add(deployment.id);
        if (decision === 'retry' && retries < plan.maxRetries) {
          const timeLeftMs = plan.deadlineAt - clock.now();
          const delay = retryDelayMs(
            error,
            retries,
            {
              baseMs: env.retry.baseDelayMs,
              maxMs: env.retry.maxDelayMs,
              maxRetryAfterMs: env.retry.maxRetryAfterMs,
              timeLeftMs,
            },
            env.random,
          );
          if (delay !== undefined) {
            retries++;
            if (events.has('retry')) events.emit('retry', { ...attemptRef, delayMs: delay, error });
            // With another healthy deployment in the pool, go there now; the wait is for the same one.
            if (!hasAvailable(pool, clock.now(), tried)) await this.sleep(delay, plan.signal);
            continue;
          }
        }
        banned.add(deployment.id);
        if (hasAvailable(pool, clock.now(), banned)) continue;
        break;
      }
    }
    if (errors.length === 0) {
      throw new AllDeploymentsFailedError(attempts, [], {
        cause: new ResilientLLMError('RLLM_CIRCUIT_OPEN', 'no deployment was available (circuits open or cooling down)', false),
      });
    }
    throw new AllDeploymentsFailedError(attempts, errors);
  }

  private resolveMidStream(plan: CallPlan, failure: AttemptFailure, error: ResilientLLMError): 'restart' | 'continue' {
    const policy = plan.policy.midStream;
    if (policy === 'error') {
      throw new StreamInterruptedError(`stream failed after output was emitted: ${error.message}`, failure.partialText, {
        cause: error,
        ...(error.provider !== undefined ? { provider: error.provider } : {}),
        ...(error.model !== undefined ? { model: error.model } : {}),
      });
    }
    if (policy === 'continue' && !failure.hasPartialToolCall && failure.partialText.length > 0) return 'continue';
    this.emitReset(plan, `restarting after ${error.code}`, error.code);
    return 'restart';
  }

  private emitReset(plan: CallPlan, reason: string, errorCode: string | undefined): void {
    plan.onPart?.({ type: 'reset', reason, ...(errorCode !== undefined ? { errorCode } : {}) });
    if (this.env.events.has('stream-reset')) {
      this.env.events.emit('stream-reset', { requestId: plan.requestId, reason, ...(errorCode !== undefined ? { errorCode } : {}) });
    }
  }

  private deadlineError(
    plan: CallPlan,
    attempts: readonly Attempt[],
    errors: readonly ResilientLLMError[],
    error?: ResilientLLMError,
  ): ResilientLLMError {
    const timeout = error ?? new TimeoutError('total', plan.deadlineMs);
    if (attempts.length === 0) return timeout;
    return new AllDeploymentsFailedError(attempts, [...errors.filter((item) => item !== timeout), timeout], {
      cause: errors[0] ?? timeout,
    });
  }

  private buildResponse(
    result: GenerateResult,
    carriedText: string,
    alias: string,
    deployment: DeploymentState,
    attempts: readonly Attempt[],
    usage: Usage,
    cost: number | undefined,
  ): ChatResponse {
    const text = carriedText.length > 0 ? carriedText + result.text : result.text;
    return {
      text,
      reasoning: result.reasoning,
      toolCalls: result.toolCalls,
      incompleteToolCalls: result.incompleteToolCalls ?? [],
      ...(result.refusal !== undefined ? { refusal: result.refusal } : {}),
      finishReason: result.finishReason,
      ...(result.rawFinishReason !== undefined ? { rawFinishReason: result.rawFinishReason } : {}),
      usage,
      ...(cost !== undefined ? { cost } : {}),
      alias,
      provider: deployment.providerName,
      model: result.model ?? deployment.model,
      ...(result.requestId !== undefined ? { requestId: result.requestId } : {}),
      attempts,
      message: {
        role: 'assistant',
        content: text.length > 0 ? text : null,
        ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
        ...(result.reasoning.length > 0 ? { reasoning: result.reasoning } : {}),
      },
    };
  }

  private sleep(ms: number, signal: AbortSignalLike | undefined): Promise<void> {
    const clock = this.env.clock;
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
}

export type { AttemptOutcome };
