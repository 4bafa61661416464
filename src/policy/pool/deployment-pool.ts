import type { DeploymentState } from './deployment-state.js';
import type { NormalizedChatRequest } from '../../client/types.js';
import { promptPrefixKey, type PromptPrefixAffinity } from './prompt-prefix-affinity.js';
import { isEligible, pickDeploymentAtTurn, POOL_STRATEGIES, type PickContext, type PoolStrategy } from './strategies.js';
import { InvalidArgumentError } from '../../errors/errors.js';

/** The deployments behind one alias, and the strategy (and round-robin counter) that picks among them. */
export class DeploymentPool {
  readonly alias: string;
  readonly deployments: readonly DeploymentState[];
  readonly strategy: PoolStrategy;
  /** Keeps a conversation on the deployment holding its warm prompt cache (`affinity: 'prompt-prefix'`). */
  readonly affinity: PromptPrefixAffinity | undefined;
  private turn = 0;

  constructor(alias: string, deployments: readonly DeploymentState[], strategy: PoolStrategy = 'weighted-random', affinity?: PromptPrefixAffinity) {
    if (!POOL_STRATEGIES.includes(strategy)) {
      throw new InvalidArgumentError(
        'strategy',
        `Expected \`strategy\` to be one of ${POOL_STRATEGIES.join(', ')}, got ${JSON.stringify(strategy)}.`,
      );
    }
    if (deployments.length === 0) {
      throw new InvalidArgumentError('deployments', `Expected alias \`${alias}\` to have at least one deployment, got none.`);
    }
    this.alias = alias;
    this.deployments = deployments;
    this.strategy = strategy;
    this.affinity = affinity;
  }

  /**
   * Picks the deployment for the next attempt (see `pickDeployment`); `undefined` when none is
   * available now. Round-robin advances one turn per pick. Takes no permit: call `acquire()` on
   * the result (it can still refuse if another call took the last permit in between).
   */
  pick(context: PickContext): DeploymentState | undefined {
    if (this.affinity !== undefined && context.request !== undefined) {
      // The deployment with the warm prefix, while it is healthy, within its limits and not yet tried.
      const warm = this.warmDeployment(context.request, context.now);
      if (warm !== undefined && isEligible(warm, context, false)) return warm;
    }
    if (this.strategy !== 'round-robin') return pickDeploymentAtTurn(this.deployments, this.strategy, context, 0);
    const turn = this.turn;
    this.turn = turn >= Number.MAX_SAFE_INTEGER ? 0 : turn + 1;
    return pickDeploymentAtTurn(this.deployments, 'round-robin', context, context.turn ?? turn);
  }

  /** The deployment that last served `request`'s conversation, while its prompt cache is warm. */
  warmDeployment(request: NormalizedChatRequest, now: number): DeploymentState | undefined {
    if (this.affinity === undefined) return undefined;
    const id = this.affinity.deploymentFor(promptPrefixKey(request), now);
    return id === undefined ? undefined : this.deployments.find((deployment) => deployment.id === id);
  }

  /** Records that `deployment` answered `request`: its conversation stays there while the cache is warm. */
  served(request: NormalizedChatRequest, deployment: DeploymentState, now: number): void {
    this.affinity?.served(promptPrefixKey(request), deployment.id, now);
  }

  /**
   * Milliseconds until some deployment could take a request of `tokens` (0 if one can now;
   * `Infinity` if none ever can). For deciding whether to queue (up to `maxQueueMs`) or fail over.
   */
  waitTimeMs(now: number, tokens = 0): number {
    let waitMs = Infinity;
    for (let index = 0; index < this.deployments.length; index++) {
      waitMs = Math.min(waitMs, this.deployments[index]!.waitTimeMs(now, tokens));
      if (waitMs === 0) return 0;
    }
    return waitMs;
  }
}
