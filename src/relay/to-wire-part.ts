import type { StreamPart } from '../client/types.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import type { WirePart } from './wire-part.js';

/**
 * The wire form of a stream part, or undefined for parts the relay does not send
 * (`tool-call-delta`, `partial-object`: the page gets the finished `tool-call`).
 */
export function toWirePart(part: StreamPart, id: string): WirePart | undefined {
  switch (part.type) {
    case 'start':
      return { id, type: 'start', alias: part.alias, provider: part.provider, model: part.model };
    case 'text-delta':
    case 'reasoning-delta':
      return { id, type: part.type, text: part.text };
    case 'tool-call':
      return { id, type: 'tool-call', toolCall: { id: part.toolCall.id, name: part.toolCall.name, args: part.toolCall.args } };
    case 'reset':
      return { id, type: 'reset', reason: part.reason, ...(part.errorCode !== undefined ? { errorCode: part.errorCode } : {}) };
    case 'finish': {
      const { response } = part;
      const { usage } = response;
      return {
        id,
        type: 'finish',
        finishReason: response.finishReason,
        usage: {
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          totalTokens: usage.totalTokens,
          ...(usage.cachedInputTokens !== undefined ? { cachedInputTokens: usage.cachedInputTokens } : {}),
          ...(usage.reasoningTokens !== undefined ? { reasoningTokens: usage.reasoningTokens } : {}),
        },
        ...(response.cost !== undefined ? { cost: response.cost } : {}),
        alias: response.alias,
        provider: response.provider,
        model: response.model,
      };
    }
    default:
      return undefined;
  }
}

/**
 * The wire form of a failure: the library's `code` and its message (keys already redacted), a
 * cancellation as `RLLM_CANCELLED`, anything else as `RLLM_PROVIDER_ERROR` with a fixed message.
 * Never a stack, a cause or a foreign error's text.
 */
export function toWireError(error: unknown, id: string): WirePart {
  if (error instanceof ResilientLLMError) return { id, type: 'error', code: error.code, message: error.message };
  if (error instanceof Error && error.name === 'AbortError') return { id, type: 'error', code: 'RLLM_CANCELLED', message: 'The stream was cancelled.' };
  return { id, type: 'error', code: 'RLLM_PROVIDER_ERROR', message: 'The stream failed.' };
}
