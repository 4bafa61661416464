import { errorFromHttp } from '../../errors/error-from-http.js';
import { OverloadedError, RateLimitError, ServerError } from '../../errors/errors.js';
import type { ResilientLLMError } from '../../errors/resilient-llm-error.js';
import type { TransportResponse } from '../../transport/transport.js';
import { readRetryAfterMs } from '../shared/retry-after.js';
import { tryParseJson } from '../shared/send.js';
import type { AnthropicErrorEnvelope } from './anthropic-wire-types.js';
import { readAnthropicRateLimits, retryAfterFromRateLimits } from './read-anthropic-rate-limits.js';

/** Who was called, for the error message and fields. */
export type AnthropicErrorSource = { readonly provider: string; readonly model: string };

/**
 * Maps a non-2xx reply with the `{type:'error', error:{type, message}, request_id}` envelope to a
 * typed error. `retry-after` wins; a 429 without it waits for the rate-limit reset headers.
 */
export function parseAnthropicError(
  status: number,
  bodyText: string,
  response: Pick<TransportResponse, 'header'>,
  source: AnthropicErrorSource,
  nowEpochMs: number = Date.now(),
): ResilientLLMError {
  const header = (name: string) => response.header(name);
  const envelope = tryParseJson(bodyText) as AnthropicErrorEnvelope | undefined;
  const error = typeof envelope === 'object' && envelope !== null ? envelope.error : undefined;
  const message = error?.message ?? (bodyText.trim().slice(0, 200) || 'request failed');
  let retryAfterMs = readRetryAfterMs(header, nowEpochMs);
  if (retryAfterMs === undefined && status === 429) {
    retryAfterMs = retryAfterFromRateLimits(readAnthropicRateLimits(header), nowEpochMs);
  }
  const requestId = (typeof envelope?.request_id === 'string' ? envelope.request_id : undefined) ?? header('request-id');
  return errorFromHttp({
    ...source,
    status,
    message,
    ...(error?.type !== undefined ? { providerCode: error.type } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** The HTTP status each error type is documented with, for in-band errors (which arrive in a 200). */
const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Maps an in-band `event: error` (sent after HTTP 200, then the stream ends) to a typed error.
 * `overloaded_error`, `rate_limit_error` and `api_error` become the retryable kinds without an HTTP
 * status (the reply was a 200); other types go through the status table with their documented code.
 */
export function anthropicStreamError(
  envelope: AnthropicErrorEnvelope,
  source: AnthropicErrorSource & { readonly requestId?: string; readonly hasEmittedOutput: boolean },
): ResilientLLMError {
  const type = envelope.error?.type;
  const message = `${envelope.error?.message ?? 'stream error'} (in-band ${type ?? 'error'})`;
  const details = { ...source, ...(type !== undefined ? { providerCode: type } : {}) };
  switch (type) {
    case 'overloaded_error':
      return new OverloadedError(message, details);
    case 'rate_limit_error':
      return new RateLimitError(message, details);
    case 'api_error':
      return new ServerError(message, details);
    default:
      return errorFromHttp({ ...details, status: STATUS_BY_ERROR_TYPE[type ?? ''] ?? 500, message });
  }
}
