// Public policy building blocks. (src/policy/fallback/ adds its own lines.)
export { computeBackoffMs, validateBackoffOptions, DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS } from './retry/backoff.js';
export type { BackoffOptions } from './retry/backoff.js';
export { classifyError, DEFAULT_ERROR_DECISIONS, isUnreachable } from './retry/classify-error.js';
export type { ErrorDecision, ClassifyErrorOptions } from './retry/classify-error.js';
export { retryDelayMs, validateRetryDelayOptions, DEFAULT_MAX_RETRY_AFTER_MS } from './retry/retry-delay.js';
export type { RetryDelayOptions } from './retry/retry-delay.js';
export { CircuitBreaker, validateCircuitBreakerOptions } from './circuit-breaker/circuit-breaker.js';
export type {
  CircuitState,
  CircuitTransitionReason,
  CircuitBreakerOptions,
  CircuitStateListener,
  CircuitStateChange,
  CircuitBreakerEventMap,
  CircuitBreakerSnapshot,
} from './circuit-breaker/circuit-breaker.js';
export { breakerVerdictFor, DEPLOYMENT_FAILURE_CODES } from './circuit-breaker/is-deployment-failure.js';
export type { BreakerVerdict } from './circuit-breaker/is-deployment-failure.js';
export { RateLimiter, validateRateLimitOptions } from './rate-limit/rate-limiter.js';
export type { RateLimitOptions } from './rate-limit/rate-limiter.js';
export type { HeaderReader } from './rate-limit/rate-limit-headers.js';
export { DeploymentState } from './pool/deployment-state.js';
export type { DeploymentStateOptions, DeploymentSnapshot, DeploymentError, UnavailableReason } from './pool/deployment-state.js';
export { DeploymentPool } from './pool/deployment-pool.js';
export { pickDeployment, POOL_STRATEGIES } from './pool/strategies.js';
export type { PoolStrategy, PickContext } from './pool/strategies.js';
export { MemoryStateStore } from '../state/state-store.js';
export { SyncedStateStore } from '../state/synced-state-store.js';
export type { StateBackend, StateEntry, StateWrite, SyncedStateStoreOptions, SyncedStateStoreEventMap } from '../state/synced-state-store.js';
export type { StateStore, MemoryStateStoreOptions } from '../state/state-store.js';
