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

/**
 * Gives each deployment its retry budget and, with `concurrency`, its admission gate, and returns
 * the attempt hook that gates attempts (undefined without `concurrency`). The gate learns from the
 * client's `attempt-end`/`attempt-error` events: they carry the time to first token the hook does
 * not see. Limits and budgets are this process's own, even with a shared `stateStore`: an in-flight
 * count shared through an eventually synced store would be stale by a sync interval, and AIMD
 * clients that each react to the same 429s and latency converge on fair shares without talking
 * (the argument behind TCP congestion control).
 */
export function buildAdmission(
  options: AdmissionOptions | undefined,
  pools: ReadonlyMap<string, DeploymentPool>,
  clock: Clock,
  events: EventHub,
): AttemptHook | undefined {
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
  // An attempt's times count from its pick, so they include its wait at the gate: taken out here.
  const waits = new Map<string, number>();
  const learn = (event: { readonly requestId: string; readonly attempt: number; readonly deploymentId: string; readonly latencyMs: number }, verdict: LimitVerdict, timeToFirstTokenMs: number | undefined) => {
    const gate = gates.get(event.deploymentId);
    if (gate === undefined) return;
    const key = `${event.requestId}#${event.attempt}`;
    const waitedMs = waits.get(key) ?? 0;
    if (waitedMs > 0) waits.delete(key);
    const now = clock.now();
    gate.observe(verdict, timeToFirstTokenMs === undefined ? undefined : timeToFirstTokenMs - waitedMs, now - event.latencyMs + waitedMs, now);
  };
  events.on('attempt-end', (event) => {
    if (event.outcome === 'success') learn(event, 'success', event.timeToFirstTokenMs ?? event.latencyMs);
    else waits.delete(`${event.requestId}#${event.attempt}`);
  });
  events.on('attempt-error', (event) => {
    if (isOverload(event.error)) learn(event, 'overload', undefined);
    else waits.delete(`${event.requestId}#${event.attempt}`);
  });
  return async (context, next) => {
    const gate = gates.get(context.deploymentId);
    if (gate === undefined) return next();
    const priority = priorityValue(context.priority);
    if (!gate.tryAcquire(priority)) {
      const queuedAt = clock.now();
      const waiting = gate.acquire(priority, context.deadlineAt, context.signal, queuedAt);
      if (waiting !== undefined) {
        await waiting;
        waits.set(`${context.requestId}#${context.attempt}`, clock.now() - queuedAt);
      }
    }
    const admittedAt = clock.now();
    let isSuccess = false;
    try {
      const result = await next();
      isSuccess = true;
      return result;
    } finally {
      gate.release(isSuccess, admittedAt, clock.now());
    }
  };
}

/** 429 from the vendor (not a client-side shared limit), 503/529, or no first token in time. */
function isOverload(error: ResilientLLMError): boolean {
  if (error.code === 'RLLM_RATE_LIMITED') return error.providerCode !== SHARED_LIMIT_PROVIDER_CODE;
  if (error.code === 'RLLM_OVERLOADED') return true;
  return error instanceof TimeoutError && error.phase === 'first-token';
}
