import type { FinishReason } from './finish-reason.js';
import type { IncompleteToolCall } from './incomplete-tool-call.js';
import type { ReasoningPart } from './reasoning-part.js';
import type { ToolCall } from './tool-call.js';
import type { ToolCallDeltaPart } from './tool-call-delta-part.js';
import type { Usage } from './usage.js';

/** What an adapter's stream yields; the client turns these into `StreamPart`s. */
export type ProviderStreamPart =
  | {
      readonly type: 'response-metadata';
      readonly model?: string;
      readonly requestId?: string;
      readonly responseId?: string;
      /** Vendor data for the returned assistant message; a later part's value replaces an earlier one. */
      readonly messageMetadata?: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'reasoning-delta'; readonly text: string }
  | { readonly type: 'reasoning-part'; readonly reasoning: ReasoningPart }
  | ToolCallDeltaPart
  | { readonly type: 'tool-call'; readonly toolCall: ToolCall }
  | { readonly type: 'tool-call-incomplete'; readonly toolCall: IncompleteToolCall }
  | { readonly type: 'refusal-delta'; readonly text: string }
  /**
   * Usage known so far (Anthropic's `message_start`, OpenAI's usage chunk). Optional: it lets a
   * stream that fails before `finish` still account for the tokens it was billed.
   */
  | { readonly type: 'usage'; readonly usage: Usage }
  | {
      readonly type: 'finish';
      readonly finishReason: FinishReason;
      readonly rawFinishReason?: string;
      readonly usage: Usage;
    };
