import { InvalidArgumentError } from '../errors/errors.js';
import type { EventHub } from '../events/events.js';
import type { FallbackPolicy } from '../policy/fallback/fallback-policy.js';
import { DeploymentPool } from '../policy/pool/deployment-pool.js';
import { DeploymentState, type DeploymentSnapshot } from '../policy/pool/deployment-state.js';
import { StateScope } from '../state/state-scope.js';
import type { Clock, ProviderAdapter, ProviderCapabilities } from '../providers/provider.js';
import type { ClientOptions } from './client-options.js';
import { deploymentsOf } from './validate-client-options.js';
import { PromptPrefixAffinity } from '../policy/pool/prompt-prefix-affinity.js';

/** The client's resolved models: one pool per alias, one shared state per deployment. */
export type ModelRegistry = {
  readonly pools: ReadonlyMap<string, DeploymentPool>;
  /** Adapters by provider name. */
  readonly adapters: ReadonlyMap<string, ProviderAdapter>;
  readonly deploymentHeaders: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Each pool's `maxQueueMs`, by alias, where set. */
  readonly maxQueueMs: ReadonlyMap<string, number>;
  /** Checks a fallback policy against the models: unknown aliases, capability gaps. */
  checkPolicy(policy: FallbackPolicy): void;
  health(now: number): DeploymentSnapshot[];
  /** Reads every deployment's shared state, then syncs the store when it mirrors a shared backend. */
  pullSharedState(now: number): Promise<void>;
};

const CAPABILITIES = ['tools', 'images', 'jsonOutput'] as const satisfies readonly (keyof ProviderCapabilities)[];

/** Builds pools and deployment states from the client options. */
export function buildModelRegistry(
  options: ClientOptions,
  clock: Clock,
  events: EventHub,
  state: StateScope,
  contextWindowOf: (model: string) => number | undefined = () => undefined,
): ModelRegistry {
  const adapters = new Map<string, ProviderAdapter>(Object.entries(options.providers));
  const pools = new Map<string, DeploymentPool>();
  const deploymentHeaders = new Map<string, Readonly<Record<string, string>>>();
  const maxQueueMs = new Map<string, number>();
  const usedIds = new Set<string>();
  const deploymentScope = state.child('deployment');
  for (const [alias, config] of Object.entries(options.models)) {
    const { deployments, pool } = deploymentsOf(config);
    if (pool.maxQueueMs !== undefined) maxQueueMs.set(alias, pool.maxQueueMs);
    const states = deployments.map((deployment) => {
      let id = deployment.id ?? `${alias}/${deployment.provider}/${deployment.model}`;
      if (usedIds.has(id)) {
        if (deployment.id !== undefined) {
          throw new InvalidArgumentError(`models.${alias}`, `Expected deployment ids to be unique, got ${JSON.stringify(id)} twice.`);
        }
        let suffix = 2;
        while (usedIds.has(`${id}#${suffix}`)) suffix++;
        id = `${id}#${suffix}`;
      }
      usedIds.add(id);
      if (deployment.headers) deploymentHeaders.set(id, deployment.headers);
      const contextWindow = deployment.contextWindow ?? contextWindowOf(deployment.model);
      return new DeploymentState({
        id,
        alias,
        providerName: deployment.provider,
        model: deployment.model,
        ...(deployment.weight !== undefined ? { weight: deployment.weight } : {}),
        ...(contextWindow !== undefined ? { contextWindow } : {}),
        ...(options.breaker ? { breaker: options.breaker } : {}),
        rateLimit: {
          ...(deployment.rpm !== undefined ? { rpm: deployment.rpm } : {}),
          ...(deployment.tpm !== undefined ? { tpm: deployment.tpm } : {}),
        },
        clock,
        scope: deploymentScope.child(id),
      });
    });
    const affinity =
      pool.affinity === undefined
        ? undefined
        : new PromptPrefixAffinity(pool.affinity === 'prompt-prefix' ? {} : { ...(pool.affinity.ttlMs !== undefined ? { ttlMs: pool.affinity.ttlMs } : {}), ...(pool.affinity.maxEntries !== undefined ? { maxEntries: pool.affinity.maxEntries } : {}) });
    for (const state of states) {
      const deploymentId = state.id;
      state.breaker.on('state-change', ({ from, to, reason }) => {
        if (events.has('circuit-state')) events.emit('circuit-state', { deploymentId, from, to, reason });
      });
    }
    pools.set(alias, new DeploymentPool(alias, states, pool.strategy ?? 'weighted-random', affinity));
  }

  const capabilitiesOf = (alias: string): { capabilities: Required<Pick<ProviderCapabilities, 'tools' | 'images' | 'jsonOutput'>>; contextWindow: number | undefined } => {
    const pool = pools.get(alias)!;
    const capabilities = { tools: true, images: true, jsonOutput: true };
    let contextWindow: number | undefined = Infinity;
    for (const deployment of pool.deployments) {
      const adapter = adapters.get(deployment.providerName)!;
      for (const capability of CAPABILITIES) if (adapter.capabilities[capability] === false) capabilities[capability] = false;
      contextWindow = deployment.contextWindow === undefined || contextWindow === undefined ? undefined : Math.min(contextWindow, deployment.contextWindow);
    }
    return { capabilities, contextWindow };
  };

  return {
    pools,
    adapters,
    deploymentHeaders,
    maxQueueMs,
    checkPolicy(policy) {
      const problems: string[] = [];
      for (const alias of policy.chain) {
        if (!pools.has(alias)) problems.push(`unknown alias ${JSON.stringify(alias)} (known: ${[...pools.keys()].join(', ')})`);
      }
      if (problems.length === 0) {
        for (let index = 0; index < policy.chain.length - 1; index++) {
          const primary = policy.chain[index]!;
          const primaryInfo = capabilitiesOf(primary);
          for (const fallback of policy.chain.slice(index + 1)) {
            const info = capabilitiesOf(fallback);
            for (const capability of CAPABILITIES) {
              if (primaryInfo.capabilities[capability] && !info.capabilities[capability]) {
                problems.push(`${JSON.stringify(fallback)} lacks ${capability}, which ${JSON.stringify(primary)} has`);
              }
            }
            if (primaryInfo.contextWindow !== undefined && info.contextWindow !== undefined && info.contextWindow < primaryInfo.contextWindow) {
              problems.push(
                `${JSON.stringify(fallback)} has a smaller context window (${info.contextWindow}) than ${JSON.stringify(primary)} (${primaryInfo.contextWindow})`,
              );
            }
          }
        }
      }
      if (problems.length > 0 && (policy.shouldCheckCapabilities || problems.some((problem) => problem.startsWith('unknown')))) {
        throw new InvalidArgumentError('fallback.chain', `The fallback chain ${policy.chain.join(' → ')} is invalid: ${problems.join('; ')}.`);
      }
    },
    health(now) {
      const snapshots: DeploymentSnapshot[] = [];
      for (const pool of pools.values()) for (const deployment of pool.deployments) snapshots.push(deployment.snapshot(now));
      return snapshots;
    },
    async pullSharedState(now) {
      this.health(now); // a snapshot reads every key a deployment keeps, so a mirror pulls them all
      await state.store.sync?.();
    },
  };
}

/** The adapter kind serving `alias` when all its deployments share one (tool schemas differ per vendor). */
export function vendorKindOf(registry: ModelRegistry, alias: string): string | undefined {
  const pool = registry.pools.get(alias);
  if (!pool) return undefined;
  let kind: string | undefined;
  for (const deployment of pool.deployments) {
    const adapterKind = registry.adapters.get(deployment.providerName)?.kind;
    if (kind !== undefined && adapterKind !== kind) return undefined;
    kind = adapterKind;
  }
  return kind;
}

/** The smallest context window among `alias`'s deployments, if every one declares it. */
export function contextWindowOf(registry: ModelRegistry, alias: string): number | undefined {
  const pool = registry.pools.get(alias);
  if (!pool) return undefined;
  let window: number | undefined;
  for (const deployment of pool.deployments) {
    if (deployment.contextWindow === undefined) return undefined;
    window = Math.min(window ?? Infinity, deployment.contextWindow);
  }
  return window;
}
