import { errorFromHttp, type HttpErrorInfo } from '../../errors/error-from-http.js';
import { AuthenticationError } from '../../errors/errors.js';
import type { ErrorDetails, ResilientLLMError } from '../../errors/resilient-llm-error.js';
import type { TransportResponse } from '../../transport/transport.js';
import { parseDurationMs, readRetryAfterMs } from '../shared/retry-after.js';
import { tryParseJson } from '../shared/send.js';
import type { GeminiErrorObject } from './gemini-wire-types.js';

/** Who failed: the adapter name and the model, stamped on every error. */
export type GeminiErrorContext = {
  readonly provider: string;
  readonly model: string;
};

const MAX_RAW_MESSAGE_LENGTH = 200;

/** The HTTP status each `google.rpc.Code` stands for, used when an in-band error has no numeric `code`. */
const RPC_STATUS_TO_HTTP: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  UNKNOWN: 500,
  INTERNAL: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/**
 * Returns the `google.rpc.Status` of an error envelope: `{ error: {...} }`, or the same wrapped
 * in an array (`[{ error: {...} }]`, sent by the non-SSE streaming endpoint).
 */
export function readGeminiErrorObject(value: unknown): GeminiErrorObject | undefined {
  const envelope = Array.isArray(value) ? value[0] : value;
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const error = (envelope as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null && !Array.isArray(error)) return error as GeminiErrorObject;
  if (typeof error === 'string' && error !== '') return { message: error };
  return undefined;
}

function detailsOf(error: GeminiErrorObject | undefined): readonly Record<string, unknown>[] {
  if (!error || !Array.isArray(error.details)) return [];
  return error.details.filter((detail): detail is Record<string, unknown> => typeof detail === 'object' && detail !== null);
}

function detailType(detail: Record<string, unknown>): string {
  const type = detail['@type'];
  return typeof type === 'string' ? type : '';
}

/** Reads `details[@type=…RetryInfo].retryDelay` (a duration such as `"34.4s"`) in milliseconds. */
function readRetryDelayMs(details: readonly Record<string, unknown>[]): number | undefined {
  for (const detail of details) {
    if (detailType(detail).endsWith('RetryInfo') && typeof detail.retryDelay === 'string') {
      return parseDurationMs(detail.retryDelay);
    }
  }
  return undefined;
}

/** Gemini refuses a bad key with 400 INVALID_ARGUMENT and `ErrorInfo.reason: "API_KEY_INVALID"`. */
function isInvalidApiKey(details: readonly Record<string, unknown>[]): boolean {
  return details.some((detail) => detailType(detail).endsWith('ErrorInfo') && detail.reason === 'API_KEY_INVALID');
}

function buildError(
  status: number,
  message: string,
  error: GeminiErrorObject | undefined,
  context: GeminiErrorContext,
  extra: ErrorDetails,
): ResilientLLMError {
  const details = detailsOf(error);
  const providerCode = typeof error?.status === 'string' && error.status !== '' ? error.status : undefined;
  const info: HttpErrorInfo = {
    ...extra,
    status,
    message,
    provider: context.provider,
    model: context.model,
    ...(providerCode !== undefined ? { providerCode } : {}),
  };
  const retryDelayMs = readRetryDelayMs(details);
  const withRetry: HttpErrorInfo = retryDelayMs !== undefined ? { ...info, retryAfterMs: retryDelayMs } : info;
  if (isInvalidApiKey(details)) return new AuthenticationError(message, withRetry);
  return errorFromHttp(withRetry);
}

function messageOf(error: GeminiErrorObject | undefined, fallback: string): string {
  return typeof error?.message === 'string' && error.message !== '' ? error.message : fallback;
}

/**
 * Turns a non-2xx Gemini reply into a typed error: the envelope's message, its `status`
 * (`RESOURCE_EXHAUSTED`, …) as the provider code, the retry delay from `RetryInfo` (else the
 * `retry-after` header), and `API_KEY_INVALID` as an `AuthenticationError`.
 */
export function parseGeminiError(
  status: number,
  bodyText: string,
  response: TransportResponse,
  context: GeminiErrorContext,
): ResilientLLMError {
  const error = readGeminiErrorObject(tryParseJson(bodyText));
  const message = messageOf(error, bodyText.trim().slice(0, MAX_RAW_MESSAGE_LENGTH) || 'request failed');
  const retryAfterMs = readRetryAfterMs((name) => response.header(name));
  return buildError(status, message, error, context, retryAfterMs !== undefined ? { retryAfterMs } : {});
}

/**
 * Turns an error that arrived with HTTP 200 (a bare JSON error object in the stream, or an error
 * envelope as the body) into a typed error; its status is the error's `code`.
 */
export function geminiInBandError(
  error: GeminiErrorObject,
  context: GeminiErrorContext,
  hasEmittedOutput: boolean,
): ResilientLLMError {
  const code = typeof error.code === 'number' ? error.code : Number(error.code);
  const status =
    Number.isInteger(code) && code >= 400 && code <= 599
      ? code
      : (RPC_STATUS_TO_HTTP[typeof error.status === 'string' ? error.status : ''] ?? 500);
  return buildError(status, messageOf(error, 'error inside the stream'), error, context, { hasEmittedOutput });
}
