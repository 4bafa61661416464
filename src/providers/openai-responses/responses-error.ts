import type { ResilientLLMError } from '../../errors/resilient-llm-error.js';
import { openAIInBandError, type OpenAIErrorContext } from '../openai/parse-openai-error.js';
import type { ResponsesError } from './responses-wire-types.js';

/**
 * The HTTP status a Responses API error code stands for, so a `response.failed` or an in-stream
 * `error` fails over exactly like its HTTP twin: rate limits and quota 429, overload 503, invalid
 * input (`invalid_prompt`, `invalid_image`, …), context and content-filter codes 400, and anything
 * else (`server_error`, `vector_store_timeout`, an unknown code) 500.
 */
export function responsesErrorStatus(error: ResponsesError): number {
  const numeric = typeof error.code === 'number' ? error.code : NaN;
  if (Number.isInteger(numeric) && numeric >= 400 && numeric <= 599) return numeric;
  const kind = `${typeof error.code === 'string' ? error.code : ''} ${typeof error.type === 'string' ? error.type : ''}`.toLowerCase();
  if (kind.includes('rate_limit') || kind.includes('insufficient_quota')) return 429;
  if (kind.includes('overloaded')) return 503;
  if (kind.includes('context_length') || kind.includes('content_filter') || kind.includes('content_policy')) return 400;
  if (/\binvalid_|_invalid\b|empty_image|image_too|unsupported_|not_found/.test(kind)) return kind.includes('not_found') ? 404 : 400;
  return 500;
}

/** The typed error for a failed response (`response.failed`, a non-streaming body with `status: "failed"`) or an in-stream `error` event. */
export function responsesInBandError(
  error: ResponsesError,
  context: OpenAIErrorContext,
  details: { readonly requestId: string | undefined; readonly hasEmittedOutput: boolean },
): ResilientLLMError {
  const envelope = { message: error.message, type: error.type, param: error.param, code: typeof error.code === 'string' ? error.code : undefined };
  return openAIInBandError(envelope, context, details, responsesErrorStatus(error));
}
