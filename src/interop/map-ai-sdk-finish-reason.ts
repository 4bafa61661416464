import type { LanguageModelV4FinishReason } from '@ai-sdk/provider';
import type { FinishReason } from '../client/types.js';

/** Our finish reason as the AI SDK's `{ unified, raw }`; the sets match except `interrupted`. */
export function toAiSdkFinishReason(reason: FinishReason, raw: string | undefined): LanguageModelV4FinishReason {
  return { unified: reason, raw };
}

/**
 * The AI SDK's finish reason as ours. `interrupted` (the vendor stream ended without its
 * terminator) is not a finish: it returns undefined, and the caller treats the stream as cut.
 */
export function fromAiSdkFinishReason(reason: LanguageModelV4FinishReason): FinishReason | undefined {
  return reason.unified === 'interrupted' ? undefined : reason.unified;
}
