import type { ResilientLLMError } from '../../errors/resilient-llm-error.js';
import type { ResponseLimits } from '../../transport/response-limits.js';
import type { TransportResponse } from '../../transport/transport.js';
import type { ProviderCallContext } from '../provider.js';

/** Turns a non-2xx reply (status, body text, headers) into a typed error. */
export type ErrorParser = (status: number, bodyText: string, response: TransportResponse) => ResilientLLMError;

/**
 * POSTs a JSON body through the context's transport. Resolves with the response once its status
 * is 2xx; otherwise reads the error body, closes the response and rejects with the parsed error.
 * Transport failures (connect, reset, headers timeout) reject with the transport's typed error.
 * `limits.maxResponseBytes` bounds what `response.text()` reads, here and in the caller.
 */
export async function postJson(
  context: ProviderCallContext,
  url: string,
  headers: Readonly<Record<string, string>>,
  body: unknown,
  parseError: ErrorParser,
  limits?: ResponseLimits,
): Promise<TransportResponse> {
  const response = await context.transport.request({
    url,
    method: 'POST',
    headers: context.headers ? { ...headers, ...context.headers } : headers,
    body: JSON.stringify(body),
    signal: context.abort ?? context.signal,
    maxResponseBytes: limits?.maxResponseBytes,
  });
  context.onResponseHeaders?.((name) => response.header(name));
  if (response.status >= 200 && response.status < 300) return response;
  let bodyText = '';
  try {
    bodyText = await response.text();
  } catch {
    // The error body is best effort; the status alone still maps to a typed error.
  } finally {
    response.cancel();
  }
  throw parseError(response.status, bodyText, response);
}

/** Parses JSON, returning undefined instead of throwing. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
