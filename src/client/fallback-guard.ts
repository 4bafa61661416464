import type { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { stablePrefixTokens } from '../policy/pool/prompt-prefix-affinity.js';
import type { CallPlan, ExecutorEnvironment } from './executor-types.js';

/** Whether a call may move to another alias: `skip` it (cost cap), `refuse` (stop there), or `allow`. */
export type FallbackVerdict = 'allow' | 'skip' | 'refuse';

/** The dearest known price index among `alias`'s deployments, for the fallback cost cap. */
export function priceIndexOfAlias(env: ExecutorEnvironment, alias: string): number | undefined {
  const pool = env.pools.get(alias);
  if (!pool) return undefined;
  let max: number | undefined;
  for (const deployment of pool.deployments) {
    const price = env.cost.priceIndexOf(deployment.model);
    if (price !== undefined) max = Math.max(max ?? 0, price);
  }
  return max;
}

/**
 * The primary's price index for this request, counting the prompt cache a move would lose: when a
 * primary deployment holds the conversation's warm prefix (prompt-prefix affinity), that share of
 * the prompt is priced at its cache-read rate, so a fallback must be cheap enough against that.
 */
export function warmPrimaryPrice(env: ExecutorEnvironment, plan: CallPlan, primaryPrice: number): number {
  const pool = env.pools.get(plan.aliases[0]!);
  if (pool?.affinity === undefined) return primaryPrice;
  const warm = pool.warmDeployment(plan.request, env.clock.now());
  if (warm === undefined) return primaryPrice;
  const fraction = stablePrefixTokens(plan.request) / Math.max(1, plan.estimatedTokens);
  return env.cost.priceIndexOf(warm.model, fraction) ?? primaryPrice;
}

/**
 * The guards every move to another alias passes, a fallback after a failure and a hedge alike:
 * the cost cap (`maxCostMultiplier` over the primary's price) skips the alias; the policy (`on`
 * codes and `shouldFallback`) may refuse the move. The caller emits `fallback` once it moves.
 */
export function checkFallback(
  env: ExecutorEnvironment,
  plan: CallPlan,
  move: { readonly from: string; readonly to: string; readonly error: ResilientLLMError; readonly attempt: number; readonly primaryPrice: number | undefined },
): FallbackVerdict {
  const multiplier = plan.policy.maxCostMultiplier;
  if (multiplier !== undefined && move.primaryPrice !== undefined) {
    const price = priceIndexOfAlias(env, move.to);
    if (price !== undefined && price > warmPrimaryPrice(env, plan, move.primaryPrice) * multiplier) return 'skip';
  }
  if (!plan.policy.allows({ error: move.error, fromAlias: move.from, toAlias: move.to, attempt: move.attempt })) return 'refuse';
  return 'allow';
}

/** Tells listeners the call moved to another alias. */
export function emitFallback(env: ExecutorEnvironment, plan: CallPlan, from: string, to: string, error: ResilientLLMError): void {
  if (env.events.has('fallback')) env.events.emit('fallback', { requestId: plan.requestId, from, to, error });
}
