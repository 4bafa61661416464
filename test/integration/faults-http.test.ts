import { describe, expect, it } from 'vitest';
import {
  AllDeploymentsFailedError,
  ConnectionError,
  ContentFilterError,
  ContextWindowExceededError,
  OverloadedError,
  RateLimitError,
  ServerError,
} from '../../src/errors/errors.js';
import { contentPolicy, contextLengthExceeded, overloaded, rateLimit, resetBeforeHeaders, serverError } from '../../src/testing/index.js';
import { gapMs, PROTOCOLS, startHarness, timed, userTurn } from './helpers/fault-harness.js';

// Faults answered with an HTTP status (or no answer at all) before any byte of the body: what the
// library retries, where it waits, and where it moves on. Every test runs over all three protocols
// through the default undici transport against a real 127.0.0.1 server.

const OK_TEXT = 'The answer arrived after all.';
const BACKUP_TEXT = 'The backup deployment answered.';

describe.each(PROTOCOLS)('%s: HTTP faults', (protocol) => {
  it('honours Retry-After on a 429 and then answers from the same deployment', async () => {
    // OpenAI: `retry-after: 1` (seconds); Anthropic: `retry-after-ms`; Gemini: RetryInfo `0.4s`.
    const waitMs = protocol === 'openai' ? 1000 : 400;
    const fault = protocol === 'openai' ? rateLimit({ retryAfterSeconds: 1 }) : rateLimit({ retryAfterMs: 400 });
    const harness = await startHarness(protocol, { main: [fault, { text: OK_TEXT }] });
    const llm = harness.client({ models: { main: 'main' } });

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(OK_TEXT);
    const [first, second] = harness.requestsFor('main');
    expect(harness.requestsFor('main')).toHaveLength(2);
    expect(first!.step).toBe('rate-limit');
    expect(gapMs(first!, second!)).toBeGreaterThanOrEqual(waitMs - 50);
    expect(elapsedMs).toBeLessThan(waitMs + 1500);
    expect(response?.attempts.map((attempt) => [attempt.outcome, attempt.errorCode, attempt.status])).toEqual([
      ['error', 'RLLM_RATE_LIMITED', 429],
      ['success', undefined, undefined],
    ]);
  });

  it('fails over at once when Retry-After is longer than maxRetryAfterMs', async () => {
    const harness = await startHarness(protocol, { main: [rateLimit({ retryAfterSeconds: 1 })], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({ models: { main: 'main', backup: 'backup' }, fallback: { chain: ['main', 'backup'] }, retry: { maxRetryAfterMs: 500 } });

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(BACKUP_TEXT);
    expect(response?.alias).toBe('backup');
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(harness.requestsFor('backup')).toHaveLength(1);
    expect(gapMs(harness.requestsFor('main')[0]!, harness.requestsFor('backup')[0]!)).toBeLessThan(300);
    expect(elapsedMs).toBeLessThan(700);
    // The deployment is cooled down for everyone for as long as the server asked.
    const health = llm.health().find((deployment) => deployment.alias === 'main');
    expect(health?.cooldownReason).toBe('RLLM_RATE_LIMITED');
  });

  it('fails at once instead of sleeping when Retry-After is longer than the time left', async () => {
    const harness = await startHarness(protocol, { main: [rateLimit({ retryAfterSeconds: 1 })] });
    const llm = harness.client({ models: { main: 'main' }, deadlineMs: 800 });

    const { error, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    // One deployment: its own typed error, as the README's error table says.
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 1000, status: 429 });
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(500);
  });

  it('backs off exponentially with jitter on a 429 without Retry-After', async () => {
    const harness = await startHarness(protocol, { main: [rateLimit(), rateLimit(), { text: OK_TEXT }] });
    // random() is 0.5: retry 0 waits 10 + 0.5 · (100 − 10) = 55 ms, retry 1 waits 10 + 0.5 · (200 − 10) = 105 ms.
    const llm = harness.client({ models: { main: 'main' }, retry: { baseDelayMs: 100, maxDelayMs: 1000 } });

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(OK_TEXT);
    const requests = harness.requestsFor('main');
    expect(requests.map((request) => request.step)).toEqual(['rate-limit', 'rate-limit', 'reply']);
    expect(gapMs(requests[0]!, requests[1]!)).toBeGreaterThanOrEqual(54);
    expect(gapMs(requests[0]!, requests[1]!)).toBeLessThan(55 + 300);
    expect(gapMs(requests[1]!, requests[2]!)).toBeGreaterThanOrEqual(104);
    expect(gapMs(requests[1]!, requests[2]!)).toBeLessThan(105 + 300);
    expect(elapsedMs).toBeLessThan(1500);
  });

  it('retries a 500 once on the same deployment and answers', async () => {
    const harness = await startHarness(protocol, { main: [serverError(500), { text: OK_TEXT }] });
    const llm = harness.client({ models: { main: 'main' } });

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(OK_TEXT);
    expect(harness.requestsFor('main').map((request) => request.step)).toEqual(['server-error', 'reply']);
    // Backoff floor (4 ms) to ceiling (40 ms), never a tight loop.
    expect(gapMs(harness.requestsFor('main')[0]!, harness.requestsFor('main')[1]!)).toBeGreaterThanOrEqual(3);
    expect(response?.attempts[0]).toMatchObject({ outcome: 'error', errorCode: 'RLLM_SERVER_ERROR', status: 500 });
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('retries a deployment that is overloaded for good, then fails over to the next alias', async () => {
    const harness = await startHarness(protocol, { main: [overloaded()], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({ models: { main: 'main', backup: 'backup' }, fallback: { chain: ['main', 'backup'] } });
    const fallbacks: string[] = [];
    llm.on('fallback', (event) => fallbacks.push(`${event.from}→${event.to}:${event.error.code}`));

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(BACKUP_TEXT);
    const main = harness.requestsFor('main');
    expect(main).toHaveLength(3); // the first try and maxRetries = 2
    expect(harness.requestsFor('backup')).toHaveLength(1);
    // Backoff: 22 ms, then 42 ms (random() = 0.5, base 40 ms).
    expect(gapMs(main[0]!, main[1]!)).toBeGreaterThanOrEqual(21);
    expect(gapMs(main[1]!, main[2]!)).toBeGreaterThanOrEqual(41);
    expect(fallbacks).toEqual(['main→backup:RLLM_OVERLOADED']);
    expect(response?.attempts.map((attempt) => attempt.outcome)).toEqual(['error', 'error', 'error', 'success']);
    expect(elapsedMs).toBeLessThan(1500);
  });

  it('throws the lone deployment\'s own typed error, with every attempt on it, when it stays down', async () => {
    const harness = await startHarness(protocol, { main: [overloaded()] });
    const llm = harness.client({ models: { main: 'main' } });

    const { error, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(error).toBeInstanceOf(OverloadedError);
    const failure = error as OverloadedError;
    const status = protocol === 'anthropic' ? 529 : 503;
    expect(failure.status).toBe(status);
    expect(failure.attempts).toHaveLength(3);
    expect(failure.attempts!.every((attempt) => attempt.errorCode === 'RLLM_OVERLOADED' && attempt.status === status)).toBe(true);
    expect(harness.requestsFor('main')).toHaveLength(3);
    expect(elapsedMs).toBeLessThan(1500);
  });

  it('retries a connection reset before the response headers', async () => {
    const harness = await startHarness(protocol, { main: [resetBeforeHeaders(), { text: OK_TEXT }] });
    const llm = harness.client({ models: { main: 'main' } });
    const errors: unknown[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(OK_TEXT);
    expect(harness.requestsFor('main').map((request) => request.step)).toEqual(['reset-before-headers', 'reply']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('fails over a context-length 400 only to a larger declared context window, never retrying the same model', async () => {
    const harness = await startHarness(protocol, {
      small: [contextLengthExceeded()],
      same: [{ text: 'never asked' }],
      large: [{ text: BACKUP_TEXT }],
    });
    const llm = harness.client({
      models: {
        small: { model: 'small', contextWindow: 8_000 },
        same: { model: 'same', contextWindow: 8_000 },
        large: { model: 'large', contextWindow: 200_000 },
      },
      fallback: { chain: ['small', 'same', 'large'] },
    });

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'small', messages: userTurn() }));

    expect(response?.text).toBe(BACKUP_TEXT);
    expect(response?.alias).toBe('large');
    expect(harness.requestsFor('small')).toHaveLength(1);
    expect(harness.requestsFor('same')).toHaveLength(0);
    expect(harness.requestsFor('large')).toHaveLength(1);
    expect(response?.attempts[0]).toMatchObject({ errorCode: 'RLLM_CONTEXT_WINDOW_EXCEEDED', status: 400 });
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('gives up on a context-length 400 when no later alias has a larger window', async () => {
    const harness = await startHarness(protocol, { small: [contextLengthExceeded()], same: [{ text: 'never asked' }] });
    const llm = harness.client({
      models: { small: { model: 'small', contextWindow: 8_000 }, same: { model: 'same', contextWindow: 8_000 } },
      fallback: { chain: ['small', 'same'] },
    });

    const error = await llm.chat({ model: 'small', messages: userTurn() }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(harness.requestsFor('small')).toHaveLength(1);
    expect(harness.requestsFor('same')).toHaveLength(0);
  });

  it('returns a content-policy 400 as it is, without retrying or routing around it', async () => {
    const harness = await startHarness(protocol, { main: [contentPolicy()], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({ models: { main: 'main', backup: 'backup' }, fallback: { chain: ['main', 'backup'] } });

    const error = await llm.chat({ model: 'main', messages: userTurn() }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ status: 400, code: 'RLLM_CONTENT_FILTERED' });
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(harness.requestsFor('backup')).toHaveLength(0);
  });

  it('routes around a content-policy 400 when the policy opts in with isContentPolicyFallback', async () => {
    const harness = await startHarness(protocol, { main: [contentPolicy()], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({
      models: { main: 'main', backup: 'backup' },
      fallback: { chain: ['main', 'backup'], isContentPolicyFallback: true },
    });

    const response = await llm.chat({ model: 'main', messages: userTurn() });

    expect(response.text).toBe(BACKUP_TEXT);
    expect(harness.requestsFor('main')).toHaveLength(1); // not retried on the same model
    expect(harness.requestsFor('backup')).toHaveLength(1);
    expect(response.attempts[0]).toMatchObject({ errorCode: 'RLLM_CONTENT_FILTERED', status: 400 });
  });

  it('maps a plain 500 to ServerError, thrown with the attempts of the failed call', async () => {
    const harness = await startHarness(protocol, { main: [serverError(500)] });
    const llm = harness.client({ models: { main: 'main' }, retry: { maxRetries: 0 } });

    const error = await llm.chat({ model: 'main', messages: userTurn() }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).attempts?.map((attempt) => attempt.errorCode)).toEqual(['RLLM_SERVER_ERROR']);
    expect(harness.requestsFor('main')).toHaveLength(1);
  });
});
