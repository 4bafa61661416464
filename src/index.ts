// Public exports only.

// --- client
export { ResilientLLM, type DeploymentHealth } from './client/resilient-llm.js';
export { StreamResult } from './client/stream-result.js';
export type { PrefetchOptions } from './client/shared-calls.js';
export { DEFAULT_CLOSE_GRACE_MS, type CloseOptions } from './client/client-lifecycle.js';
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
export type { AttemptHook, AttemptHookContext, AttemptPriority } from './client/attempt-hook.js';
export type { LanguageModelOptions, LanguageModelCallOptions, RestartMode } from './interop/language-model-options.js';
export type { AdmissionOptions } from './client/admission-options.js';
export type { Priority } from './policy/admission/priority-queue.js';
export type { AdaptiveLimitOptions } from './policy/admission/adaptive-limit.js';
export type { QueueOptions, AdmissionSnapshot } from './policy/admission/deployment-admission.js';
export type { RetryBudgetOptions } from './policy/admission/retry-budget.js';
// --- types
export type * from './client/types.js';
// --- errors
export * from './errors/index.js';
// --- events
export type { EventMap, EventType, Listener } from './events/events.js';
export type { EventListener, Unsubscribe } from './events/emitter.js';
// --- transport
export * from './transport/index.js';
export { AbortToken, type AbortSignalLike } from './transport/abort-token.js';
// --- providers
export type { ProviderAdapter, ProviderCallContext, ProviderCapabilities, Clock } from './providers/provider.js';
export { systemClock, SPECIFICATION_VERSION } from './providers/provider.js';
export { openai, openaiCompatible, type OpenAIOptions, type OpenAICompatibleOptions } from './providers/openai/openai-adapter.js';
export {
  openaiResponses,
  type OpenAIResponsesOptions,
  type ResponsesReasoningOptions,
} from './providers/openai-responses/openai-responses-adapter.js';
export { azureOpenAI, type AzureOpenAIOptions } from './providers/azure/azure-openai-adapter.js';
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
export * from './policy/index.js';
// --- routing
export { classifyTask, COMPLEX_SCORE } from './routing/classify-task.js';
export type { TaskTier, TaskSignals, TaskClassification, ClassifyTaskOptions } from './routing/classify-task.js';
export { TaskRouter } from './routing/router.js';
export type {
  TaskRouterOptions,
  RouteDecision,
  RouteSource,
  RouteClassifier,
  RouteClassifierContext,
  LlmClassifierOptions,
  LlmClassify,
  LlmClassifyContext,
  LlmLabel,
  RouterChat,
  TierChoice,
} from './routing/router.js';
export { buildClassifierPrompt, DEFAULT_TIER_DESCRIPTIONS, DEFAULT_MAX_PROMPT_CHARS } from './routing/classifier-prompt.js';
export type { ClassifierPromptOptions } from './routing/classifier-prompt.js';
// --- cost
export { PriceTable, DEFAULT_PRICES, loadPriceTable } from './cost/price-table.js';
export type { ModelPrice, PriceTableOptions } from './cost/price-table.js';
export { computeCost, estimateCost } from './cost/compute-cost.js';
export { formatUsd } from './cost/format-usd.js';
export { UsageLedger } from './cost/usage-ledger.js';
export type { UsageTotals, UsageReport, UsageRecord, UsageLedgerOptions } from './cost/usage-ledger.js';
export { Budget } from './cost/budget.js';
export type { BudgetOptions, BudgetReservation } from './cost/budget.js';
export { TenantQuotas, type TenantQuota, type TenantQuotaOptions } from './cost/tenant-quotas.js';
export { isSharedStateStore, type SharedStateStore, type QuotaClaim, type QuotaVerdict, type StoreErrorMode } from './state/quota-claim.js';
export { blendedPricePerMillion, isWithinCostMultiplier } from './cost/cost-multiplier.js';
export { estimateTokens, estimateTextTokens } from './cost/estimate-tokens.js';
export type { EstimateTokensOptions } from './cost/estimate-tokens.js';
// --- cache
export {
  SemanticCache,
  type SemanticCacheOptions,
  type CachedAnswer,
  type CacheCandidate,
  type SemanticCacheEvent,
  type SemanticCacheEventMap,
  type UncacheableReason,
  type CandidateRejection,
} from './cache/semantic-cache.js';
export type { ResponseCache, CacheContext, CacheLookup, CacheRejection } from './cache/response-cache.js';
export type { Embedder } from './cache/embedder.js';
export type { VectorStore, VectorRecord, VectorMatch, VectorSearchOptions } from './cache/vector-store.js';
export { MemoryVectorStore, type MemoryVectorStoreOptions } from './cache/memory-vector-store.js';
export { localEmbedder, type LocalEmbedderOptions } from './cache/local-embedder.js';
export { providerEmbedder, type ProviderEmbedderOptions } from './cache/provider-embedder.js';
export { CacheError, type CacheOperation } from './cache/cache-error.js';
export type { GuardOptions, GuardRejection, GuardVerdict } from './cache/question-guards.js';
// --- tools
export * from './tools/index.js';
// --- relay (server side of llm-resilience/browser)
export { StreamRelay, type StreamRelayOptions, type RelayRequest } from './relay/stream-relay.js';
export { MemoryResumableStreamStore, type MemoryResumableStreamStoreOptions, type ResumableStreamStore, type StoredParts } from './relay/resumable-stream-store.js';
export type { RelayOptions } from './relay/relay-options.js';
export type { SseResponseInit } from './relay/sse-response.js';
export type { RelaySocket } from './relay/write-websocket.js';
export { createWebSocketServer, type WebSocketServerLike } from './relay/load-ws.js';
export { encodeSseEvent, SSE_HEADERS } from './relay/sse-encoding.js';
export type { WirePart, WirePartType, WireUsage } from './relay/wire-part.js';
