import { FallbackPolicy, NO_FALLBACK } from '../policy/fallback/fallback-policy.js';
import type { AbortSignalLike } from '../transport/abort-token.js';
import type { CallOptions, HedgeOptions } from './client-options.js';
import type { CallPlan, CostHooks } from './executor-types.js';
import type { ModelRegistry } from './model-registry.js';
import type { NormalizedChatRequest, StreamPart } from './types.js';

/** The client's defaults a call's plan starts from; built once per client. */
export type PlanDefaults = {
  readonly policy: FallbackPolicy;
  readonly registry: ModelRegistry;
  readonly deadlineMs: number;
  readonly maxRetries: number;
  readonly hedge: HedgeOptions | undefined;
  readonly maxCostUsd: number | undefined;
};

/** One call's particulars, as `run()` gathered them. */
export type PlanInput = {
  readonly request: NormalizedChatRequest;
  readonly options: CallOptions;
  readonly requestId: string;
  readonly isStream: boolean;
  readonly onPart: ((part: StreamPart) => void) | undefined;
  readonly signal: AbortSignalLike | undefined;
  readonly estimatedTokens: number;
  readonly spending: { usd: number };
  /** A deadline shared with other calls (the tool-repair loop), if any. */
  readonly deadlineAt: number | undefined;
  /** Clock time now. */
  readonly now: number;
};

/** Resolves a call's options over the client's defaults into the plan the executor runs. */
export function buildCallPlan(defaults: PlanDefaults, input: PlanInput): CallPlan {
  const { options, request } = input;
  const policy =
    options.fallback === false
      ? NO_FALLBACK
      : options.fallback === undefined
        ? defaults.policy
        : options.fallback instanceof FallbackPolicy
          ? options.fallback
          : new FallbackPolicy(options.fallback);
  if (policy !== defaults.policy && policy !== NO_FALLBACK) defaults.registry.checkPolicy(policy);
  const deadlineMs = options.deadlineMs ?? defaults.deadlineMs;
  const hedge = options.hedge === false ? undefined : (options.hedge ?? defaults.hedge);
  return {
    requestId: input.requestId,
    request,
    aliases: policy.chainFor(request.model),
    policy,
    maxRetries: options.maxRetries ?? defaults.maxRetries,
    deadlineAt: input.deadlineAt ?? input.now + deadlineMs,
    deadlineMs,
    signal: input.signal,
    isStream: input.isStream,
    onPart: input.onPart,
    hedge: hedge ? { afterMs: hedge.afterMs, maxExtra: hedge.maxExtra ?? 1 } : undefined,
    estimatedTokens: input.estimatedTokens,
    maxCostUsd: defaults.maxCostUsd,
    tenant: options.tenant,
    spending: input.spending,
    plannedAt: input.now,
    priority: options.priority,
  };
}

/** The dearest deployment of the plan's first alias, for the budget to reserve. */
export function estimateFirstAttempt(registry: ModelRegistry, cost: CostHooks, plan: CallPlan): number | undefined {
  let estimate: number | undefined;
  for (const deployment of registry.pools.get(plan.aliases[0]!)!.deployments) {
    const usd = cost.estimateOf(deployment.model, plan.estimatedTokens, plan.request.maxTokens);
    if (usd !== undefined) estimate = Math.max(estimate ?? 0, usd);
  }
  return estimate;
}
