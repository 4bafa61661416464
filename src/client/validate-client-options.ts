import { InvalidArgumentError } from '../errors/errors.js';
import { validateCircuitBreakerOptions } from '../policy/circuit-breaker/circuit-breaker.js';
import { expectInteger, expectOneOf } from '../policy/validate-option.js';
import type { ClientOptions, DeploymentConfig, PoolConfig } from './client-options.js';

const STRATEGIES = new Set(['weighted-random', 'round-robin', 'least-busy', 'lowest-latency', 'most-headroom']);

function fail(field: string, expected: string, received: unknown): never {
  const got =
    received === undefined ? 'undefined' : typeof received === 'string' ? JSON.stringify(received) : Array.isArray(received) ? 'an array' : typeof received === 'object' && received !== null ? 'an object' : String(received);
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be ${expected}, got ${got}.`);
}

function checkPositive(field: string, value: unknown, isInteger = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (isInteger && !Number.isInteger(value))) {
    fail(field, isInteger ? 'a non-negative integer' : 'a non-negative number', value);
  }
}

/** Normalizes an alias's config to a list of deployments plus pool settings. */
export function deploymentsOf(config: ClientOptions['models'][string]): { deployments: readonly DeploymentConfig[]; pool: Omit<PoolConfig, 'deployments'> } {
  if (Array.isArray(config)) return { deployments: config as readonly DeploymentConfig[], pool: {} };
  if (typeof config === 'object' && config !== null && 'deployments' in config) {
    const { deployments, ...pool } = config as PoolConfig;
    return { deployments, pool };
  }
  return { deployments: [config as DeploymentConfig], pool: {} };
}

/** Checks client options once, eagerly, with messages that name the field. */
const STATE_STORE_METHODS = ['get', 'set', 'increment', 'delete'] as const;

export function validateClientOptions(options: ClientOptions): void {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const providers = options.providers;
  if (typeof providers !== 'object' || providers === null || Object.keys(providers).length === 0) {
    fail('providers', 'an object with at least one adapter', providers);
  }
  for (const [name, adapter] of Object.entries(providers)) {
    if (typeof adapter !== 'object' || adapter === null || typeof adapter.doGenerate !== 'function' || typeof adapter.doStream !== 'function') {
      fail(`providers.${name}`, 'a provider adapter (e.g. openai({ apiKey }))', adapter);
    }
  }
  const models = options.models;
  if (typeof models !== 'object' || models === null || Object.keys(models).length === 0) {
    fail('models', 'an object with at least one alias', models);
  }
  for (const [alias, config] of Object.entries(models)) {
    if (alias === 'auto') fail('models.auto', 'not defined ("auto" is reserved for the router)', 'an alias');
    if (typeof config !== 'object' || config === null) fail(`models.${alias}`, 'a deployment, an array of deployments or a pool', config);
    const { deployments, pool } = deploymentsOf(config);
    if (!Array.isArray(deployments) || deployments.length === 0) fail(`models.${alias}`, 'at least one deployment', deployments);
    if (pool.strategy !== undefined && !STRATEGIES.has(pool.strategy)) {
      fail(`models.${alias}.strategy`, `one of ${[...STRATEGIES].join(', ')}`, pool.strategy);
    }
    checkPositive(`models.${alias}.maxQueueMs`, pool.maxQueueMs);
    if (pool.affinity !== undefined) validateAffinity(`models.${alias}.affinity`, pool.affinity);
    deployments.forEach((deployment, index) => {
      const field = deployments.length === 1 && !Array.isArray(config) && !('deployments' in config) ? `models.${alias}` : `models.${alias}.${index}`;
      if (typeof deployment !== 'object' || deployment === null) fail(field, 'a deployment { provider, model }', deployment);
      if (typeof deployment.provider !== 'string' || !(deployment.provider in providers)) {
        fail(`${field}.provider`, `one of ${Object.keys(providers).map((key) => JSON.stringify(key)).join(', ')}`, deployment.provider);
      }
      if (typeof deployment.model !== 'string' || deployment.model.length === 0) fail(`${field}.model`, 'a model id', deployment.model);
      if (deployment.weight !== undefined && !(typeof deployment.weight === 'number' && deployment.weight > 0)) {
        fail(`${field}.weight`, 'a positive number', deployment.weight);
      }
      checkPositive(`${field}.rpm`, deployment.rpm);
      checkPositive(`${field}.tpm`, deployment.tpm);
      checkPositive(`${field}.contextWindow`, deployment.contextWindow, true);
    });
  }
  if (options.deadlineMs !== undefined && !(typeof options.deadlineMs === 'number' && options.deadlineMs > 0)) {
    fail('deadlineMs', 'a positive number of milliseconds', options.deadlineMs);
  }
  const retry = options.retry;
  if (retry !== undefined) {
    checkPositive('retry.maxRetries', retry.maxRetries, true);
    checkPositive('retry.baseDelayMs', retry.baseDelayMs);
    checkPositive('retry.maxDelayMs', retry.maxDelayMs);
    checkPositive('retry.maxRetryAfterMs', retry.maxRetryAfterMs);
  }
  if (options.breaker !== undefined) validateCircuitBreakerOptions(options.breaker, 'breaker.');
  const store = options.stateStore;
  if (store !== undefined && !STATE_STORE_METHODS.every((method) => typeof (store as unknown as Record<string, unknown> | null)?.[method] === 'function')) {
    fail('stateStore', 'a StateStore with get, set, increment and delete (e.g. new MemoryStateStore())', store);
  }
  if (options.hedge !== undefined) {
    if (!(typeof options.hedge.afterMs === 'number' && options.hedge.afterMs > 0)) fail('hedge.afterMs', 'a positive number of milliseconds', options.hedge.afterMs);
    if (options.hedge.maxExtra !== undefined && !(Number.isInteger(options.hedge.maxExtra) && options.hedge.maxExtra >= 1)) {
      fail('hedge.maxExtra', 'a positive integer', options.hedge.maxExtra);
    }
  }
}

function validateAffinity(field: string, affinity: unknown): void {
  if (affinity === 'prompt-prefix') return;
  if (typeof affinity !== 'object' || affinity === null) fail(field, "'prompt-prefix' or { type: 'prompt-prefix', ttlMs?, maxEntries? }", affinity);
  const { type, ttlMs, maxEntries } = affinity as { type?: unknown; ttlMs?: unknown; maxEntries?: unknown };
  expectOneOf(`${field}.type`, type, ['prompt-prefix']);
  if (ttlMs !== undefined) expectInteger(`${field}.ttlMs`, ttlMs, 1);
  if (maxEntries !== undefined) expectInteger(`${field}.maxEntries`, maxEntries, 1);
}
