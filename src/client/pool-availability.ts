import type { DeploymentPool } from '../policy/pool/deployment-pool.js';

/** Whether any deployment of `pool`, other than `excluded` ones, can take a request of `tokens` now. */
export function hasAvailable(pool: DeploymentPool, now: number, excluded: ReadonlySet<string>, tokens: number): boolean {
  for (const deployment of pool.deployments) {
    if (!excluded.has(deployment.id) && deployment.isAvailable(now, tokens)) return true;
  }
  return false;
}

/**
 * How long until some deployment not in `excluded` could take the request, counting only cooldowns
 * (Retry-After) and rate limits: an open circuit fails fast, it is not waited for. `isRateLimit`
 * says the soonest one waits for rate-limit headroom (bounded by `maxQueueMs`), not a cooldown.
 */
export function nextAvailable(
  pool: DeploymentPool,
  now: number,
  excluded: ReadonlySet<string>,
  tokens: number,
): { readonly waitMs: number; readonly isRateLimit: boolean } | undefined {
  let waitMs = Infinity;
  let isRateLimit = false;
  for (const deployment of pool.deployments) {
    if (excluded.has(deployment.id)) continue;
    const reason = deployment.unavailableReason(now, tokens);
    if (reason === 'circuit-open') continue;
    const wait = deployment.waitTimeMs(now, tokens);
    if (wait < waitMs) {
      waitMs = wait;
      isRateLimit = reason === 'rate-limited';
    }
  }
  return Number.isFinite(waitMs) ? { waitMs, isRateLimit } : undefined;
}

/** The largest declared context window in `pool`, if every deployment declares one. */
export function maxContextWindow(pool: DeploymentPool): number | undefined {
  let max = 0;
  for (const deployment of pool.deployments) {
    if (deployment.contextWindow === undefined) return undefined;
    max = Math.max(max, deployment.contextWindow);
  }
  return max;
}
