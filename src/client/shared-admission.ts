import { RateLimitError } from '../errors/errors.js';
import { SHARED_LIMIT_PROVIDER_CODE } from '../policy/circuit-breaker/is-deployment-failure.js';
import type { DeploymentPool } from '../policy/pool/deployment-pool.js';
import type { DeploymentState } from '../policy/pool/deployment-state.js';
import type { Clock } from '../shared/clock.js';
import { windowRemainingMs, windowSlotKey, type QuotaClaim, type SharedStateStore } from '../state/quota-claim.js';
import { KEY_SEPARATOR } from '../state/state-scope.js';
import type { ClientOptions } from './client-options.js';
import { deploymentsOf } from './validate-client-options.js';

/** Counts an attempt against its deployment's shared limits before it is sent; rejects when over. */
export type AttemptAdmission = (deployment: DeploymentState, estimatedTokens: number) => Promise<void> | undefined;

const MINUTE_MS = 60_000;

/**
 * With a `SharedStateStore`, each attempt on a deployment with `rpm`/`tpm` is counted in the
 * store atomically (one round trip) before it is sent, so the limits hold exactly across every
 * process, not only eventually as the local buckets do. Over the limit, the attempt fails with a
 * `RateLimitError` (no breaker verdict) whose `retryAfterMs` is the rest of the minute: the
 * deployment cools down and the call fails over, as after a vendor's 429, but nothing was sent.
 * Undefined when no deployment has a limit.
 */
export function sharedAttemptAdmission(
  store: SharedStateStore,
  options: ClientOptions,
  pools: ReadonlyMap<string, DeploymentPool>,
  clock: Clock,
): AttemptAdmission | undefined {
  const limits = new Map<string, { readonly rpm?: number; readonly tpm?: number; readonly base: string }>();
  for (const [alias, config] of Object.entries(options.models)) {
    const { deployments } = deploymentsOf(config);
    const states = pools.get(alias)?.deployments ?? [];
    deployments.forEach((deployment, index) => {
      const state = states[index];
      if (!state || (deployment.rpm === undefined && deployment.tpm === undefined)) return;
      limits.set(state.id, {
        ...(deployment.rpm !== undefined ? { rpm: deployment.rpm } : {}),
        ...(deployment.tpm !== undefined ? { tpm: deployment.tpm } : {}),
        base: `admission${KEY_SEPARATOR}${state.id}${KEY_SEPARATOR}`,
      });
    });
  }
  if (limits.size === 0) return undefined;
  return (deployment, estimatedTokens) => {
    const limit = limits.get(deployment.id);
    if (limit === undefined) return undefined;
    const wallMs = clock.now() + (clock.timeOrigin ?? 0);
    const claims: QuotaClaim[] = [];
    if (limit.rpm !== undefined) claims.push({ key: windowSlotKey(`${limit.base}rpm`, MINUTE_MS, wallMs), amount: 1, limit: limit.rpm, ttlMs: MINUTE_MS });
    if (limit.tpm !== undefined) {
      claims.push({ key: windowSlotKey(`${limit.base}tpm`, MINUTE_MS, wallMs), amount: Math.max(1, estimatedTokens), limit: limit.tpm, ttlMs: MINUTE_MS });
    }
    return store.reserve(claims).then((refused) => {
      if (refused < 0) return;
      const kind = claims[refused]!.key.includes(`${KEY_SEPARATOR}rpm${KEY_SEPARATOR}`) ? 'rpm' : 'tpm';
      throw new RateLimitError(`the ${kind} shared by every process is spent; nothing was sent`, {
        provider: deployment.providerName,
        model: deployment.model,
        retryAfterMs: windowRemainingMs(MINUTE_MS, wallMs),
        providerCode: SHARED_LIMIT_PROVIDER_CODE,
      });
    });
  };
}
