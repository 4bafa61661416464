import { errorFromHttp, type HttpErrorInfo } from '../../errors/error-from-http.js';
import type { ErrorDetails, ResilientLLMError } from '../../errors/resilient-llm-error.js';
import type { TransportResponse } from '../../transport/transport.js';
import { readRetryAfterMs } from '../shared/retry-after.js';
import { tryParseJson } from '../shared/send.js';
import { readOpenAIRateLimits, retryAfterFromOpenAIRateLimits } from './read-openai-rate-limits.js';

/** The `error` object of an OpenAI error envelope `{ error: { message, type, param, code } }`. */
export type OpenAIErrorObject = {
  readonly message?: unknown;
  readonly type?: unknown;
  readonly param?: unknown;
  readonly code?: unknown;
};

/** Who failed: the adapter name and the model, stamped on every error. */
export type OpenAIErrorContext = {
  readonly provider: string;
  readonly model: string;
};

const MAX_RAW_MESSAGE_LENGTH = 200;

/** Returns the envelope's `error` object when `value` is `{ error: {...} }`. */
export function readOpenAIErrorObject(value: unknown): OpenAIErrorObject | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const error = (value as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null) return error as OpenAIErrorObject;
  // Some gateways send `{ "error": "text" }`.
  if (typeof error === 'string' && error !== '') return { message: error };
  return undefined;
}

function buildInfo(
  status: number,
  message: string,
  error: OpenAIErrorObject | undefined,
  context: OpenAIErrorContext,
  extra: ErrorDetails,
): HttpErrorInfo {
  const code = typeof error?.code === 'string' && error.code !== '' ? error.code : undefined;
  const type = typeof error?.type === 'string' && error.type !== '' ? error.type : undefined;
  const providerCode = code ?? type;
  const param = typeof error?.param === 'string' ? error.param : undefined;
  return {
    ...extra,
    status,
    message,
    provider: context.provider,
    model: context.model,
    ...(providerCode !== undefined ? { providerCode } : {}),
    ...(param !== undefined ? { param } : {}),
  };
}

/**
 * Turns a non-2xx Chat Completions or Embeddings reply into a typed error: reads the envelope's
 * message, `code ?? type` as the provider code, `param`, the Retry-After headers and `x-request-id`.
 * `retry-after-ms`/`retry-after` win; a 429 without them waits for the reset of the exhausted
 * `x-ratelimit-*` bucket, and otherwise carries no `retryAfterMs`.
 */
export function parseOpenAIError(
  status: number,
  bodyText: string,
  response: TransportResponse,
  context: OpenAIErrorContext,
): ResilientLLMError {
  const error = readOpenAIErrorObject(tryParseJson(bodyText));
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : bodyText.trim().slice(0, MAX_RAW_MESSAGE_LENGTH) || 'request failed';
  const header = (name: string) => response.header(name);
  let retryAfterMs = readRetryAfterMs(header);
  if (retryAfterMs === undefined && status === 429) retryAfterMs = retryAfterFromOpenAIRateLimits(readOpenAIRateLimits(header));
  const requestId = response.header('x-request-id');
  return errorFromHttp(
    buildInfo(status, message, error, context, {
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
    }),
  );
}

/**
 * The HTTP status an error that arrived inside a 200 stream stands for: a numeric `code` when the
 * gateway sent one, else inferred from `type`/`code` (rate limits 429, invalid requests 400,
 * overload 503, anything else 500).
 */
function inferStreamErrorStatus(error: OpenAIErrorObject): number {
  const numeric = typeof error.code === 'number' ? error.code : typeof error.code === 'string' ? Number(error.code) : NaN;
  if (Number.isInteger(numeric) && numeric >= 400 && numeric <= 599) return numeric;
  const kind = `${typeof error.type === 'string' ? error.type : ''} ${typeof error.code === 'string' ? error.code : ''}`;
  if (kind.includes('rate_limit') || kind.includes('insufficient_quota')) return 429;
  if (kind.includes('overloaded')) return 503;
  if (kind.includes('invalid_request') || kind.includes('context_length_exceeded')) return 400;
  return 500;
}

/**
 * Turns an error that arrived with HTTP 200 (an in-band `data: {"error": …}` stream event or body)
 * into a typed error, as the HTTP reply of `status` (inferred from the error when not given) would be.
 */
export function openAIInBandError(
  error: OpenAIErrorObject,
  context: OpenAIErrorContext,
  details: { readonly requestId: string | undefined; readonly hasEmittedOutput: boolean },
  status: number = inferStreamErrorStatus(error),
): ResilientLLMError {
  const message = typeof error.message === 'string' && error.message !== '' ? error.message : 'error inside the stream';
  return errorFromHttp(
    buildInfo(status, message, error, context, {
      hasEmittedOutput: details.hasEmittedOutput,
      ...(details.requestId !== undefined ? { requestId: details.requestId } : {}),
    }),
  );
}
