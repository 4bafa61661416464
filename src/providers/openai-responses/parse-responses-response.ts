import type { GenerateResult, ReasoningPart } from '../spec/index.js';
import { InvalidResponseError } from '../../errors/errors.js';
import { finishToolCalls } from '../openai/parse-openai-response.js';
import { openAIInBandError, readOpenAIErrorObject, type OpenAIErrorContext } from '../openai/parse-openai-error.js';
import { mapResponsesFinishReason } from './map-responses-finish-reason.js';
import { mapResponsesUsage } from './map-responses-usage.js';
import { messageMetadata, readMessageItem, readReasoningItem } from './read-responses-output.js';
import { responsesInBandError } from './responses-error.js';
import type { ResponsesOutputItem, ResponsesResponse } from './responses-wire-types.js';
import { OPENAI_ITEM_ID } from './streaming-tool-call-tracker.js';

/**
 * Parses a non-streaming Responses body. `status: "failed"` becomes the typed error of its
 * `error.code`; `incomplete` is a `length` (or `content-filter`) finish; an error envelope sent
 * with 200 is the error it names; a body that is not a response is an `InvalidResponseError`.
 * Item types other than message, function_call and reasoning (web search, MCP) are skipped.
 */
export function parseResponsesResponse(bodyText: string, context: OpenAIErrorContext, requestId: string | undefined): GenerateResult {
  const details = { ...context, ...(requestId !== undefined ? { requestId } : {}) };
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    throw new InvalidResponseError('response body is not JSON', { ...details, cause: error });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidResponseError('response body is not a JSON object', details);
  const response = body as ResponsesResponse;
  if (response.status === 'failed' && typeof response.error === 'object' && response.error !== null) {
    throw responsesInBandError(response.error, context, { requestId, hasEmittedOutput: false });
  }
  if (!Array.isArray(response.output)) {
    const envelope = readOpenAIErrorObject(body);
    if (envelope) throw openAIInBandError(envelope, context, { requestId, hasEmittedOutput: false });
    throw new InvalidResponseError('response body has no output array', details);
  }
  let text = '';
  let refusal = '';
  let firstMessage: ResponsesOutputItem | undefined;
  const reasoning: ReasoningPart[] = [];
  const calls: { id: string; name: string; argsText: string; itemId: string | undefined }[] = [];
  for (const item of response.output) {
    if (typeof item !== 'object' || item === null) continue;
    if (item.type === 'message') {
      const read = readMessageItem(item);
      text += read.text;
      refusal += read.refusal;
      firstMessage ??= item;
    } else if (item.type === 'reasoning') {
      reasoning.push(...readReasoningItem(item));
    } else if (item.type === 'function_call') {
      calls.push({
        id: typeof item.call_id === 'string' && item.call_id !== '' ? item.call_id : `call_${calls.length}`,
        name: typeof item.name === 'string' ? item.name : '',
        argsText: typeof item.arguments === 'string' ? item.arguments : '',
        itemId: typeof item.id === 'string' ? item.id : undefined,
      });
    }
  }
  const { finishReason, rawFinishReason } = mapResponsesFinishReason(response.status, response.incomplete_details?.reason, calls.length > 0);
  const finished = finishToolCalls(calls, finishReason === 'length');
  const itemIds = new Map(calls.map((call) => [call.id, call.itemId]));
  const responseId = typeof response.id === 'string' && response.id !== '' ? response.id : undefined;
  const metadata = messageMetadata(responseId, firstMessage);
  return {
    text,
    reasoning,
    toolCalls: finished.toolCalls.map((call) => {
      const itemId = itemIds.get(call.id);
      return itemId === undefined ? call : { ...call, providerMetadata: { [OPENAI_ITEM_ID]: itemId } };
    }),
    ...(finished.incompleteToolCalls.length > 0 ? { incompleteToolCalls: finished.incompleteToolCalls } : {}),
    ...(refusal !== '' ? { refusal } : {}),
    finishReason,
    rawFinishReason,
    usage: mapResponsesUsage(response.usage),
    ...(typeof response.model === 'string' && response.model !== '' ? { model: response.model } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(responseId !== undefined ? { responseId } : {}),
    ...(metadata !== undefined ? { messageMetadata: metadata } : {}),
  };
}
