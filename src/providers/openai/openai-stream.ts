import type { ProviderStreamPart, Usage } from '../spec/index.js';
import { InvalidResponseError } from '../../errors/errors.js';
import { decodeSseBatches } from '../../transport/sse.js';
import { batchedPartStream, type BatchedPartStream } from '../shared/part-batches.js';
import type { TransportResponse } from '../../transport/transport.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import { openAIInBandError, readOpenAIErrorObject, type OpenAIErrorContext, type OpenAIErrorObject } from './parse-openai-error.js';
import { finishToolCalls } from './parse-openai-response.js';
import { parseSseJson } from '../shared/parse-sse-json.js';

export type OpenAIStreamOptions = {
  readonly context: OpenAIErrorContext;
  readonly requestId: string | undefined;
  /** Whether the stream must end with `data: [DONE]`; when false, EOF after a finish reason is accepted. */
  readonly requireDone: boolean;
  /** Largest single SSE event. @default DEFAULT_MAX_EVENT_BYTES */
  readonly maxEventBytes?: number | undefined;
  /** Sees every chunk before it is read, and may throw a typed error (Azure's prompt filter). */
  readonly inspectChunk?: (chunk: unknown) => void;
};

type WireToolCallDelta = {
  readonly index?: unknown;
  readonly id?: unknown;
  readonly function?: { readonly name?: unknown; readonly arguments?: unknown } | null;
};

type WireDelta = {
  readonly content?: unknown;
  readonly refusal?: unknown;
  readonly reasoning_content?: unknown;
  readonly reasoning?: unknown;
  readonly tool_calls?: readonly WireToolCallDelta[] | null;
};

type WireChunk = {
  readonly id?: unknown;
  readonly model?: unknown;
  readonly choices?: readonly { readonly index?: unknown; readonly delta?: WireDelta | null; readonly finish_reason?: unknown }[] | null;
  readonly usage?: unknown;
  readonly error?: unknown;
};

type ToolCallAccumulator = { index: number; id: string; name: string; argsText: string };

/**
 * Turns a Chat Completions SSE body into provider stream parts. Reads choice 0 only (other
 * choices of `n > 1` are skipped), assembles tool-call fragments by their `index`, and ends with
 * exactly one `finish` part once the body ended after `data: [DONE]` (the body is drained to EOF
 * so the connection can be reused). Throws the typed error for an in-band `{"error": …}` event,
 * and `InvalidResponseError` for a malformed chunk or a body that ends without `[DONE]`. The
 * response is cancelled on every exit, including `break` and abort.
 */
export function openAIStream(response: TransportResponse, options: OpenAIStreamOptions): BatchedPartStream {
  return batchedPartStream(openAIStreamBatches(response, options));
}

/** The parts of each network read together; parts read before an error are yielded before it is thrown. */
async function* openAIStreamBatches(response: TransportResponse, options: OpenAIStreamOptions): AsyncGenerator<ProviderStreamPart[]> {
  const { context, requestId } = options;
  let hasEmittedOutput = false;
  const errorDetails = () => ({ ...context, hasEmittedOutput, ...(requestId !== undefined ? { requestId } : {}) });
  let hasEmittedMetadata = false;
  let isDone = false;
  let rawFinishReason: string | undefined;
  let usage: Usage | undefined;
  const toolCalls = new Map<number, ToolCallAccumulator>();
  let parts: ProviderStreamPart[] = [];
  try {
    events: for await (const batch of decodeSseBatches(response.body, options.maxEventBytes)) {
      for (const event of batch) {
        const data = event.data;
        if (data === '[DONE]') {
          // The answer is complete: hand the rest of the body back so the socket can be reused.
          isDone = true;
          response.release?.();
          break events;
        }
        // Stray non-SSE lines that are not JSON (a proxy banner) are not part of the answer.
        const chunk = parseSseJson<WireChunk>(data, event.event, 'chunk', errorDetails);
        if (chunk === undefined) continue;
        if ((chunk.error !== undefined && chunk.error !== null) || event.event === 'error') {
          const error = readOpenAIErrorObject(chunk) ?? (chunk as OpenAIErrorObject);
          throw openAIInBandError(error, context, { requestId, hasEmittedOutput });
        }
        if (event.event === 'raw') continue;
        options.inspectChunk?.(chunk);
        if (!hasEmittedMetadata) {
          const model = typeof chunk.model === 'string' && chunk.model !== '' ? chunk.model : undefined;
          const responseId = typeof chunk.id === 'string' && chunk.id !== '' ? chunk.id : undefined;
          // Azure's first chunk (prompt_filter_results) has an empty id and model: wait for a real one.
          if (model !== undefined || responseId !== undefined) {
            hasEmittedMetadata = true;
            parts.push({
              type: 'response-metadata',
              ...(model !== undefined ? { model } : {}),
              ...(requestId !== undefined ? { requestId } : {}),
              ...(responseId !== undefined ? { responseId } : {}),
            });
          }
        }
        if (chunk.usage !== undefined && chunk.usage !== null) {
          usage = mapOpenAIUsage(chunk.usage);
          // Billed whatever happens next (a missing [DONE], a cut): report it now.
          parts.push({ type: 'usage', usage });
        }
        const choices = chunk.choices;
        if (!Array.isArray(choices)) continue;
        for (const choice of choices) {
          if (choice.index !== 0 && choice.index !== undefined) continue;
          const delta = choice.delta;
          if (delta) {
            if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
              hasEmittedOutput = true;
              parts.push({ type: 'reasoning-delta', text: delta.reasoning_content });
            } else if (typeof delta.reasoning === 'string' && delta.reasoning !== '') {
              hasEmittedOutput = true;
              parts.push({ type: 'reasoning-delta', text: delta.reasoning });
            }
            if (typeof delta.content === 'string' && delta.content !== '') {
              hasEmittedOutput = true;
              parts.push({ type: 'text-delta', text: delta.content });
            }
            if (typeof delta.refusal === 'string' && delta.refusal !== '') {
              hasEmittedOutput = true;
              parts.push({ type: 'refusal-delta', text: delta.refusal });
            }
            if (Array.isArray(delta.tool_calls)) {
              for (const fragment of delta.tool_calls) {
                // Some gateways omit `index`: a fragment with an id starts a new call, others continue the last.
                const index =
                  typeof fragment.index === 'number'
                    ? fragment.index
                    : typeof fragment.id === 'string' && fragment.id !== ''
                      ? toolCalls.size
                      : Math.max(0, toolCalls.size - 1);
                const argsTextDelta = typeof fragment.function?.arguments === 'string' ? fragment.function.arguments : '';
                let call = toolCalls.get(index);
                if (call === undefined) {
                  // id and name arrive only on the first fragment of each index.
                  const id = typeof fragment.id === 'string' && fragment.id !== '' ? fragment.id : `call_${index}`;
                  const name = typeof fragment.function?.name === 'string' ? fragment.function.name : '';
                  call = { index, id, name, argsText: argsTextDelta };
                  toolCalls.set(index, call);
                } else {
                  if (call.name === '' && typeof fragment.function?.name === 'string') call.name = fragment.function.name;
                  if (argsTextDelta === '') continue;
                  call.argsText += argsTextDelta;
                }
                hasEmittedOutput = true;
                parts.push({ type: 'tool-call-delta', index, id: call.id, name: call.name, argsTextDelta });
              }
            }
          }
          if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') rawFinishReason = choice.finish_reason;
        }
      }
      if (parts.length > 0) {
        const ready = parts;
        parts = [];
        yield ready;
      }
    }
    if (!isDone && (options.requireDone || rawFinishReason === undefined)) {
      throw new InvalidResponseError('stream ended without data: [DONE]', errorDetails());
    }
    if (!hasEmittedMetadata && requestId !== undefined) parts.push({ type: 'response-metadata', requestId });
    if (toolCalls.size > 0) {
      const ordered = [...toolCalls.values()].sort((left, right) => left.index - right.index);
      const finished = finishToolCalls(ordered, rawFinishReason === 'length');
      for (const toolCall of finished.toolCalls) parts.push({ type: 'tool-call', toolCall });
      for (const toolCall of finished.incompleteToolCalls) parts.push({ type: 'tool-call-incomplete', toolCall });
    }
    parts.push({
      type: 'finish',
      finishReason: mapOpenAIFinishReason(rawFinishReason),
      ...(rawFinishReason !== undefined ? { rawFinishReason } : {}),
      usage: usage ?? mapOpenAIUsage(undefined),
    });
    yield parts;
  } catch (error) {
    // What was read before the error reaches the consumer first, as it would part by part.
    if (parts.length > 0) yield parts;
    throw error;
  } finally {
    response.cancel();
  }
}
