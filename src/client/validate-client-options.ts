import type { CircuitBreakerOptions } from '../policy/circuit-breaker/circuit-breaker.js';
import { validateCircuitBreakerOptions } from '../policy/circuit-breaker/circuit-breaker.js';
import {
  expectDurationMs,
  expectFunction,
  expectInteger,
  expectKnownKeys,
  expectNumber,
  expectObject,
  expectOneOf,
  failOption,
  optionKeys,
} from '../policy/validate-option.js';
import { validatePriority } from '../policy/admission/priority-queue.js';
import { validateAdmissionOptions } from './admission-options.js';
import type { CallOptions, ClientOptions, DeploymentConfig, HedgeOptions, PoolConfig, RetryOptions } from './client-options.js';

const STRATEGIES = ['weighted-random', 'round-robin', 'least-busy', 'lowest-latency', 'most-headroom'] as const;

const CLIENT_KEYS = optionKeys<ClientOptions>()(
  'providers',
  'models',
  'fallback',
  'retry',
  'deadlineMs',
  'hedge',
  'transport',
  'fetch',
  'breaker',
  'cache',
  'router',
  'prices',
  'budget',
  'stateStore',
  'admission',
  'clock',
  'random',
  'generateId',
  'attemptHooks',
);
const DEPLOYMENT_KEYS = optionKeys<DeploymentConfig>()('provider', 'model', 'weight', 'id', 'headers', 'rpm', 'tpm', 'contextWindow');
const POOL_KEYS = optionKeys<PoolConfig>()('deployments', 'strategy', 'maxQueueMs', 'affinity');
const AFFINITY_KEYS = new Set(['type', 'ttlMs', 'maxEntries']);
const RETRY_KEYS = optionKeys<RetryOptions>()('maxRetries', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs');
const HEDGE_KEYS = optionKeys<HedgeOptions>()('afterMs', 'maxExtra');
const BREAKER_KEYS = optionKeys<CircuitBreakerOptions>()(
  'consecutiveFailures',
  'failureRateThreshold',
  'minimumRequests',
  'windowMs',
  'windowBuckets',
  'openMs',
  'halfOpenSuccesses',
  'probeLeaseMs',
);
const CALL_KEYS = optionKeys<CallOptions>()('signal', 'deadlineMs', 'maxRetries', 'fallback', 'cache', 'tenant', 'hedge', 'metadata', 'coalesce', 'priority');
const STATE_STORE_METHODS = ['get', 'set', 'increment', 'delete'] as const;

/** Normalizes an alias's config to a list of deployments plus pool settings. */
export function deploymentsOf(config: ClientOptions['models'][string]): { deployments: readonly DeploymentConfig[]; pool: Omit<PoolConfig, 'deployments'> } {
  if (Array.isArray(config)) return { deployments: config as readonly DeploymentConfig[], pool: {} };
  if (typeof config === 'object' && config !== null && 'deployments' in config) {
    const { deployments, ...pool } = config as PoolConfig;
    return { deployments, pool };
  }
  return { deployments: [config as DeploymentConfig], pool: {} };
}

function checkNonNegative(field: string, value: unknown, isInteger = false): void {
  if (value === undefined) return;
  if (isInteger) expectInteger(field, value, 0);
  else expectNumber(field, value, 0);
}

/** Checks a retry settings object (client `retry`). */
export function validateRetryOptions(retry: unknown, path = 'retry'): void {
  expectObject(path, retry);
  expectKnownKeys(retry, RETRY_KEYS, path);
  checkNonNegative(`${path}.maxRetries`, retry.maxRetries, true);
  checkNonNegative(`${path}.baseDelayMs`, retry.baseDelayMs);
  checkNonNegative(`${path}.maxDelayMs`, retry.maxDelayMs);
  checkNonNegative(`${path}.maxRetryAfterMs`, retry.maxRetryAfterMs);
}

/** Checks a hedge settings object (client or call `hedge`). */
export function validateHedgeOptions(hedge: unknown, path = 'hedge'): void {
  expectObject(path, hedge);
  expectKnownKeys(hedge, HEDGE_KEYS, path);
  expectDurationMs(`${path}.afterMs`, hedge.afterMs);
  if (hedge.maxExtra !== undefined) expectInteger(`${path}.maxExtra`, hedge.maxExtra, 1);
}

function validateDeployment(deployment: unknown, field: string, providers: Readonly<Record<string, unknown>>): void {
  if (typeof deployment !== 'object' || deployment === null || Array.isArray(deployment)) failOption(field, 'a deployment { provider, model }', deployment);
  expectKnownKeys(deployment, DEPLOYMENT_KEYS, field);
  const { provider, model, weight, rpm, tpm, contextWindow, id, headers } = deployment as Record<string, unknown>;
  if (typeof provider !== 'string' || !Object.hasOwn(providers, provider)) {
    failOption(`${field}.provider`, `one of ${Object.keys(providers).map((key) => JSON.stringify(key)).join(', ')}`, provider);
  }
  if (typeof model !== 'string' || model.length === 0) failOption(`${field}.model`, 'a model id', model);
  if (weight !== undefined) expectNumber(`${field}.weight`, weight, 0, true);
  checkNonNegative(`${field}.rpm`, rpm);
  checkNonNegative(`${field}.tpm`, tpm);
  checkNonNegative(`${field}.contextWindow`, contextWindow, true);
  if (id !== undefined && (typeof id !== 'string' || id === '')) failOption(`${field}.id`, 'a non-empty string', id);
  if (headers !== undefined) expectObject(`${field}.headers`, headers);
}

function validateModels(models: unknown, providers: Readonly<Record<string, unknown>>): void {
  if (typeof models !== 'object' || models === null || Array.isArray(models) || Object.keys(models).length === 0) {
    failOption('models', 'an object with at least one alias', models);
  }
  for (const [alias, config] of Object.entries(models)) {
    if (alias === 'auto') failOption('models.auto', 'not defined ("auto" is reserved for the router)', 'an alias');
    if (typeof config !== 'object' || config === null) failOption(`models.${alias}`, 'a deployment, an array of deployments or a pool', config);
    const isPool = !Array.isArray(config) && 'deployments' in config;
    if (isPool) expectKnownKeys(config, POOL_KEYS, `models.${alias}`);
    const { deployments, pool } = deploymentsOf(config as ClientOptions['models'][string]);
    if (!Array.isArray(deployments) || deployments.length === 0) failOption(isPool ? `models.${alias}.deployments` : `models.${alias}`, 'at least one deployment', deployments);
    if (pool.strategy !== undefined) expectOneOf(`models.${alias}.strategy`, pool.strategy, STRATEGIES);
    checkNonNegative(`models.${alias}.maxQueueMs`, pool.maxQueueMs);
    if (pool.affinity !== undefined) validateAffinity(`models.${alias}.affinity`, pool.affinity);
    deployments.forEach((deployment, index) => {
      const field = Array.isArray(config) ? `models.${alias}.${index}` : isPool ? `models.${alias}.deployments.${index}` : `models.${alias}`;
      validateDeployment(deployment, field, providers);
    });
  }
}

/** Checks client options once, eagerly, with messages that name the field. */
export function validateClientOptions(options: ClientOptions): void {
  expectObject('options', options);
  expectKnownKeys(options, CLIENT_KEYS, '', 'a client option');
  const providers = options.providers;
  if (typeof providers !== 'object' || providers === null || Object.keys(providers).length === 0) {
    failOption('providers', 'an object with at least one adapter', providers);
  }
  for (const [name, adapter] of Object.entries(providers)) {
    if (typeof adapter !== 'object' || adapter === null || typeof adapter.doGenerate !== 'function' || typeof adapter.doStream !== 'function') {
      failOption(`providers.${name}`, 'a provider adapter (e.g. openai({ apiKey }))', adapter);
    }
  }
  validateModels(options.models, providers);
  if (options.deadlineMs !== undefined) expectDurationMs('deadlineMs', options.deadlineMs);
  if (options.retry !== undefined) validateRetryOptions(options.retry);
  if (options.breaker !== undefined) {
    expectObject('breaker', options.breaker);
    expectKnownKeys(options.breaker, BREAKER_KEYS, 'breaker');
    validateCircuitBreakerOptions(options.breaker, 'breaker.');
  }
  const store = options.stateStore;
  if (store !== undefined && !STATE_STORE_METHODS.every((method) => typeof (store as unknown as Record<string, unknown> | null)?.[method] === 'function')) {
    failOption('stateStore', 'a StateStore with get, set, increment and delete (e.g. new MemoryStateStore())', store);
  }
  if (options.hedge !== undefined) validateHedgeOptions(options.hedge);
  if (options.attemptHooks !== undefined) {
    if (!Array.isArray(options.attemptHooks)) failOption('attemptHooks', 'an array of functions', options.attemptHooks);
    options.attemptHooks.forEach((hook, index) => expectFunction(`attemptHooks[${index}]`, hook));
  }
  if (options.admission !== undefined) validateAdmissionOptions(options.admission);
  for (const key of ['clock', 'random', 'generateId', 'fetch'] as const) {
    const value = options[key];
    if (value !== undefined && (key === 'clock' ? typeof value !== 'object' || value === null : typeof value !== 'function')) {
      failOption(key, key === 'clock' ? 'a Clock { now() }' : 'a function', value);
    }
  }
}

/**
 * Checks the options of one `chat()`/`stream()` call: on the hot path, so only a key loop over a
 * frozen `Set` and the checks of the values that are set. `fallback` is checked where it is built.
 */
export function validateCallOptions(options: CallOptions): void {
  if (typeof options !== 'object' || options === null) failOption('options', 'an object of call options', options);
  expectKnownKeys(options, CALL_KEYS, '', 'a call option');
  if (options.deadlineMs !== undefined) expectDurationMs('deadlineMs', options.deadlineMs);
  if (options.maxRetries !== undefined) expectInteger('maxRetries', options.maxRetries, 0);
  if (options.hedge !== undefined && options.hedge !== false) validateHedgeOptions(options.hedge);
  if (options.cache !== undefined && options.cache !== false && options.cache !== 'refresh') expectOneOf('cache', options.cache, [false, 'refresh']);
  if (options.tenant !== undefined && typeof options.tenant !== 'string') failOption('tenant', 'a string', options.tenant);
  if (options.coalesce !== undefined && typeof options.coalesce !== 'boolean') failOption('coalesce', 'a boolean', options.coalesce);
  if (options.priority !== undefined) validatePriority('priority', options.priority);
}

function validateAffinity(field: string, affinity: unknown): void {
  if (affinity === 'prompt-prefix') return;
  expectObject(field, affinity);
  expectKnownKeys(affinity, AFFINITY_KEYS, field);
  const { type, ttlMs, maxEntries } = affinity as { type?: unknown; ttlMs?: unknown; maxEntries?: unknown };
  expectOneOf(`${field}.type`, type, ['prompt-prefix']);
  if (ttlMs !== undefined) expectInteger(`${field}.ttlMs`, ttlMs, 1);
  if (maxEntries !== undefined) expectInteger(`${field}.maxEntries`, maxEntries, 1);
}
