import { APICallError, JSONParseError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { mapAiSdkError } from '../../../src/interop/map-ai-sdk-error.js';

const source = { provider: 'bedrock.messages', model: 'claude-x' };

function apiError(fields: Partial<ConstructorParameters<typeof APICallError>[0]>): APICallError {
  return new APICallError({ message: 'failed', url: 'https://example.invalid/v1', requestBodyValues: {}, ...fields });
}

describe('mapAiSdkError', () => {
  it('maps a 429 APICallError with Retry-After to a RateLimitError with retryAfterMs', () => {
    const error = mapAiSdkError(apiError({ statusCode: 429, responseHeaders: { 'retry-after': '7' }, isRetryable: true }), source);
    expect(error).toMatchObject({ name: 'RateLimitError', status: 429, retryAfterMs: 7000, isRetryable: true, provider: 'bedrock.messages', model: 'claude-x' });
    expect(error.message).toBe('bedrock.messages/claude-x: failed (HTTP 429)');
  });

  it('reads the vendor error type from the parsed body', () => {
    const error = mapAiSdkError(apiError({ statusCode: 529, data: { type: 'error', error: { type: 'overloaded_error', message: 'busy' } } }), source);
    expect(error).toMatchObject({ code: 'RLLM_OVERLOADED', providerCode: 'overloaded_error' });
  });

  it('maps 401, 404 and 400 context-length errors through the status table', () => {
    expect(mapAiSdkError(apiError({ statusCode: 401 }), source).code).toBe('RLLM_AUTHENTICATION');
    expect(mapAiSdkError(apiError({ statusCode: 404 }), source).code).toBe('RLLM_NOT_FOUND');
    expect(mapAiSdkError(apiError({ statusCode: 400, message: 'prompt is too long: 300000 tokens' }), source).code).toBe('RLLM_CONTEXT_WINDOW_EXCEEDED');
  });

  it('treats a status-less retryable APICallError (cannot connect) as a connection error', () => {
    expect(mapAiSdkError(apiError({ isRetryable: true, message: 'Cannot connect to API' }), source).code).toBe('RLLM_CONNECTION');
  });

  it('treats a body that fails after a 200 as a connection error when the socket dropped', () => {
    const cut = apiError({ statusCode: 200, cause: new TypeError('terminated') });
    expect(mapAiSdkError(cut, source).code).toBe('RLLM_CONNECTION');
  });

  it('maps parse errors to InvalidResponseError', () => {
    expect(mapAiSdkError(new JSONParseError({ text: '{', cause: new Error('bad') }), source).code).toBe('RLLM_INVALID_RESPONSE');
  });

  it('maps in-stream vendor error objects by their type, without an HTTP status', () => {
    const overloaded = mapAiSdkError({ type: 'overloaded_error', message: 'Overloaded' }, source, true);
    expect(overloaded).toMatchObject({ code: 'RLLM_OVERLOADED', providerCode: 'overloaded_error', hasEmittedOutput: true });
    expect(overloaded.status).toBeUndefined();
    expect(mapAiSdkError({ error: { code: 'rate_limit_exceeded', message: 'slow down' } }, source).code).toBe('RLLM_RATE_LIMITED');
    expect(mapAiSdkError({ error: { type: 'invalid_request_error', message: 'bad' } }, source).code).toBe('RLLM_BAD_REQUEST');
  });

  it('never puts a key from the error into the message', () => {
    const error = mapAiSdkError(apiError({ statusCode: 401, message: 'invalid x-api-key: sk-ant-abcdefghijklmnop' }), source);
    expect(error.message).not.toContain('sk-ant-abcdefghijklmnop');
  });
});
