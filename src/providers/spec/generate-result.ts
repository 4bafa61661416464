import type { FinishReason } from './finish-reason.js';
import type { IncompleteToolCall } from './incomplete-tool-call.js';
import type { ReasoningPart } from './reasoning-part.js';
import type { ToolCall } from './tool-call.js';
import type { Usage } from './usage.js';

/** What one adapter call produced, before the client adds accounting. */
export type GenerateResult = {
  readonly text: string;
  readonly reasoning: readonly ReasoningPart[];
  readonly toolCalls: readonly ToolCall[];
  readonly incompleteToolCalls?: readonly IncompleteToolCall[];
  readonly refusal?: string;
  readonly finishReason: FinishReason;
  /** The vendor's own finish reason, unmapped. */
  readonly rawFinishReason?: string;
  readonly usage: Usage;
  /** The model name the vendor says served the call. */
  readonly model?: string;
  readonly requestId?: string;
  readonly responseId?: string;
  /** Vendor data the returned assistant message carries (`AssistantMessage.providerMetadata`). */
  readonly messageMetadata?: Readonly<Record<string, unknown>>;
};
