// Public exports only.

// --- client
export { ResilientLLM, type DeploymentHealth } from './client/resilient-llm.js';
export { StreamResult } from './client/stream-result.js';
export type {
  CallOptions,
  ClientOptions,
  DeploymentConfig,
  HedgeOptions,
  ModelConfig,
  PoolConfig,
  PoolStrategyName,
  RetryOptions,
} from './client/client-options.js';
// --- types
export type * from './client/types.js';
// --- errors
export * from './errors/index.js';
// --- events
export type { EventMap, EventType, Listener } from './events/events.js';
// --- transport
export * from './transport/index.js';
export { AbortToken, type AbortSignalLike } from './transport/abort-token.js';
// --- providers
export type { ProviderAdapter, ProviderCallContext, ProviderCapabilities, Clock } from './providers/provider.js';
export { systemClock } from './providers/provider.js';
export { openai, openaiCompatible, type OpenAIOptions, type OpenAICompatibleOptions } from './providers/openai/openai-adapter.js';
export { anthropic, type AnthropicOptions } from './providers/anthropic/anthropic-adapter.js';
export {
  readAnthropicRateLimits,
  type AnthropicRateLimits,
  type AnthropicRateLimitBucket,
} from './providers/anthropic/read-anthropic-rate-limits.js';
export { gemini, type GeminiOptions } from './providers/gemini/gemini-adapter.js';
// --- policy
export {
  FallbackPolicy,
  DEFAULT_FALLBACK_CODES,
  DEFAULT_TIMEOUTS,
  type AttemptTimeouts,
  type FallbackContext,
  type FallbackPolicyOptions,
  type MidStreamPolicy,
} from './policy/fallback/fallback-policy.js';
// --- routing
// --- cache
// --- tools
// --- cost
