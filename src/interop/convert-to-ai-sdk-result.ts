import type { LanguageModelV4Content, LanguageModelV4GenerateResult, SharedV4Warning } from '@ai-sdk/provider';
import type { ChatResponse } from '../client/types.js';
import { convertToAiSdkMetadata, reasoningMetadata, toolCallInput, toolCallMetadata } from './convert-to-ai-sdk-metadata.js';
import { toAiSdkFinishReason } from './map-ai-sdk-finish-reason.js';
import { toAiSdkUsage } from './map-ai-sdk-usage.js';

/** A whole answer as the AI SDK's generate result: reasoning, text, tool calls, usage and what served it. */
export function convertToAiSdkResult(response: ChatResponse, warnings: SharedV4Warning[]): LanguageModelV4GenerateResult {
  const content: LanguageModelV4Content[] = [];
  for (const part of response.reasoning) {
    const providerMetadata = reasoningMetadata(part);
    content.push({ type: 'reasoning', text: part.text, ...(providerMetadata ? { providerMetadata } : {}) });
  }
  if (response.text.length > 0) content.push({ type: 'text', text: response.text });
  for (const toolCall of response.toolCalls) {
    const providerMetadata = toolCallMetadata(toolCall);
    content.push({
      type: 'tool-call',
      toolCallId: toolCall.id,
      toolName: toolCall.name,
      input: toolCallInput(toolCall),
      ...(providerMetadata ? { providerMetadata } : {}),
    });
  }
  return {
    content,
    finishReason: toAiSdkFinishReason(response.finishReason, response.rawFinishReason),
    usage: toAiSdkUsage(response.usage),
    providerMetadata: convertToAiSdkMetadata(response),
    response: { modelId: response.model, ...(response.requestId !== undefined ? { id: response.requestId } : {}) },
    warnings,
  };
}
