import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AllDeploymentsFailedError,
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  CircuitOpenError,
  ConnectionError,
  ContentFilterError,
  ContextWindowExceededError,
  InvalidArgumentError,
  InvalidResponseError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  ProviderError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
  ToolInputInvalidError,
  ToolRepairError,
} from '../../src/errors/errors.js';
import {
  contentPolicy,
  contextLengthExceeded,
  cutMidStream,
  httpError,
  malformedChunk,
  neverAnswer,
  overloaded,
  rateLimit,
  resetBeforeHeaders,
  serverError,
} from '../../src/testing/index.js';
import { drain, startHarness, userTurn } from './helpers/fault-harness.js';

/**
 * The README's error table, row by row: a client with ONE model over a loopback OpenAI-wire server
 * (the status mapping is one function for every vendor) throws the class the table names, so
 * `instanceof` works as documented. Rows that only exist with a chain say so.
 */
const ONE = { main: 'gpt-4o-mini' } as const;

async function failure(step: Parameters<typeof startHarness>[1][string][number], extra: Record<string, unknown> = {}): Promise<unknown> {
  const harness = await startHarness('openai', { 'gpt-4o-mini': [step] });
  const llm = harness.client({ models: ONE, retry: { maxRetries: 1 }, ...extra });
  return llm.chat({ model: 'main', messages: userTurn() }).catch((error: unknown) => error);
}

describe('README error table, one test per row', () => {
  it('InvalidArgumentError: a request that fails validation, with `field`', async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [{ text: 'never' }] });
    const error = await harness.client({ models: ONE }).chat({ model: 'main', messages: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'RLLM_INVALID_ARGUMENT', isRetryable: false, field: 'messages' });
    expect(harness.server.requests).toHaveLength(0);
  });

  it('RateLimitError: a persistent 429, retried, then thrown as itself', async () => {
    const error = await failure(rateLimit());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 'RLLM_RATE_LIMITED', isRetryable: true, status: 429 });
    expect((error as RateLimitError).attempts).toHaveLength(2);
  });

  it('QuotaExceededError: a 429 insufficient_quota, not retried', async () => {
    const error = await failure(httpError(429, { body: { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } } }));
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ code: 'RLLM_QUOTA_EXCEEDED', isRetryable: false });
    expect((error as QuotaExceededError).attempts).toHaveLength(1);
  });

  it('OverloadedError: HTTP 503', async () => {
    const error = await failure(overloaded());
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ code: 'RLLM_OVERLOADED', isRetryable: true, status: 503 });
  });

  it('ServerError: HTTP 500', async () => {
    const error = await failure(serverError(502));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'RLLM_SERVER_ERROR', isRetryable: true, status: 502 });
  });

  it('TimeoutError: a watchdog fired, with its `phase`', async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [neverAnswer()] });
    const llm = harness.client({ models: ONE, fallback: { chain: ['main'], firstTokenTimeoutMs: 150 } });
    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.error).toMatchObject({ code: 'RLLM_TIMEOUT', phase: 'first-token', isRetryable: true });
  });

  it('ConnectionError: the connection was reset', async () => {
    const error = await failure(resetBeforeHeaders());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'RLLM_CONNECTION', isRetryable: true });
  });

  it('AuthenticationError: HTTP 401, not retried on the same key', async () => {
    const error = await failure(httpError(401));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'RLLM_AUTHENTICATION', isRetryable: false, status: 401 });
    expect((error as AuthenticationError).attempts).toHaveLength(1);
  });

  it('PermissionDeniedError: HTTP 403', async () => {
    const error = await failure(httpError(403));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ code: 'RLLM_PERMISSION_DENIED', isRetryable: false, status: 403 });
  });

  it('BadRequestError: HTTP 400', async () => {
    const error = await failure(httpError(400));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: 'RLLM_BAD_REQUEST', isRetryable: false, status: 400 });
  });

  it('NotFoundError: HTTP 404', async () => {
    const error = await failure(httpError(404));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'RLLM_NOT_FOUND', isRetryable: false, status: 404 });
  });

  it('ContextWindowExceededError: the prompt does not fit', async () => {
    const error = await failure(contextLengthExceeded());
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({ code: 'RLLM_CONTEXT_WINDOW_EXCEEDED', isRetryable: false });
  });

  it('ContentFilterError: a content-policy refusal', async () => {
    const error = await failure(contentPolicy());
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ code: 'RLLM_CONTENT_FILTERED', isRetryable: false });
  });

  it('InvalidResponseError: a malformed chunk', async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [malformedChunk({ afterChunks: 0 })] });
    const outcome = await drain(harness.client({ models: ONE, retry: { maxRetries: 0 } }).stream({ model: 'main', messages: userTurn() }));
    expect(outcome.error).toBeInstanceOf(InvalidResponseError);
    expect(outcome.error).toMatchObject({ code: 'RLLM_INVALID_RESPONSE', isRetryable: true });
  });

  it("StreamInterruptedError: a stream failed after output under midStream: 'error', with `partialText`", async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [cutMidStream({ afterChunks: 2, reply: { text: 'one two three four' } })] });
    const llm = harness.client({ models: ONE, fallback: { chain: ['main'], midStream: 'error' } });
    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));
    expect(outcome.error).toBeInstanceOf(StreamInterruptedError);
    expect(outcome.error).toMatchObject({ code: 'RLLM_STREAM_INTERRUPTED', isRetryable: true });
    expect((outcome.error as StreamInterruptedError).partialText.length).toBeGreaterThan(0);
  });

  it('CircuitOpenError: no deployment could be tried (the cause of the AllDeploymentsFailedError)', async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [serverError(500)] });
    const llm = harness.client({ models: ONE, retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 1, openMs: 60_000 } });
    expect(await llm.chat({ model: 'main', messages: userTurn() }).catch((error: unknown) => error)).toBeInstanceOf(ServerError);
    const error = await llm.chat({ model: 'main', messages: userTurn() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllDeploymentsFailedError);
    expect((error as AllDeploymentsFailedError).cause).toBeInstanceOf(CircuitOpenError);
    expect((error as AllDeploymentsFailedError).cause).toMatchObject({ code: 'RLLM_CIRCUIT_OPEN', isRetryable: false });
    expect(harness.server.requests).toHaveLength(1);
  });

  it('AllDeploymentsFailedError: a chain failed on two deployments; `errors`, `lastError`, `attempts`, `cause`', async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [httpError(401)], 'gpt-4o': [serverError(500)] });
    const llm = harness.client({ models: { main: 'gpt-4o-mini', backup: 'gpt-4o' }, retry: { maxRetries: 0 }, fallback: { chain: ['main', 'backup'] } });
    const error = await llm.chat({ model: 'main', messages: userTurn() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllDeploymentsFailedError);
    const failed = error as AllDeploymentsFailedError;
    expect(failed).toMatchObject({ code: 'RLLM_ALL_DEPLOYMENTS_FAILED', isRetryable: false });
    expect(failed.errors.map((item) => item.constructor)).toEqual([AuthenticationError, ServerError]);
    expect(failed.cause).toBe(failed.errors[0]);
    expect(failed.lastError).toBe(failed.errors[1]);
    expect(failed.attempts.map((attempt) => attempt.alias)).toEqual(['main', 'backup']);
  });

  it('BudgetExceededError: a budget would be exceeded; nothing was sent', async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [{ text: 'never' }] });
    const llm = harness.client({ models: ONE, budget: { perRequestUsd: 1e-7 } });
    const error = await llm.chat({ model: 'main', messages: userTurn(), maxTokens: 1000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ code: 'RLLM_BUDGET_EXCEEDED', isRetryable: false, limitUsd: 1e-7 });
    expect(harness.server.requests).toHaveLength(0);
  });

  it('ToolInputInvalidError: what failed validation, reached as the ToolRepairError cause and in its repairAttempts', async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [{ text: 'not json at all' }] });
    const llm = harness.client({ models: ONE });
    const error = await llm.chat({ model: 'main', messages: userTurn(), schema: z.object({ n: z.number() }), maxToolRepairs: 0 }).catch((caught: unknown) => caught);
    expect((error as ToolRepairError).cause).toBeInstanceOf(ToolInputInvalidError);
    expect((error as ToolRepairError).cause).toMatchObject({ code: 'RLLM_TOOL_INPUT_INVALID', isRetryable: false });
    expect((error as ToolRepairError).repairAttempts[0]!.errors[0]).toBeInstanceOf(ToolInputInvalidError);
  });

  it('ToolRepairError: the model never produced valid output; every attempt attached', async () => {
    const harness = await startHarness('openai', { 'gpt-4o-mini': [{ text: 'still not json' }] });
    const llm = harness.client({ models: ONE });
    const error = await llm.chat({ model: 'main', messages: userTurn(), schema: z.object({ n: z.number() }), maxToolRepairs: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolRepairError);
    expect(error).toMatchObject({ code: 'RLLM_TOOL_REPAIR_EXHAUSTED', isRetryable: false, reason: 'repairs-exhausted' });
    expect((error as ToolRepairError).repairAttempts).toHaveLength(2);
    expect((error as ToolRepairError).attempts).toHaveLength(2);
  });

  it('ProviderError: any other status (418 not retried; 408/409 retried)', async () => {
    const teapot = await failure(httpError(418));
    expect(teapot).toBeInstanceOf(ProviderError);
    expect(teapot).toMatchObject({ code: 'RLLM_PROVIDER_ERROR', isRetryable: false, status: 418 });
    const conflict = await failure(httpError(409));
    expect(conflict).toBeInstanceOf(ProviderError);
    expect(conflict).toMatchObject({ isRetryable: true, status: 409 });
    expect((conflict as ProviderError).attempts).toHaveLength(2);
  });
});
