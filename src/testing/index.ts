// `llm-resilience/testing`: test doubles for apps built on llm-resilience, and for the library itself.

export { mockProvider, type MockCall, type MockEmbedCall, type MockProvider, type MockProviderOptions } from './mock-provider.js';
export type { MockError, MockStep, MockToolCall } from './mock-step.js';
export { hashEmbedding } from './hash-embedding.js';
export {
  createProviderServer,
  type ProviderBaseURLKind,
  type ProviderServer,
  type ProviderServerOptions,
  type ProviderServerRequest,
  type ProviderServerScript,
} from './provider-server.js';
export { DEFAULT_REPLY_TEXT } from './run-step.js';
export {
  contentPolicy,
  contextLengthExceeded,
  cutMidStream,
  downFor,
  httpError,
  inBandError,
  malformedChunk,
  missingTerminator,
  neverAnswer,
  overloaded,
  rateLimit,
  rawBody,
  rejectPrefill,
  resetBeforeHeaders,
  serverError,
  slowFirstToken,
  stall,
  type FaultName,
  type FaultStep,
  type HttpErrorStep,
  type ReplyStep,
  type ServerStep,
  type ServerToolCall,
} from './server-steps.js';
export { openaiErrorBody, type OpenAIErrorFields } from './wire/openai-wire.js';
export { anthropicErrorBody } from './wire/anthropic-wire.js';
export { geminiErrorBody } from './wire/gemini-wire.js';
export type { InBandErrorType, ProviderProtocol } from './wire/wire-protocol.js';
export { MemoryStateBackend } from './memory-state-backend.js';
export { seededRandom } from './seeded-random.js';
