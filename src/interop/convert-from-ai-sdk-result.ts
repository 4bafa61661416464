import type { LanguageModelV4GenerateResult } from '@ai-sdk/provider';
import type { GenerateResult, ReasoningPart, ToolCall } from '../client/types.js';
import { InvalidResponseError } from '../errors/errors.js';
import { reasoningFromAiSdk, toolCallFromAiSdk } from './convert-from-ai-sdk-content.js';
import type { AiSdkErrorSource } from './map-ai-sdk-error.js';
import { fromAiSdkFinishReason } from './map-ai-sdk-finish-reason.js';
import { fromAiSdkUsage } from './map-ai-sdk-usage.js';

/** The wrapped model's generate result as ours; content the client has no use for (files, sources) is left out. */
export function convertFromAiSdkResult(result: LanguageModelV4GenerateResult, signatureTag: string, source: AiSdkErrorSource): GenerateResult {
  let text = '';
  const reasoning: ReasoningPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const part of result.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') reasoning.push(reasoningFromAiSdk(part.text, part.providerMetadata, signatureTag));
    else if (part.type === 'tool-call' && part.providerExecuted !== true) toolCalls.push(toolCallFromAiSdk(part));
  }
  const finishReason = fromAiSdkFinishReason(result.finishReason);
  if (finishReason === undefined) throw new InvalidResponseError('the answer ended without a completion signal', source);
  return {
    text,
    reasoning,
    toolCalls,
    finishReason,
    ...(result.finishReason.raw !== undefined ? { rawFinishReason: result.finishReason.raw } : {}),
    usage: fromAiSdkUsage(result.usage),
    ...(result.response?.modelId !== undefined ? { model: result.response.modelId } : {}),
    ...(result.response?.id !== undefined ? { responseId: result.response.id } : {}),
  };
}
