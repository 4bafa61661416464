import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { ProviderStreamPart } from '../client/types.js';
import { InvalidResponseError } from '../errors/errors.js';
import { reasoningFromAiSdk, toolCallFromAiSdk } from './convert-from-ai-sdk-content.js';
import { mapAiSdkError, type AiSdkErrorSource } from './map-ai-sdk-error.js';
import { fromAiSdkFinishReason } from './map-ai-sdk-finish-reason.js';
import { fromAiSdkUsage } from './map-ai-sdk-usage.js';

/**
 * Reads the wrapped model's stream as our adapter parts. An `error` part throws the mapped error;
 * a finish whose reason is `interrupted` (the vendor stream ended without its terminator) throws
 * `InvalidResponseError`, so the client fails over instead of returning a cut answer. Leaving the
 * loop early cancels the stream, and with it the request.
 */
export async function* convertFromAiSdkStream(
  stream: ReadableStream<LanguageModelV4StreamPart>,
  signatureTag: string,
  source: AiSdkErrorSource,
): AsyncGenerator<ProviderStreamPart> {
  const reader = stream.getReader();
  const reasoning = new Map<string, string>();
  const tools = new Map<string, { readonly index: number; readonly name: string }>();
  let hasContent = false;
  let isClosed = false;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<LanguageModelV4StreamPart>;
      try {
        next = await reader.read();
      } catch (error) {
        isClosed = true;
        throw mapAiSdkError(error, source, hasContent);
      }
      if (next.done) {
        isClosed = true;
        return;
      }
      const part = next.value;
      switch (part.type) {
        case 'text-delta':
          hasContent = true;
          yield { type: 'text-delta', text: part.delta };
          break;
        case 'reasoning-start':
          reasoning.set(part.id, '');
          break;
        case 'reasoning-delta':
          hasContent = true;
          reasoning.set(part.id, (reasoning.get(part.id) ?? '') + part.delta);
          yield { type: 'reasoning-delta', text: part.delta };
          break;
        case 'reasoning-end':
          yield { type: 'reasoning-part', reasoning: reasoningFromAiSdk(reasoning.get(part.id) ?? '', part.providerMetadata, signatureTag) };
          reasoning.delete(part.id);
          break;
        case 'tool-input-start':
          if (part.providerExecuted !== true) tools.set(part.id, { index: tools.size, name: part.toolName });
          break;
        case 'tool-input-delta': {
          const tool = tools.get(part.id);
          if (!tool) break;
          hasContent = true;
          yield { type: 'tool-call-delta', index: tool.index, id: part.id, name: tool.name, argsTextDelta: part.delta };
          break;
        }
        case 'tool-call':
          if (part.providerExecuted === true) break;
          hasContent = true;
          yield { type: 'tool-call', toolCall: toolCallFromAiSdk(part) };
          break;
        case 'response-metadata':
          yield { type: 'response-metadata', ...(part.modelId !== undefined ? { model: part.modelId } : {}), ...(part.id !== undefined ? { responseId: part.id } : {}) };
          break;
        case 'error':
          throw mapAiSdkError(part.error, source, hasContent);
        case 'finish': {
          const finishReason = fromAiSdkFinishReason(part.finishReason);
          if (finishReason === undefined) throw new InvalidResponseError('stream ended before its finish event', { ...source, hasEmittedOutput: hasContent });
          yield {
            type: 'finish',
            finishReason,
            ...(part.finishReason.raw !== undefined ? { rawFinishReason: part.finishReason.raw } : {}),
            usage: fromAiSdkUsage(part.usage),
          };
          break;
        }
        default:
          // stream-start, text-start/-end, tool-input-end, sources, files, raw chunks: nothing to carry.
          break;
      }
    }
  } finally {
    if (!isClosed) reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
