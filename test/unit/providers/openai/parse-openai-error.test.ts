import { afterEach, describe, expect, it } from 'vitest';
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
} from '../../../../src/errors/errors.js';
import { ResilientLLMError } from '../../../../src/errors/resilient-llm-error.js';
import { openai, openaiCompatible } from '../../../../src/providers/openai/openai-adapter.js';
import { parseOpenAIError } from '../../../../src/providers/openai/parse-openai-error.js';
import type { TransportResponse } from '../../../../src/transport/transport.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
import { readFixture } from '../../../helpers/fixtures.js';
import { startReplayServer, type ReplayServer, type ScriptedReply } from '../../../helpers/replay-server.js';
import { callContext, chunk, collectParts, sseData } from './call-context.js';

let server: ReplayServer | undefined;
let transport: UndiciTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

function envelope(message: string, type: string, code: string | null, param: string | null = null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

type ErrorCase = {
  readonly title: string;
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
  readonly errorClass: new (...args: never[]) => ResilientLLMError;
  readonly code: string;
  readonly isRetryable: boolean;
  readonly providerCode?: string;
  readonly retryAfterMs?: number;
};

const HTTP_DATE_IN_30_SECONDS = 'HTTP_DATE_IN_30_SECONDS';

const CASES: readonly ErrorCase[] = [
  {
    title: '400 unsupported value (recorded body)',
    status: 400,
    body: readFixture('openai/pydantic-ai/error-400-unsupported-value.0.response.json'),
    errorClass: BadRequestError,
    code: 'RLLM_BAD_REQUEST',
    isRetryable: false,
    providerCode: 'unsupported_value',
  },
  {
    title: '400 context_length_exceeded',
    status: 400,
    body: envelope("This model's maximum context length is 128000 tokens.", 'invalid_request_error', 'context_length_exceeded', 'messages'),
    errorClass: ContextWindowExceededError,
    code: 'RLLM_CONTEXT_WINDOW_EXCEEDED',
    isRetryable: false,
    providerCode: 'context_length_exceeded',
  },
  {
    title: '400 content policy',
    status: 400,
    body: envelope('Your request was rejected as a result of our safety system.', 'invalid_request_error', 'content_policy_violation'),
    errorClass: ContentFilterError,
    code: 'RLLM_CONTENT_FILTERED',
    isRetryable: false,
    providerCode: 'content_policy_violation',
  },
  {
    title: '401 invalid key',
    status: 401,
    body: envelope('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
    errorClass: AuthenticationError,
    code: 'RLLM_AUTHENTICATION',
    isRetryable: false,
    providerCode: 'invalid_api_key',
  },
  {
    title: '403 forbidden',
    status: 403,
    body: envelope('Project does not have access to model.', 'invalid_request_error', 'model_not_allowed'),
    errorClass: PermissionDeniedError,
    code: 'RLLM_PERMISSION_DENIED',
    isRetryable: false,
  },
  {
    title: '404 unknown model',
    status: 404,
    body: envelope('The model `gpt-9` does not exist.', 'invalid_request_error', 'model_not_found'),
    errorClass: NotFoundError,
    code: 'RLLM_NOT_FOUND',
    isRetryable: false,
  },
  { title: '408 timeout', status: 408, body: envelope('Request timed out.', 'timeout', null), errorClass: ProviderError, code: 'RLLM_PROVIDER_ERROR', isRetryable: true, providerCode: 'timeout' },
  { title: '409 conflict', status: 409, body: envelope('Conflict.', 'conflict', null), errorClass: ProviderError, code: 'RLLM_PROVIDER_ERROR', isRetryable: true },
  { title: '413 too large', status: 413, body: envelope('Request too large.', 'invalid_request_error', null), errorClass: BadRequestError, code: 'RLLM_BAD_REQUEST', isRetryable: false },
  { title: '422 unprocessable', status: 422, body: envelope('Invalid schema.', 'invalid_request_error', 'invalid_schema'), errorClass: BadRequestError, code: 'RLLM_BAD_REQUEST', isRetryable: false },
  {
    title: '429 rate limit with retry-after-ms',
    status: 429,
    body: envelope('Rate limit reached for gpt-4o on tokens per min (TPM).', 'tokens', 'rate_limit_exceeded'),
    headers: { 'retry-after-ms': '1500', 'retry-after': '9' },
    errorClass: RateLimitError,
    code: 'RLLM_RATE_LIMITED',
    isRetryable: true,
    providerCode: 'rate_limit_exceeded',
    retryAfterMs: 1500,
  },
  {
    title: '429 rate limit with retry-after seconds',
    status: 429,
    body: envelope('Rate limit reached.', 'requests', 'rate_limit_exceeded'),
    headers: { 'retry-after': '2' },
    errorClass: RateLimitError,
    code: 'RLLM_RATE_LIMITED',
    isRetryable: true,
    retryAfterMs: 2000,
  },
  {
    title: '429 rate limit with retry-after HTTP date',
    status: 429,
    body: envelope('Rate limit reached.', 'requests', 'rate_limit_exceeded'),
    headers: { 'retry-after': HTTP_DATE_IN_30_SECONDS },
    errorClass: RateLimitError,
    code: 'RLLM_RATE_LIMITED',
    isRetryable: true,
  },
  {
    title: '429 insufficient quota',
    status: 429,
    body: envelope('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota'),
    errorClass: QuotaExceededError,
    code: 'RLLM_QUOTA_EXCEEDED',
    isRetryable: false,
    providerCode: 'insufficient_quota',
  },
  { title: '500 server error', status: 500, body: envelope('The server had an error.', 'server_error', null), errorClass: ServerError, code: 'RLLM_SERVER_ERROR', isRetryable: true, providerCode: 'server_error' },
  { title: '502 HTML from a proxy', status: 502, body: '<html><body>Bad gateway</body></html>', errorClass: ServerError, code: 'RLLM_SERVER_ERROR', isRetryable: true },
  { title: '503 overloaded', status: 503, body: envelope('The engine is currently overloaded.', 'server_error', null), errorClass: OverloadedError, code: 'RLLM_OVERLOADED', isRetryable: true },
  { title: '504 gateway timeout', status: 504, body: '', errorClass: ServerError, code: 'RLLM_SERVER_ERROR', isRetryable: true },
  { title: '529 overloaded', status: 529, body: envelope('Overloaded.', 'server_error', null), errorClass: OverloadedError, code: 'RLLM_OVERLOADED', isRetryable: true },
];

function replyFor(errorCase: ErrorCase, index: number): ScriptedReply {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': `req_${index}` };
  for (const [name, value] of Object.entries(errorCase.headers ?? {})) {
    headers[name] = value === HTTP_DATE_IN_30_SECONDS ? new Date(Date.now() + 30_000).toUTCString() : value;
  }
  return { status: errorCase.status, headers, chunks: errorCase.body === '' ? [] : [errorCase.body] };
}

describe('OpenAI error mapping', () => {
  it.each(CASES.map((errorCase, index) => [errorCase.title, errorCase, index] as const))(
    'maps %s to its typed error',
    async (_title, errorCase, index) => {
      server = await startReplayServer(() => replyFor(errorCase, index));
      transport = new UndiciTransport();
      const adapter = openai({ apiKey: 'sk-test-error-table', baseURL: `${server.url}/v1` });
      const error = await adapter
        .doGenerate({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }, callContext(transport))
        .then(
          () => undefined,
          (rejection: unknown) => rejection,
        );
      expect(error).toBeInstanceOf(errorCase.errorClass);
      const typed = error as ResilientLLMError;
      expect(typed.code).toBe(errorCase.code);
      expect(typed.isRetryable).toBe(errorCase.isRetryable);
      expect(typed.status).toBe(errorCase.status);
      expect(typed.requestId).toBe(`req_${index}`);
      expect(typed.provider).toBe('openai');
      expect(typed.model).toBe('gpt-4o');
      expect(typed.message).toMatch(new RegExp(`^openai/gpt-4o: .+ \\(HTTP ${errorCase.status}\\)$`));
      if (errorCase.providerCode !== undefined) expect(typed.providerCode).toBe(errorCase.providerCode);
      if (errorCase.retryAfterMs !== undefined) expect(typed.retryAfterMs).toBe(errorCase.retryAfterMs);
      if (errorCase.headers?.['retry-after'] === HTTP_DATE_IN_30_SECONDS) {
        expect(typed.retryAfterMs).toBeGreaterThan(25_000);
        expect(typed.retryAfterMs).toBeLessThanOrEqual(31_000);
      }
      if (errorCase.headers === undefined) expect(typed.retryAfterMs).toBeUndefined();
    },
  );

  it('keeps the param of a 400 and falls back to the type when code is null', async () => {
    server = await startReplayServer([
      {
        status: 400,
        headers: { 'content-type': 'application/json' },
        chunks: [readFixture('openai/pydantic-ai/error-400-web-search-unsupported.0.response.json')],
      },
    ]);
    transport = new UndiciTransport();
    const adapter = openai({ apiKey: 'sk-test-error-table', baseURL: `${server.url}/v1` });
    const error = await adapter
      .doGenerate({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }, callContext(transport))
      .catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('web_search_options');
    expect((error as BadRequestError).providerCode).toBe('invalid_request_error');
    expect((error as BadRequestError).message).toBe('openai/gpt-4o: Web search options not supported with this model. (HTTP 400)');
  });

  it('rejects doStream with the typed error when the stream request gets a non-2xx reply', async () => {
    server = await startReplayServer([
      {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '3', 'x-request-id': 'req_stream' },
        chunks: [envelope('Rate limit reached.', 'requests', 'rate_limit_exceeded')],
      },
    ]);
    transport = new UndiciTransport();
    const adapter = openai({ apiKey: 'sk-test-error-table', baseURL: `${server.url}/v1` });
    const error = await adapter
      .doStream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }, callContext(transport))
      .catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 3000, requestId: 'req_stream', status: 429 });
  });
});

function responseWith(headers: Record<string, string>): TransportResponse {
  return {
    status: 429,
    header: (name) => headers[name],
    body: (async function* () {})(),
    text: () => Promise.resolve(''),
    cancel: () => undefined,
  };
}

const RATE_LIMIT_BODY = envelope('Rate limit reached for gpt-4o on requests per min (RPM).', 'requests', 'rate_limit_exceeded');
const CONTEXT = { provider: 'openai', model: 'gpt-4o' };

function exhausted(requests: { remaining: string; reset: string } | undefined, tokens: { remaining: string; reset: string } | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (requests) {
    headers['x-ratelimit-limit-requests'] = '500';
    headers['x-ratelimit-remaining-requests'] = requests.remaining;
    headers['x-ratelimit-reset-requests'] = requests.reset;
  }
  if (tokens) {
    headers['x-ratelimit-limit-tokens'] = '30000';
    headers['x-ratelimit-remaining-tokens'] = tokens.remaining;
    headers['x-ratelimit-reset-tokens'] = tokens.reset;
  }
  return headers;
}

describe('OpenAI 429 wait from the x-ratelimit reset headers', () => {
  it.each([
    ['the requests bucket is exhausted', exhausted({ remaining: '0', reset: '1m30.5s' }, { remaining: '29000', reset: '6m0s' }), 90_500],
    ['the tokens bucket is exhausted', exhausted({ remaining: '499', reset: '6m0s' }, { remaining: '0', reset: '20ms' }), 20],
    ['both are exhausted (the later reset)', exhausted({ remaining: '0', reset: '1s' }, { remaining: '0', reset: '6m0s' }), 360_000],
    ['both are exhausted, the requests reset later', exhausted({ remaining: '0', reset: '2s' }, { remaining: '0', reset: '150ms' }), 2_000],
    ['only the exhausted reset parses', exhausted({ remaining: '0', reset: 'soon' }, { remaining: '0', reset: '700ms' }), 700],
  ])('sets retryAfterMs from the reset when %s', (_title, headers, expected) => {
    const error = parseOpenAIError(429, RATE_LIMIT_BODY, responseWith(headers), CONTEXT);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(expected);
  });

  it.each([
    ['no bucket is exhausted', exhausted({ remaining: '3', reset: '1s' }, { remaining: '100', reset: '20ms' })],
    ['the rate-limit headers are missing', {}],
    ['only the remaining counts are sent', { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '0' }],
    ['the exhausted reset is malformed', exhausted({ remaining: '0', reset: '6m0' }, { remaining: '5', reset: '1s' })],
    ['the exhausted reset is not a duration', exhausted({ remaining: '0', reset: '2025-01-01T00:00:00Z' }, undefined)],
    ['the exhausted reset is negative', exhausted(undefined, { remaining: '0', reset: '-1s' })],
    ['the remaining count is not a number', exhausted({ remaining: 'zero', reset: '1s' }, undefined)],
  ])('leaves retryAfterMs undefined when %s', (_title, headers) => {
    const error = parseOpenAIError(429, RATE_LIMIT_BODY, responseWith(headers), CONTEXT);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('lets retry-after and retry-after-ms win over the reset headers', () => {
    const resets = exhausted({ remaining: '0', reset: '6m0s' }, { remaining: '0', reset: '1s' });
    expect(parseOpenAIError(429, RATE_LIMIT_BODY, responseWith({ ...resets, 'retry-after': '2' }), CONTEXT).retryAfterMs).toBe(2_000);
    expect(parseOpenAIError(429, RATE_LIMIT_BODY, responseWith({ ...resets, 'retry-after-ms': '15' }), CONTEXT).retryAfterMs).toBe(15);
    expect(parseOpenAIError(429, RATE_LIMIT_BODY, responseWith({ ...resets, 'retry-after': '0' }), CONTEXT).retryAfterMs).toBe(0);
  });

  it('reads the reset headers only on a 429', () => {
    const error = parseOpenAIError(503, envelope('Overloaded.', 'server_error', null), responseWith(exhausted({ remaining: '0', reset: '1s' }, undefined)), CONTEXT);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('sets retryAfterMs from the reset headers for openaiCompatible() streams and openai() embeddings over HTTP', async () => {
    server = await startReplayServer(() => ({
      status: 429,
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_reset', ...exhausted({ remaining: '499', reset: '1s' }, { remaining: '0', reset: '1.5s' }) },
      chunks: [RATE_LIMIT_BODY],
    }));
    transport = new UndiciTransport();
    const request = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Hi' }] };
    const compatible = openaiCompatible({ apiKey: 'gw-key', baseURL: `${server.url}/v1`, name: 'gateway' });
    const streamError = await compatible.doStream(request, callContext(transport)).catch((rejection: unknown) => rejection);
    expect(streamError).toBeInstanceOf(RateLimitError);
    expect(streamError).toMatchObject({ retryAfterMs: 1_500, provider: 'gateway', requestId: 'req_reset' });
    const embedError = await openai({ apiKey: 'sk-test', baseURL: `${server.url}/v1` })
      .embed!({ model: 'text-embedding-3-small', input: ['x'] }, callContext(transport))
      .catch((rejection: unknown) => rejection);
    expect(embedError).toBeInstanceOf(RateLimitError);
    expect(embedError).toMatchObject({ retryAfterMs: 1_500 });
    expect(server.requests.map((received) => received.url)).toEqual(['/v1/chat/completions', '/v1/embeddings']);
  });
});

describe('API keys in errors', () => {
  it('never shows the key in an error message or its JSON, for HTTP and in-band errors', async () => {
    const openaiKey = 'sk-proj-SecretKeyValue0123456789';
    const gatewayKey = 'Gateway.Secret/Value-42';
    server = await startReplayServer((request) => {
      const key = request.headers.authorization?.slice('Bearer '.length) ?? '';
      if (request.url.endsWith('/embeddings')) {
        return { status: 401, headers: { 'content-type': 'application/json' }, chunks: [envelope(`Incorrect API key provided: ${key}.`, 'invalid_request_error', 'invalid_api_key')] };
      }
      const isStream = (JSON.parse(request.body) as { stream?: boolean }).stream === true;
      if (isStream) {
        return {
          chunks: [sseData(chunk({ content: 'a' })), sseData({ error: { message: `key ${key} was revoked`, type: 'server_error', code: null } })],
        };
      }
      return { status: 401, headers: { 'content-type': 'application/json' }, chunks: [envelope(`Incorrect API key provided: ${key}. Authorization: Bearer ${key}`, 'invalid_request_error', 'invalid_api_key')] };
    });
    transport = new UndiciTransport();
    const adapters = [
      { adapter: openai({ apiKey: openaiKey, baseURL: `${server.url}/v1` }), key: openaiKey },
      { adapter: openaiCompatible({ apiKey: gatewayKey, baseURL: `${server.url}/v1` }), key: gatewayKey },
    ];
    const request = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Hi' }] };
    for (const { adapter, key } of adapters) {
      const errors: unknown[] = [];
      errors.push(await adapter.doGenerate(request, callContext(transport)).catch((error: unknown) => error));
      errors.push(await adapter.embed!({ model: 'e', input: ['x'] }, callContext(transport)).catch((error: unknown) => error));
      const stream = await adapter.doStream(request, callContext(transport));
      errors.push(await collectParts(stream).catch((error: unknown) => error));
      expect(errors[0]).toBeInstanceOf(AuthenticationError);
      expect(errors[1]).toBeInstanceOf(AuthenticationError);
      expect(errors[2]).toBeInstanceOf(ServerError);
      for (const error of errors) {
        const typed = error as ResilientLLMError;
        expect(typed.message).not.toContain(key);
        expect(JSON.stringify(typed)).not.toContain(key);
        expect(String(typed.stack)).not.toContain(key);
        expect(typed.message).toContain('[redacted]');
      }
    }
  });
});
