// The adapter contract, version `SPECIFICATION_VERSION`: what an adapter implements, receives and
// returns. Nothing here depends on the client; adapters import only from this folder (and shared/,
// transport/, errors/), never from src/client/.
export { SPECIFICATION_VERSION, type ProviderAdapter } from './provider-adapter.js';
export type { ProviderCallContext } from './provider-call-context.js';
export type { ProviderCapabilities } from './provider-capabilities.js';
export type { ProviderRequest } from './provider-request.js';
export type { GenerateResult } from './generate-result.js';
export type { ProviderStreamPart } from './provider-stream-part.js';
export type { Usage } from './usage.js';
export type { FinishReason } from './finish-reason.js';
export type { AssistantMessage, CacheControl, ImagePart, Message, SystemMessage, TextPart, ToolMessage, UserContentPart, UserMessage } from './message.js';
export type { ReasoningPart } from './reasoning-part.js';
export type { ToolCall } from './tool-call.js';
export type { IncompleteToolCall } from './incomplete-tool-call.js';
export type { ToolCallDeltaPart } from './tool-call-delta-part.js';
export type { ToolChoice, ToolSpec } from './tool-spec.js';
export type { ResponseFormat } from './response-format.js';
export type { JsonSchema } from './json-schema.js';
export type { EmbedRequest } from './embed-request.js';
export type { EmbedResult } from './embed-result.js';
