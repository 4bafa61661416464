import type { FinishReason } from '../spec/index.js';

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content-filter',
  RECITATION: 'content-filter',
  BLOCKLIST: 'content-filter',
  PROHIBITED_CONTENT: 'content-filter',
  SPII: 'content-filter',
  IMAGE_SAFETY: 'content-filter',
  IMAGE_PROHIBITED_CONTENT: 'content-filter',
  IMAGE_RECITATION: 'content-filter',
  IMAGE_OTHER: 'content-filter',
  // The model tried to call a tool and failed: the turn holds no usable answer.
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
  TOO_MANY_TOOL_CALLS: 'error',
};

/**
 * Maps a Gemini `finishReason` to the normalized one. Gemini says `STOP` even when the model
 * called tools, so `hasToolCalls` turns `STOP` into `tool-calls`. Unknown values (new enums appear)
 * and `OTHER`, `LANGUAGE`, `NO_IMAGE`, `FINISH_REASON_UNSPECIFIED` map to `other`.
 */
export function mapGeminiFinishReason(finishReason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (finishReason === undefined) return hasToolCalls ? 'tool-calls' : 'other';
  const mapped = FINISH_REASONS[finishReason] ?? 'other';
  return mapped === 'stop' && hasToolCalls ? 'tool-calls' : mapped;
}
