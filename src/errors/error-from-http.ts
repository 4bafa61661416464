import {
  AuthenticationError,
  BadRequestError,
  ContentFilterError,
  ContextWindowExceededError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  ProviderError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from './errors.js';
import type { ErrorDetails, ResilientLLMError } from './resilient-llm-error.js';

/** What an adapter extracted from a vendor's error reply. */
export type HttpErrorInfo = ErrorDetails & {
  readonly status: number;
  /** The vendor's message, already free of secrets or not: it is redacted again. */
  readonly message: string;
  readonly param?: string;
};

const CONTEXT_WINDOW_CODES = new Set(['context_length_exceeded', 'model_context_window_exceeded', 'string_above_max_length']);
const CONTEXT_WINDOW_TEXT =
  /context.length|context.window|maximum context|prompt is too long|too many (input )?tokens|exceeds the maximum number of tokens/i;
const INPUT_TOKEN_COUNT = 'input token count';

/**
 * Whether a line says `input token count … exceeds` (the regex `/input token count.*exceeds/i`
 * rescans the rest of the line from every mention, which is quadratic on a long one).
 */
function saysInputTokenCountExceeds(message: string): boolean {
  const lower = message.toLowerCase();
  let exceeds = -1;
  for (let at = lower.indexOf(INPUT_TOKEN_COUNT); at !== -1; ) {
    const from = at + INPUT_TOKEN_COUNT.length;
    if (exceeds < from) {
      exceeds = lower.indexOf('exceeds', from);
      if (exceeds === -1) return false;
    }
    let lineEnd = from;
    while (lineEnd < lower.length && !'\n\r\u2028\u2029'.includes(lower[lineEnd]!)) lineEnd++;
    if (exceeds < lineEnd) return true;
    at = lower.indexOf(INPUT_TOKEN_COUNT, lineEnd);
  }
  return false;
}

const CONTENT_POLICY_CODES = new Set(['content_policy_violation', 'content_filter', 'content_filtered', 'safety', 'prohibited_content']);
const CONTENT_POLICY_TEXT = /content (management )?policy|content filter|flagged by (our|the) safety|safety system/i;
const MODEL_NOT_FOUND_CODES = new Set(['model_not_found', 'not_found_error', 'not_found']);
// OpenAI: "The model `x` does not exist or you do not have access to it."; gateways: "model x not found".
const MODEL_NOT_FOUND_TEXT = /\bmodels?\b[^\n]{0,160}?\b(?:does not exist|is not found|not found)\b/i;
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_error', 'billing_hard_limit_reached']);

/**
 * Maps an HTTP error status (and the vendor's error type, code and message) to a typed error.
 * One table for every vendor; adapters only extract `HttpErrorInfo` from their envelope.
 *
 * | status | error | retryable |
 * |---|---|---|
 * | 400, 413, 422 | BadRequestError, ContextWindowExceededError or ContentFilterError by code/message; NotFoundError for an unknown model | no |
 * | 401 | AuthenticationError | no (fails over) |
 * | 403 | PermissionDeniedError | no (fails over) |
 * | 404 | NotFoundError | no (fails over: the model may exist elsewhere) |
 * | 408, 409 | ProviderError | yes |
 * | 429 | RateLimitError, or QuotaExceededError for `insufficient_quota` | yes / no |
 * | 503, 529 | OverloadedError | yes |
 * | other 5xx | ServerError | yes |
 */
export function errorFromHttp(info: HttpErrorInfo): ResilientLLMError {
  const { status, message } = info;
  const code = info.providerCode?.toLowerCase();
  if (status === 429) {
    if (code && QUOTA_CODES.has(code)) return new QuotaExceededError(message, info);
    return new RateLimitError(message, info);
  }
  if (status === 503 || status === 529 || code === 'overloaded_error') return new OverloadedError(message, info);
  if (status >= 500) return new ServerError(message, info);
  if (status === 401) return new AuthenticationError(message, info);
  if (status === 403) {
    if (code && CONTENT_POLICY_CODES.has(code)) return new ContentFilterError(message, info);
    return new PermissionDeniedError(message, info);
  }
  if (status === 404) return new NotFoundError(message, info);
  if (status === 408 || status === 409) return new ProviderError(message, true, info);
  if (status === 400 || status === 413 || status === 422) {
    if ((code && CONTEXT_WINDOW_CODES.has(code)) || CONTEXT_WINDOW_TEXT.test(message) || saysInputTokenCountExceeds(message)) {
      return new ContextWindowExceededError(message, info);
    }
    if ((code && CONTENT_POLICY_CODES.has(code)) || CONTENT_POLICY_TEXT.test(message)) {
      return new ContentFilterError(message, info);
    }
    if (status === 400 && ((code && MODEL_NOT_FOUND_CODES.has(code)) || MODEL_NOT_FOUND_TEXT.test(message))) {
      return new NotFoundError(message, info);
    }
    return new BadRequestError(message, info);
  }
  if (code && QUOTA_CODES.has(code)) return new QuotaExceededError(message, info);
  return new ProviderError(message, false, info);
}
