import type { DeploymentState } from './deployment-state.js';
import { pickDeploymentAtTurn, POOL_STRATEGIES, type PickContext, type PoolStrategy } from './strategies.js';
import { InvalidArgumentError } from '../../errors/errors.js';

/** The deployments behind one alias, and the strategy (and round-robin counter) that picks among them. */
export class DeploymentPool {
  readonly alias: string;
  readonly deployments: readonly DeploymentState[];
  readonly strategy: PoolStrategy;
  private turn = 0;

  constructor(alias: string, deployments: readonly DeploymentState[], strategy: PoolStrategy = 'weighted-random') {
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
  }

  /**
   * Picks the deployment for the next attempt (see `pickDeployment`); `undefined` when none is
   * available now. Round-robin advances one turn per pick. Takes no permit: call `acquire()` on
   * the result (it can still refuse if another call took the last permit in between).
   */
  pick(context: PickContext): DeploymentState | undefined {
    if (this.strategy !== 'round-robin') return pickDeploymentAtTurn(this.deployments, this.strategy, context, 0);
    const turn = this.turn;
    this.turn = turn >= Number.MAX_SAFE_INTEGER ? 0 : turn + 1;
    return pickDeploymentAtTurn(this.deployments, 'round-robin', context, context.turn ?? turn);
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
