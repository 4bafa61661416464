import { describe, expect, it } from 'vitest';
import { errorFromHttp } from '../../../../src/errors/error-from-http.js';
import { ConnectionError, OverloadedError, RateLimitError, ServerError, TimeoutError } from '../../../../src/errors/errors.js';
import { ResilientLLMError, type ErrorCode } from '../../../../src/errors/resilient-llm-error.js';
import { classifyError, DEFAULT_ERROR_DECISIONS, isUnreachable, type ErrorDecision } from '../../../../src/policy/retry/classify-error.js';

// Written out by hand (not read from DEFAULT_ERROR_DECISIONS) so a change to the table fails here.
const EXPECTED: Record<ErrorCode, ErrorDecision> = {
  RLLM_RATE_LIMITED: 'retry',
  RLLM_OVERLOADED: 'retry',
  RLLM_SERVER_ERROR: 'retry',
  RLLM_CONNECTION: 'retry',
  RLLM_INVALID_RESPONSE: 'retry',
  RLLM_PROVIDER_ERROR: 'retry',
  RLLM_AUTHENTICATION: 'failover',
  RLLM_PERMISSION_DENIED: 'failover',
  RLLM_QUOTA_EXCEEDED: 'failover',
  RLLM_CIRCUIT_OPEN: 'failover',
  RLLM_TIMEOUT: 'failover',
  RLLM_CONTEXT_WINDOW_EXCEEDED: 'failover',
  RLLM_NOT_FOUND: 'failover',
  RLLM_CONTENT_FILTERED: 'stop',
  RLLM_BAD_REQUEST: 'stop',
  RLLM_INVALID_ARGUMENT: 'stop',
  RLLM_BUDGET_EXCEEDED: 'stop',
  RLLM_TENANT_QUOTA: 'stop',
  RLLM_STATE_STORE_UNAVAILABLE: 'stop',
  RLLM_STREAM_INTERRUPTED: 'stop',
  RLLM_ALL_DEPLOYMENTS_FAILED: 'stop',
  RLLM_TOOL_INPUT_INVALID: 'stop',
  RLLM_TOOL_REPAIR_EXHAUSTED: 'stop',
  RLLM_MISSING_PEER_DEPENDENCY: 'stop',
  RLLM_CLIENT_CLOSED: 'stop',
  RLLM_SHED: 'failover',
};

describe('classifyError', () => {
  it('has a default decision for every error code', () => {
    expect(Object.keys(DEFAULT_ERROR_DECISIONS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('decides %s → %s', (code, decision) => {
    const error = new ResilientLLMError(code as ErrorCode, 'test', code === 'RLLM_PROVIDER_ERROR');
    expect(classifyError(error)).toBe(decision);
  });

  it.each([
    [429, undefined, 'retry'],
    [429, 'insufficient_quota', 'failover'],
    [500, undefined, 'retry'],
    [502, undefined, 'retry'],
    [503, undefined, 'retry'],
    [529, undefined, 'retry'],
    [408, undefined, 'retry'],
    [409, undefined, 'retry'],
    [401, undefined, 'failover'],
    [403, undefined, 'failover'],
    [400, undefined, 'stop'],
    [404, undefined, 'failover'],
    [422, undefined, 'stop'],
    [400, 'context_length_exceeded', 'failover'],
    [400, 'content_policy_violation', 'stop'],
    [400, 'model_not_found', 'failover'],
    [418, undefined, 'failover'],
  ] as const)('decides HTTP %i (%s) → %s', (status, providerCode, decision) => {
    const error = errorFromHttp({ status, message: 'vendor said no', ...(providerCode ? { providerCode } : {}) });
    expect(classifyError(error)).toBe(decision);
  });

  it('retries in-band overload and rate-limit errors that arrived inside a 200 stream', () => {
    expect(classifyError(new OverloadedError('overloaded', { providerCode: 'overloaded_error', hasEmittedOutput: false }))).toBe('retry');
    expect(classifyError(new RateLimitError('slow down', { providerCode: 'rate_limit_error' }))).toBe('retry');
  });

  it('fails over on a content-policy refusal only when the option opts in', () => {
    const refusal = errorFromHttp({ status: 400, message: 'flagged by our safety system', providerCode: 'content_filter' });
    expect(refusal.code).toBe('RLLM_CONTENT_FILTERED');
    expect(classifyError(refusal)).toBe('stop');
    expect(classifyError(refusal, { isContentPolicyFailover: false })).toBe('stop');
    expect(classifyError(refusal, { isContentPolicyFailover: true })).toBe('failover');
  });

  it('fails over on attempt timeouts but stops when the whole deadline is spent', () => {
    for (const phase of ['connect', 'headers', 'first-token', 'idle', 'attempt'] as const) {
      expect(classifyError(new TimeoutError(phase, 1000))).toBe('failover');
    }
    expect(classifyError(new TimeoutError('total', 30_000))).toBe('stop');
  });

  it('stops on anything that is not a library error, such as a user abort', () => {
    const controller = new AbortController();
    controller.abort();
    expect(classifyError(controller.signal.reason)).toBe('stop');
    expect(classifyError(new DOMException('aborted', 'AbortError'))).toBe('stop');
    expect(classifyError(new TypeError('fetch failed'))).toBe('stop');
    expect(classifyError('boom')).toBe('stop');
    expect(classifyError(undefined)).toBe('stop');
  });

  it('applies per-code overrides before the defaults', () => {
    const error = errorFromHttp({ status: 500, message: 'oops' });
    expect(classifyError(error, { decisions: { RLLM_SERVER_ERROR: 'failover' } })).toBe('failover');
    expect(classifyError(errorFromHttp({ status: 404, message: 'no such model' }), { decisions: { RLLM_NOT_FOUND: 'stop' } })).toBe('stop');
    expect(classifyError(errorFromHttp({ status: 429, message: 'slow' }), { decisions: { RLLM_SERVER_ERROR: 'stop' } })).toBe('retry');
  });

  it('maps a 400 naming a model that does not exist to NotFoundError, and any other 400 to BadRequestError', () => {
    const openAI = errorFromHttp({ status: 400, message: "The requested model 'gpt-5.2-proo' does not exist.", providerCode: 'invalid_request_error' });
    expect(openAI).toMatchObject({ code: 'RLLM_NOT_FOUND', status: 400 });
    expect(errorFromHttp({ status: 400, message: 'model gpt-x not found on this gateway' }).code).toBe('RLLM_NOT_FOUND');
    expect(errorFromHttp({ status: 400, message: 'messages: field required' }).code).toBe('RLLM_BAD_REQUEST');
    expect(errorFromHttp({ status: 400, message: 'Invalid value for temperature.' }).code).toBe('RLLM_BAD_REQUEST');
  });

  it('knows a refused connection or a DNS failure from a reset, through fetch and undici causes', () => {
    const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
    expect(isUnreachable(new ConnectionError('connection failed (ECONNREFUSED)', { cause: socketError('ECONNREFUSED') }))).toBe(true);
    expect(isUnreachable(new ConnectionError('connection failed (ENOTFOUND)', { cause: socketError('ENOTFOUND') }))).toBe(true);
    expect(isUnreachable(new ConnectionError('fetch failed', { cause: new TypeError('fetch failed', { cause: socketError('EAI_AGAIN') }) }))).toBe(true);
    expect(isUnreachable(new ConnectionError('connection failed (ECONNRESET)', { cause: socketError('ECONNRESET') }))).toBe(false);
    expect(isUnreachable(new ServerError('oops'))).toBe(false);
    expect(classifyError(new ConnectionError('refused', { cause: socketError('ECONNREFUSED') }))).toBe('retry');
  });
});
