import { errorFromHttp } from '../errors/error-from-http.js';
import { ConnectionError, InvalidResponseError, OverloadedError, ProviderError, RateLimitError, ServerError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { readRetryAfterMs } from '../providers/shared/retry-after.js';

/** Who failed, for the error's `provider`/`model` fields. */
export type AiSdkErrorSource = { readonly provider: string; readonly model: string };

/** The fields of the AI SDK's `APICallError` we read; duck-typed so nothing of the AI SDK loads. */
type ApiCallErrorLike = Error & {
  readonly statusCode?: number;
  readonly responseHeaders?: Record<string, string>;
  readonly isRetryable: boolean;
  readonly data?: unknown;
};

const INVALID_RESPONSE_NAMES = new Set(['AI_InvalidResponseDataError', 'AI_JSONParseError', 'AI_TypeValidationError', 'AI_EmptyResponseBodyError']);
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);

/** The marker `AISDKError.isInstance` checks, which holds across copies of the package. */
function hasMarker(error: object, name: string): boolean {
  return (error as Record<symbol, unknown>)[Symbol.for(`vercel.ai.error.${name}`)] === true;
}

function isApiCallError(error: unknown): error is ApiCallErrorLike {
  return error instanceof Error && (hasMarker(error, 'AI_APICallError') || error.name === 'AI_APICallError');
}

/** The vendor's error type or code in a parsed error body or in-band error object. */
function vendorCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const nested = record.error;
  if (typeof nested === 'object' && nested !== null && nested !== value) return vendorCode(nested);
  const code = record.type ?? record.code ?? record.status;
  return typeof code === 'string' && code !== 'error' ? code : undefined;
}

/** An in-band error's status, inferred from its type as the native adapters do: the reply itself was a 200. */
function inBandStatus(code: string | undefined): number {
  const kind = code?.toLowerCase() ?? '';
  if (kind.includes('rate_limit') || kind.includes('resource_exhausted')) return 429;
  if (kind.includes('overloaded') || kind.includes('unavailable')) return 529;
  if (kind.includes('context_length') || kind.includes('invalid_request')) return 400;
  if (kind.includes('authentication')) return 401;
  if (kind.includes('permission')) return 403;
  if (kind.includes('not_found')) return 404;
  return 500;
}

/** A socket-level failure: undici's `TypeError: terminated` / `fetch failed`, or a socket error code. */
function isConnectionFailure(error: Error): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return error.name === 'TypeError' && /terminated|fetch failed|network/i.test(error.message);
}

/**
 * Maps whatever an AI SDK model threw or put in an `error` stream part to our taxonomy:
 * `APICallError` by status, headers (Retry-After) and retryability; in-band error objects by their
 * vendor type; parse errors as `InvalidResponseError`; socket failures as `ConnectionError`.
 */
export function mapAiSdkError(error: unknown, source: AiSdkErrorSource, hasEmittedOutput = false): ResilientLLMError {
  if (error instanceof ResilientLLMError) return error;
  const details = { provider: source.provider, model: source.model, ...(hasEmittedOutput ? { hasEmittedOutput } : {}), cause: error };
  if (isApiCallError(error)) {
    const headers = error.responseHeaders ?? {};
    const retryAfterMs = readRetryAfterMs((name) => headers[name] ?? headers[name.toLowerCase()]);
    const providerCode = vendorCode(error.data);
    const status = error.statusCode;
    if (status === undefined || status < 300) {
      // No status, or a 2xx whose body failed: the socket dropped (a cut stream) or the body was not the protocol.
      const cause = (error as { cause?: unknown }).cause;
      if ((cause instanceof Error && isConnectionFailure(cause)) || (status === undefined && error.isRetryable)) {
        return new ConnectionError(error.message, details);
      }
      return status === undefined ? new ProviderError(error.message, false, details) : new InvalidResponseError(error.message, details);
    }
    return errorFromHttp({
      ...details,
      status,
      message: error.message,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(providerCode !== undefined ? { providerCode } : {}),
    });
  }
  if (error instanceof Error) {
    if (INVALID_RESPONSE_NAMES.has(error.name)) return new InvalidResponseError(error.message, details);
    if (isConnectionFailure(error)) return new ConnectionError(error.message, details);
    return new ProviderError(error.message, false, details);
  }
  // An error part with the vendor's own error object (`{ type: 'overloaded_error', message }`): the
  // reply was a 200, so the retryable kinds carry no status; others go through the status table.
  const providerCode = vendorCode(error);
  const record = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; error?: { message?: unknown } };
  const text = record.message ?? record.error?.message;
  const message = `${typeof text === 'string' && text !== '' ? text : 'error inside the stream'} (in-band ${providerCode ?? 'error'})`;
  const inBand = { ...details, ...(providerCode !== undefined ? { providerCode } : {}) };
  const status = inBandStatus(providerCode);
  if (status === 429) return new RateLimitError(message, inBand);
  if (status === 529) return new OverloadedError(message, inBand);
  if (status === 500) return new ServerError(message, inBand);
  return errorFromHttp({ ...inBand, status, message });
}
