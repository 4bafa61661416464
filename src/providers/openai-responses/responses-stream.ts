import type { ProviderStreamPart, Usage } from '../spec/index.js';
import { InvalidResponseError } from '../../errors/errors.js';
import { decodeSseBatches } from '../../transport/sse.js';
import type { TransportResponse } from '../../transport/transport.js';
import type { OpenAIErrorContext } from '../openai/parse-openai-error.js';
import { batchedPartStream, type BatchedPartStream } from '../shared/part-batches.js';
import { mapResponsesFinishReason } from './map-responses-finish-reason.js';
import { mapResponsesUsage } from './map-responses-usage.js';
import { messageMetadata, readReasoningItem } from './read-responses-output.js';
import { responsesInBandError } from './responses-error.js';
import type { ResponsesOutputItem, ResponsesStreamEvent } from './responses-wire-types.js';
import { StreamingToolCallTracker } from './streaming-tool-call-tracker.js';
import { parseSseJson } from '../shared/parse-sse-json.js';

/**
 * Turns a Responses API SSE body into provider stream parts:
 * - `response.created` / `.in_progress` / `.queued`: response metadata (id, model), once;
 * - `response.output_text.delta` → `text-delta`; `response.refusal.delta` → `refusal-delta`;
 *   `response.reasoning_summary_text.delta` (and OpenRouter's `response.reasoning_text.delta`) →
 *   `reasoning-delta`; a finished reasoning item → `reasoning-part`s with its id and encrypted content;
 * - function calls through {@link StreamingToolCallTracker}: `tool-call-delta` as the arguments
 *   stream, `tool-call` parts before `finish`;
 * - `response.completed` → `finish`; `response.incomplete` → a `length` (or `content-filter`)
 *   finish, never a clean one; `response.failed` and an `error` event → the typed error of their
 *   code, as their HTTP twin would be.
 * Unknown events, SSE comments and OpenRouter's `[DONE]` are ignored. A body that ends before a
 * terminal event throws `InvalidResponseError`. The response is cancelled on every exit.
 */
export function responsesStream(
  response: TransportResponse,
  options: { readonly context: OpenAIErrorContext; readonly requestId: string | undefined },
): BatchedPartStream {
  return batchedPartStream(responsesStreamBatches(response, options));
}

async function* responsesStreamBatches(
  response: TransportResponse,
  options: { readonly context: OpenAIErrorContext; readonly requestId: string | undefined },
): AsyncGenerator<ProviderStreamPart[]> {
  const { context, requestId } = options;
  let hasEmittedOutput = false;
  const errorDetails = () => ({ ...context, hasEmittedOutput, ...(requestId !== undefined ? { requestId } : {}) });
  const tools = new StreamingToolCallTracker();
  let responseId: string | undefined;
  let hasEmittedMetadata = false;
  let firstMessage: ResponsesOutputItem | undefined;
  let finish: { status: unknown; reason: unknown; usage: Usage } | undefined;
  let parts: ProviderStreamPart[] = [];
  try {
    events: for await (const batch of decodeSseBatches(response.body)) {
      for (const sse of batch) {
        if (sse.data === '[DONE]') continue;
        const event = parseSseJson<ResponsesStreamEvent>(sse.data, sse.event, 'event', errorDetails);
        if (event === undefined) continue;
        const type = typeof event.type === 'string' ? event.type : sse.event;
        if (type === undefined || type === 'raw') {
          // A gateway's error envelope (`{"error": {…}}`) sent with 200 instead of a stream.
          if (typeof event.error === 'object' && event.error !== null) {
            throw responsesInBandError(event.error, context, { requestId, hasEmittedOutput: hasEmittedOutput || parts.some(isOutput) });
          }
          continue;
        }
        switch (type) {
          case 'response.created':
          case 'response.in_progress':
          case 'response.queued': {
            const snapshot = event.response;
            if (!hasEmittedMetadata && snapshot) {
              hasEmittedMetadata = true;
              responseId = typeof snapshot.id === 'string' && snapshot.id !== '' ? snapshot.id : undefined;
              const model = typeof snapshot.model === 'string' && snapshot.model !== '' ? snapshot.model : undefined;
              parts.push({
                type: 'response-metadata',
                ...(model !== undefined ? { model } : {}),
                ...(requestId !== undefined ? { requestId } : {}),
                ...(responseId !== undefined ? { responseId } : {}),
              });
            }
            break;
          }
          case 'response.output_item.added': {
            const item = event.item;
            if (item?.type === 'function_call') pushPart(parts, tools.start(item, event.output_index));
            else if (item?.type === 'message') firstMessage ??= item;
            break;
          }
          case 'response.output_text.delta':
            if (typeof event.delta === 'string' && event.delta !== '') parts.push({ type: 'text-delta', text: event.delta });
            break;
          case 'response.refusal.delta':
            if (typeof event.delta === 'string' && event.delta !== '') parts.push({ type: 'refusal-delta', text: event.delta });
            break;
          case 'response.reasoning_summary_text.delta':
          case 'response.reasoning_text.delta':
            if (typeof event.delta === 'string' && event.delta !== '') parts.push({ type: 'reasoning-delta', text: event.delta });
            break;
          case 'response.function_call_arguments.delta':
            pushPart(parts, tools.appendArguments(event.item_id, event.output_index, event.delta));
            break;
          case 'response.function_call_arguments.done':
            pushPart(parts, tools.finishArguments(event.item_id, event.output_index, event.arguments));
            break;
          case 'response.output_item.done': {
            const item = event.item;
            if (item?.type === 'function_call') pushPart(parts, tools.finishItem(item, event.output_index));
            else if (item?.type === 'reasoning') for (const reasoning of readReasoningItem(item)) parts.push({ type: 'reasoning-part', reasoning });
            else if (item?.type === 'message' && firstMessage?.id === item.id) firstMessage = item;
            break;
          }
          case 'response.completed':
          case 'response.incomplete': {
            const final = event.response;
            const usage = mapResponsesUsage(final?.usage);
            finish = { status: final?.status ?? (type === 'response.completed' ? 'completed' : 'incomplete'), reason: final?.incomplete_details?.reason, usage };
            // The answer is complete: hand the rest of the body back so the socket can be reused.
            response.release?.();
            break events;
          }
          case 'response.failed': {
            const failure = event.response?.error ?? { code: 'server_error', message: 'the response failed' };
            throw responsesInBandError(failure, context, { requestId, hasEmittedOutput: hasEmittedOutput || parts.some(isOutput) });
          }
          case 'error':
            throw responsesInBandError(event.error ?? event, context, { requestId, hasEmittedOutput: hasEmittedOutput || parts.some(isOutput) });
          default:
            // Lifecycle events of parts and items, web search progress, and event types not known yet.
            break;
        }
      }
      if (parts.length > 0) {
        hasEmittedOutput ||= parts.some(isOutput);
        const ready = parts;
        parts = [];
        yield ready;
      }
    }
    if (finish === undefined) throw new InvalidResponseError('stream ended before response.completed', errorDetails());
    if (!hasEmittedMetadata && requestId !== undefined) parts.push({ type: 'response-metadata', requestId });
    const { finishReason, rawFinishReason } = mapResponsesFinishReason(finish.status, finish.reason, tools.size > 0);
    if (tools.size > 0) {
      const finished = tools.finish(finishReason === 'length');
      for (const toolCall of finished.toolCalls) parts.push({ type: 'tool-call', toolCall });
      for (const toolCall of finished.incompleteToolCalls) parts.push({ type: 'tool-call-incomplete', toolCall });
    }
    const metadata = messageMetadata(responseId, firstMessage);
    if (metadata !== undefined) parts.push({ type: 'response-metadata', messageMetadata: metadata });
    parts.push({ type: 'finish', finishReason, rawFinishReason, usage: finish.usage });
    yield parts;
  } catch (error) {
    // What was read before the error reaches the consumer first, as it would part by part.
    if (parts.length > 0) yield parts;
    throw error;
  } finally {
    response.cancel();
  }
}

function pushPart(parts: ProviderStreamPart[], part: ProviderStreamPart | undefined): void {
  if (part !== undefined) parts.push(part);
}

function isOutput(part: ProviderStreamPart): boolean {
  return part.type !== 'response-metadata' && part.type !== 'usage';
}
