import type { EventHub } from '../events/events.js';
import { TimeoutError } from '../errors/errors.js';
import type { ResilientLLMError } from '../errors/resilient-llm-error.js';
import type { LimitVerdict } from '../policy/admission/adaptive-limit.js';
import { DeploymentAdmission } from '../policy/admission/deployment-admission.js';
import { priorityValue } from '../policy/admission/priority-queue.js';
import { RetryBudget } from '../policy/admission/retry-budget.js';
import { SHARED_LIMIT_PROVIDER_CODE } from '../policy/circuit-breaker/is-deployment-failure.js';
import type { DeploymentPool } from '../policy/pool/deployment-pool.js';
import type { Clock } from '../shared/clock.js';
import type { AdmissionOptions } from './admission-options.js';
import type { AttemptHook } from './attempt-hook.js';

/** What admission adds to the executor: the gate as an attempt hook, and where first tokens are reported. */
export type ClientAdmission = {
  readonly hook: AttemptHook;
  readonly onFirstToken: (requestId: string, attempt: number, deploymentId: string) => void;
};

/** One admitted attempt, from its admission at the gate to its end event. */
type AdmittedAttempt = { readonly admittedAt: number; readonly waitedMs: number; hasFirstToken: boolean };

/**
 * Gives each deployment its retry budget and, with `concurrency`, its admission gate, and returns
 * the attempt hook that gates attempts (undefined without `concurrency`). The gate learns latency
 * at each attempt's first token (`onFirstToken`, from the executor), so the limit reacts a whole
 * generation sooner than it would at the attempt's end, and overload from the client's
 * `attempt-error` events. Limits and budgets are this process's own, even with a shared
 * `stateStore`: an in-flight count shared through an eventually synced store would be stale by a
 * sync interval, and AIMD clients that each react to the same 429s and latency converge on fair
 * shares without talking (the argument behind TCP congestion control).
 */
export function buildAdmission(
  options: AdmissionOptions | undefined,
  pools: ReadonlyMap<string, DeploymentPool>,
  clock: Clock,
  events: EventHub,
): ClientAdmission | undefined {
  const budget = options?.retryBudget;
  const concurrency = options?.concurrency;
  const gates = new Map<string, DeploymentAdmission>();
  for (const pool of pools.values()) {
    for (const deployment of pool.deployments) {
      if (budget !== false) deployment.retryBudget = new RetryBudget(budget ?? {});
      if (concurrency === undefined || concurrency === false) continue;
      const gate = new DeploymentAdmission(deployment.id, concurrency === true ? {} : concurrency, clock, (change, admission) => {
        if (events.has('admission')) events.emit('admission', { deploymentId: admission.deploymentId, limit: admission.limit, inFlight: admission.inFlight, queued: admission.queued, ...change });
      });
      deployment.admission = gate;
      gates.set(deployment.id, gate);
    }
  }
  if (gates.size === 0) return undefined;
  // Times count from admission at the gate, not from the pick: a wait at the gate is not latency.
  const admitted = new Map<string, AdmittedAttempt>();
  const keyOf = (requestId: string, attempt: number) => `${requestId}#${attempt}`;
  const onFirstToken = (requestId: string, attempt: number, deploymentId: string): void => {
    const record = admitted.get(keyOf(requestId, attempt));
    const gate = gates.get(deploymentId);
    if (record === undefined || gate === undefined || record.hasFirstToken) return;
    record.hasFirstToken = true;
    const now = clock.now();
    gate.observe('success', now - record.admittedAt, record.admittedAt, now);
  };
  events.on('attempt-end', (event) => {
    const key = keyOf(event.requestId, event.attempt);
    const record = admitted.get(key);
    admitted.delete(key);
    // An answer whose first token was never reported (a mock adapter's whole answer at once) teaches the limit here.
    if (event.outcome !== 'success' || record === undefined || record.hasFirstToken) return;
    const now = clock.now();
    const latencyMs = (event.timeToFirstTokenMs ?? event.latencyMs) - record.waitedMs;
    gates.get(event.deploymentId)?.observe('success', latencyMs, record.admittedAt, now);
  });
  events.on('attempt-error', (event) => {
    const key = keyOf(event.requestId, event.attempt);
    const record = admitted.get(key);
    admitted.delete(key);
    if (record === undefined || !isOverload(event.error)) return;
    gates.get(event.deploymentId)?.observe('overload', undefined, record.admittedAt, clock.now());
  });
  const hook: AttemptHook = async (context, next) => {
    const gate = gates.get(context.deploymentId);
    if (gate === undefined) return next();
    const priority = priorityValue(context.priority);
    const queuedAt = clock.now();
    if (!gate.tryAcquire(priority)) {
      const waiting = gate.acquire(priority, context.deadlineAt, context.signal, queuedAt);
      if (waiting !== undefined) await waiting;
    }
    const admittedAt = clock.now();
    admitted.set(keyOf(context.requestId, context.attempt), { admittedAt, waitedMs: admittedAt - queuedAt, hasFirstToken: false });
    let isSuccess = false;
    try {
      const result = await next();
      isSuccess = true;
      return result;
    } finally {
      gate.release(isSuccess, admittedAt, clock.now(), priority);
    }
  };
  return { hook, onFirstToken };
}

/** 429 from the vendor (not a client-side shared limit), 503/529, or no first token in time. */
function isOverload(error: ResilientLLMError): boolean {
  if (error.code === 'RLLM_RATE_LIMITED') return error.providerCode !== SHARED_LIMIT_PROVIDER_CODE;
  if (error.code === 'RLLM_OVERLOADED') return true;
  return error instanceof TimeoutError && error.phase === 'first-token';
}
