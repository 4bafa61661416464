import type { NormalizedChatRequest } from '../../client/types.js';
import type { DeploymentState } from './deployment-state.js';

/**
 * How a pool chooses among its healthy deployments:
 * - `weighted-random`: at random, in proportion to `weight`;
 * - `round-robin`: each in turn;
 * - `least-busy`: the fewest requests in flight (ties: weighted random);
 * - `lowest-latency`: the lowest moving average of time to first token (unmeasured ones first);
 * - `most-headroom`: the largest remaining fraction of its rate limits (ties: weighted random).
 */
export type PoolStrategy = 'weighted-random' | 'round-robin' | 'least-busy' | 'lowest-latency' | 'most-headroom';

export const POOL_STRATEGIES: readonly PoolStrategy[] = [
  'weighted-random',
  'round-robin',
  'least-busy',
  'lowest-latency',
  'most-headroom',
];

/** What one pick needs to know. Reuse one object per call; nothing here is retained. */
export type PickContext = {
  /** Clock time of the pick. */
  readonly now: number;
  /** A source of uniform numbers in [0, 1). */
  readonly random: () => number;
  /**
   * Ids already tried in this call: others are preferred, but a tried one is returned when it is
   * the only healthy deployment left.
   */
  readonly exclude?: ReadonlySet<string>;
  /** Estimated tokens of the request (prompt plus expected output), checked against rate limits. */
  readonly estimatedTokens?: number;
  /**
   * Skip deployments whose declared context window is smaller than this (after a context-window
   * error: the smallest window that could help). Deployments without a declared window are kept.
   */
  readonly minContextWindow?: number;
  /** The round-robin turn (`DeploymentPool` keeps the counter). @default 0 */
  readonly turn?: number;
  /** The request, for pools with prompt-prefix affinity (read only when the pool has one). */
  readonly request?: NormalizedChatRequest;
};

/** Whether `deployment` can take the pick's request now (excluded ones only when `isExcludedAllowed`). */
export function isEligible(deployment: DeploymentState, context: PickContext, isExcludedAllowed: boolean): boolean {
  if (!isExcludedAllowed && context.exclude !== undefined && context.exclude.has(deployment.id)) return false;
  const minContextWindow = context.minContextWindow;
  if (minContextWindow !== undefined && deployment.contextWindow !== undefined && deployment.contextWindow < minContextWindow) {
    return false;
  }
  return deployment.isAvailable(context.now, context.estimatedTokens ?? 0);
}

/**
 * Picks the deployment for the next attempt, or `undefined` when none is available (every one is
 * cooling down, has an open circuit, has no rate-limit headroom, or is too small). Deployments not
 * in `context.exclude` are preferred. Pure apart from calling `context.random`; allocates nothing.
 */
export function pickDeployment(
  candidates: readonly DeploymentState[],
  strategy: PoolStrategy,
  context: PickContext,
): DeploymentState | undefined {
  return pickDeploymentAtTurn(candidates, strategy, context, context.turn ?? 0);
}

/** `pickDeployment` with the round-robin turn passed apart, so a pool need not copy its context. */
export function pickDeploymentAtTurn(
  candidates: readonly DeploymentState[],
  strategy: PoolStrategy,
  context: PickContext,
  turn: number,
): DeploymentState | undefined {
  const hasExclusions = context.exclude !== undefined && context.exclude.size > 0;
  const picked = pickAmong(candidates, strategy, context, turn, false);
  if (picked !== undefined || !hasExclusions) return picked;
  return pickAmong(candidates, strategy, context, turn, true);
}

function pickAmong(
  candidates: readonly DeploymentState[],
  strategy: PoolStrategy,
  context: PickContext,
  turn: number,
  isExcludedAllowed: boolean,
): DeploymentState | undefined {
  switch (strategy) {
    case 'weighted-random':
      return pickWeightedRandom(candidates, context, isExcludedAllowed);
    case 'round-robin':
      return pickRoundRobin(candidates, context, turn, isExcludedAllowed);
    case 'least-busy':
    case 'lowest-latency':
    case 'most-headroom':
      return pickBest(candidates, strategy, context, isExcludedAllowed);
  }
}

function pickWeightedRandom(candidates: readonly DeploymentState[], context: PickContext, isExcludedAllowed: boolean): DeploymentState | undefined {
  // One pass with weighted reservoir sampling: the k-th eligible replaces the choice with
  // probability weight / running total, which ends proportional to weight.
  let chosen: DeploymentState | undefined;
  let totalWeight = 0;
  for (let index = 0; index < candidates.length; index++) {
    const deployment = candidates[index]!;
    if (!isEligible(deployment, context, isExcludedAllowed)) continue;
    totalWeight += deployment.weight;
    if (chosen === undefined || context.random() * totalWeight < deployment.weight) chosen = deployment;
  }
  return chosen;
}

function pickRoundRobin(
  candidates: readonly DeploymentState[],
  context: PickContext,
  turn: number,
  isExcludedAllowed: boolean,
): DeploymentState | undefined {
  const count = candidates.length;
  if (count === 0) return undefined;
  const start = turn % count;
  // Start at this turn's slot and take the first eligible one after it.
  for (let offset = 0; offset < count; offset++) {
    const deployment = candidates[(start + offset) % count]!;
    if (isEligible(deployment, context, isExcludedAllowed)) return deployment;
  }
  return undefined;
}

/** Lower is better. Unmeasured latency scores -1 so it is explored first. */
function score(deployment: DeploymentState, strategy: 'least-busy' | 'lowest-latency' | 'most-headroom', now: number): number {
  if (strategy === 'least-busy') return deployment.inFlight;
  if (strategy === 'lowest-latency') return deployment.timeToFirstTokenMs ?? -1;
  return -deployment.limiter.headroom(now);
}

function pickBest(
  candidates: readonly DeploymentState[],
  strategy: 'least-busy' | 'lowest-latency' | 'most-headroom',
  context: PickContext,
  isExcludedAllowed: boolean,
): DeploymentState | undefined {
  let chosen: DeploymentState | undefined;
  let bestScore = Infinity;
  let tieWeight = 0;
  for (let index = 0; index < candidates.length; index++) {
    const deployment = candidates[index]!;
    if (!isEligible(deployment, context, isExcludedAllowed)) continue;
    const deploymentScore = score(deployment, strategy, context.now);
    if (deploymentScore < bestScore) {
      chosen = deployment;
      bestScore = deploymentScore;
      tieWeight = deployment.weight;
    } else if (deploymentScore === bestScore) {
      // Ties are broken at random in proportion to weight (weighted reservoir sampling).
      tieWeight += deployment.weight;
      if (context.random() * tieWeight < deployment.weight) chosen = deployment;
    }
  }
  return chosen;
}
