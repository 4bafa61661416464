import type { LanguageModelV4StreamPart, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ChatResponse, StreamPart } from '../client/types.js';
import { StreamInterruptedError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { convertToAiSdkMetadata, reasoningMetadata, toolCallInput, toolCallMetadata } from './convert-to-ai-sdk-metadata.js';
import type { RestartMode } from './language-model-options.js';
import { toAiSdkFinishReason } from './map-ai-sdk-finish-reason.js';
import { toAiSdkUsage } from './map-ai-sdk-usage.js';
import { RESET_KIND, METADATA_KEY } from './metadata-key.js';

/** Turns our stream parts into the AI SDK's; `write` returns false once the stream must stop. */
export type AiSdkStreamWriter = {
  write(part: StreamPart): boolean;
  /** Ends the stream with an `error` part and a `finish` part whose reason is `error`. */
  fail(error: unknown): void;
};

const DISCARDED: SharedV4ProviderMetadata = { [METADATA_KEY]: { discarded: true } };

const UNKNOWN_USAGE = {
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
};

/**
 * Maps our parts to the AI SDK's: text and reasoning in `*-start`/`*-delta`/`*-end` blocks with
 * ids, tool arguments as `tool-input-*` then `tool-call`, and `finish` with the unified and raw
 * reason, nested usage and what served the answer. Reasoning blocks end at `finish`, where their
 * signatures are known. A `reset` is handled as `mode` says (see `RestartMode`).
 */
export function createAiSdkStreamWriter(mode: RestartMode, enqueue: (part: LanguageModelV4StreamPart) => void): AiSdkStreamWriter {
  let buffer: LanguageModelV4StreamPart[] = [];
  const emit = mode === 'buffer' ? (part: LanguageModelV4StreamPart) => void buffer.push(part) : enqueue;
  let blockCount = 0;
  let textId: string | undefined;
  let reasoningId: string | undefined;
  let reasoningIds: string[] = [];
  const toolInputs = new Set<string>();
  let partialText = '';
  let hasSentContent = false;
  let hasSentToolCall = false;

  const closeText = (providerMetadata?: SharedV4ProviderMetadata) => {
    if (textId === undefined) return;
    emit({ type: 'text-end', id: textId, ...(providerMetadata ? { providerMetadata } : {}) });
    textId = undefined;
  };
  const fail = (error: unknown) => {
    enqueue({ type: 'error', error });
    enqueue({ type: 'finish', finishReason: { unified: 'error', raw: (error as { code?: string }).code }, usage: UNKNOWN_USAGE });
  };
  const finish = (response: ChatResponse) => {
    closeText();
    reasoningIds.forEach((id, index) => {
      const providerMetadata = reasoningMetadata(response.reasoning[index]);
      emit({ type: 'reasoning-end', id, ...(providerMetadata ? { providerMetadata } : {}) });
    });
    // Reasoning that never streamed as text (redacted thinking) still carries its data back.
    for (const part of response.reasoning.slice(reasoningIds.length)) {
      const id = `r${blockCount++}`;
      const providerMetadata = reasoningMetadata(part);
      emit({ type: 'reasoning-start', id });
      if (part.text.length > 0) emit({ type: 'reasoning-delta', id, delta: part.text });
      emit({ type: 'reasoning-end', id, ...(providerMetadata ? { providerMetadata } : {}) });
    }
    if (mode === 'buffer') for (const part of buffer) enqueue(part);
    enqueue({ type: 'response-metadata', modelId: response.model, ...(response.requestId !== undefined ? { id: response.requestId } : {}) });
    enqueue({
      type: 'finish',
      finishReason: toAiSdkFinishReason(response.finishReason, response.rawFinishReason),
      usage: toAiSdkUsage(response.usage),
      providerMetadata: convertToAiSdkMetadata(response),
    });
  };
  /** Returns false when the restart cannot be shown honestly and the stream must stop. */
  const reset = (part: Extract<StreamPart, { type: 'reset' }>): boolean => {
    if (mode === 'buffer') {
      buffer = [];
    } else if (hasSentContent) {
      if (mode === 'error' || hasSentToolCall) {
        fail(
          new StreamInterruptedError(`the answer restarted after output was streamed (${part.reason})`, partialText, {
            ...(part.errorCode !== undefined ? { providerCode: part.errorCode } : {}),
          }),
        );
        return false;
      }
      closeText(DISCARDED);
      for (const id of reasoningIds) emit({ type: 'reasoning-end', id, providerMetadata: DISCARDED });
      for (const id of toolInputs) emit({ type: 'tool-input-end', id, providerMetadata: DISCARDED });
      emit({ type: 'custom', kind: RESET_KIND, providerMetadata: { [METADATA_KEY]: { reason: part.reason, errorCode: part.errorCode } } });
    }
    textId = undefined;
    reasoningId = undefined;
    reasoningIds = [];
    toolInputs.clear();
    partialText = '';
    hasSentContent = false;
    return true;
  };

  return {
    write(part) {
      switch (part.type) {
        case 'text-delta':
          if (textId === undefined) {
            textId = `t${blockCount++}`;
            reasoningId = undefined;
            emit({ type: 'text-start', id: textId });
          }
          emit({ type: 'text-delta', id: textId, delta: part.text });
          partialText += part.text;
          hasSentContent = true;
          return true;
        case 'reasoning-delta':
          if (reasoningId === undefined) {
            closeText();
            reasoningId = `r${blockCount++}`;
            reasoningIds.push(reasoningId);
            emit({ type: 'reasoning-start', id: reasoningId });
          }
          emit({ type: 'reasoning-delta', id: reasoningId, delta: part.text });
          hasSentContent = true;
          return true;
        case 'tool-call-delta':
          closeText();
          reasoningId = undefined;
          if (!toolInputs.has(part.id)) {
            toolInputs.add(part.id);
            emit({ type: 'tool-input-start', id: part.id, toolName: part.name });
          }
          emit({ type: 'tool-input-delta', id: part.id, delta: part.argsTextDelta });
          hasSentContent = true;
          return true;
        case 'tool-call': {
          const { toolCall } = part;
          closeText();
          reasoningId = undefined;
          if (toolInputs.delete(toolCall.id)) emit({ type: 'tool-input-end', id: toolCall.id });
          const providerMetadata = toolCallMetadata(toolCall);
          emit({
            type: 'tool-call',
            toolCallId: toolCall.id,
            toolName: toolCall.name,
            input: toolCallInput(toolCall),
            ...(providerMetadata ? { providerMetadata } : {}),
          });
          hasSentContent = true;
          hasSentToolCall = true;
          return true;
        }
        case 'reset':
          return reset(part);
        case 'finish':
          finish(part.response);
          return false;
        default:
          // `start` (an attempt began) and `partial-object` have no AI SDK counterpart.
          return true;
      }
    },
    fail(error) {
      fail(error instanceof ResilientLLMError || error instanceof Error ? error : new Error(String(error)));
    },
  };
}
