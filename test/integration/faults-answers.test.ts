import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import { FallbackPolicy } from '../../src/policy/fallback/fallback-policy.js';
import type { ChatResponse } from '../../src/client/types.js';
import { ConnectionError, InvalidResponseError, NotFoundError, OverloadedError, TimeoutError } from '../../src/errors/errors.js';
import type { ResilientLLMError } from '../../src/errors/resilient-llm-error.js';
import { anthropic } from '../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../src/providers/gemini/gemini-adapter.js';
import { openai } from '../../src/providers/openai/openai-adapter.js';
import { openaiResponses } from '../../src/providers/openai-responses/openai-responses-adapter.js';
import { httpError, neverAnswer, rawBody, stall, type ProviderProtocol, type ServerStep } from '../../src/testing/index.js';
import { drain, PROTOCOLS, startHarness, timed, userTurn, type Harness } from './helpers/fault-harness.js';
import { serverForTest } from './helpers/server-for-test.js';

// Answers that are not answers, deployments that cannot serve the model or cannot be reached, and
// deployments that go silent: each fails over to the backup, in chat() and in stream().

const BACKUP_TEXT = 'The backup deployment answered in full.';
const MODES = ['chat', 'stream'] as const;
type Mode = (typeof MODES)[number];

/** The vendor's error object, as a gateway sends it inside a 200. */
const OVERLOADED_BODY: Record<ProviderProtocol, string> = {
  openai: JSON.stringify({ error: { message: 'The server is overloaded.', type: 'server_error', code: 'overloaded' } }),
  'openai-responses': JSON.stringify({ error: { message: 'The server is overloaded.', type: 'server_error', code: 'overloaded' } }),
  anthropic: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
  gemini: JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }),
};

/** A body that looks like the vendor's answer but never says it is complete. */
const UNFINISHED_BODY: Record<ProviderProtocol, string> = {
  openai: JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [] }),
  'openai-responses': JSON.stringify({ id: 'resp_1', object: 'response', status: 'in_progress' }),
  anthropic: JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Half' }] }),
  gemini: JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'Half' }] } }] }),
};

/** Runs one call in `mode` and returns its answer or error, and the errors of its attempts. */
async function call(llm: ResilientLLM, mode: Mode): Promise<{ response: ChatResponse | undefined; error: unknown; attemptErrors: ResilientLLMError[]; elapsedMs: number }> {
  const attemptErrors: ResilientLLMError[] = [];
  llm.on('attempt-error', (event) => attemptErrors.push(event.error));
  const { value, error, elapsedMs } = await timed(async () => {
    if (mode === 'chat') return llm.chat({ model: 'main', messages: userTurn() });
    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.response;
  });
  return { response: value, error, attemptErrors, elapsedMs };
}

async function failingPrimary(
  protocol: ProviderProtocol,
  steps: readonly ServerStep[],
  options: { readonly fallback?: object; readonly maxRetries?: number } = {},
): Promise<{ harness: Harness; llm: ResilientLLM }> {
  const harness = await startHarness(protocol, { main: steps, backup: [{ text: BACKUP_TEXT }] });
  const llm = harness.client({
    models: { main: 'main', backup: 'backup' },
    fallback: { chain: ['main', 'backup'], ...options.fallback },
    ...(options.maxRetries !== undefined ? { retry: { maxRetries: options.maxRetries } } : {}),
  });
  return { harness, llm };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function adapterAt(protocol: ProviderProtocol, baseURL: string) {
  if (protocol === 'openai') return openai({ apiKey: 'sk-test-openai', baseURL });
  if (protocol === 'openai-responses') return openaiResponses({ apiKey: 'sk-test-openai', baseURL });
  if (protocol === 'anthropic') return anthropic({ apiKey: 'sk-ant-test', baseURL });
  return gemini({ apiKey: 'gemini-test-key', baseURL });
}

describe.each(PROTOCOLS)('%s: answers that are not answers', (protocol) => {
  describe.each(MODES)('%s()', (mode) => {
    it('maps a 200 whose body is the vendor error object to that error, and fails over', async () => {
      const { harness, llm } = await failingPrimary(protocol, [rawBody(OVERLOADED_BODY[protocol])], { maxRetries: 0 });

      const { response, attemptErrors } = await call(llm, mode);

      expect(response?.text).toBe(BACKUP_TEXT);
      expect(response?.alias).toBe('backup');
      expect(attemptErrors[0]).toBeInstanceOf(OverloadedError);
      expect(harness.requestsFor('main')).toHaveLength(1);
      expect(harness.requestsFor('main')[0]?.isStream).toBe(mode === 'stream');
    });

    it.each([
      ['null', 'null'],
      ['an empty object', '{}'],
      ['an answer with no end', 'unfinished'],
    ])('never returns a 200 whose body is %s as an answer: InvalidResponseError, then the backup', async (_name, body) => {
      const json = body === 'unfinished' ? UNFINISHED_BODY[protocol] : body;
      const { llm } = await failingPrimary(protocol, [rawBody(json)], { maxRetries: 0 });

      const { response, attemptErrors } = await call(llm, mode);

      expect(response?.text).toBe(BACKUP_TEXT);
      expect(attemptErrors[0]).toBeInstanceOf(InvalidResponseError);
      expect(attemptErrors[0]?.code).toBe('RLLM_INVALID_RESPONSE');
      expect(response?.attempts.map((attempt) => [attempt.alias, attempt.outcome])).toEqual([
        ['main', 'error'],
        ['backup', 'success'],
      ]);
    });

    it.each([
      ['a 404', httpError(404, { message: 'The model `main` does not exist or you do not have access to it.' })],
      [
        'a 400 model_not_found',
        httpError(400, { body: { error: { message: "The requested model 'main' does not exist.", type: 'invalid_request_error', code: 'model_not_found' } } }),
      ],
    ])('fails over at once, without retrying, when the model is missing on the deployment (%s)', async (_name, step) => {
      const { harness, llm } = await failingPrimary(protocol, [step]);
      const fallbacks: string[] = [];
      llm.on('fallback', (event) => fallbacks.push(`${event.from}→${event.to}:${event.error.code}`));

      const { response, attemptErrors, elapsedMs } = await call(llm, mode);

      expect(response?.text).toBe(BACKUP_TEXT);
      expect(attemptErrors).toHaveLength(1);
      expect(attemptErrors[0]).toBeInstanceOf(NotFoundError);
      expect(harness.requestsFor('main')).toHaveLength(1);
      expect(fallbacks).toEqual(['main→backup:RLLM_NOT_FOUND']);
      expect(elapsedMs).toBeLessThan(1_000);
    });

    it('moves on at once from a deployment that refuses the connection, and retries it only when it is the last', async () => {
      const { server, track } = await serverForTest({ backup: [{ text: BACKUP_TEXT }] });
      const deadURL = `http://127.0.0.1:${await closedPort()}${new URL(server.baseURL(protocol)).pathname}`;
      const llm = track(
        new ResilientLLM({
          providers: { dead: adapterAt(protocol, deadURL), live: adapterAt(protocol, server.baseURL(protocol)) },
          models: { main: { provider: 'dead', model: 'main' }, backup: { provider: 'live', model: 'backup' } },
          fallback: { chain: ['main', 'backup'] },
          retry: { baseDelayMs: 400, maxDelayMs: 400 },
          random: () => 0.5,
        }),
      );

      const { response, attemptErrors, elapsedMs } = await call(llm, mode);

      expect(response?.text).toBe(BACKUP_TEXT);
      expect(attemptErrors).toHaveLength(1);
      expect(attemptErrors[0]).toBeInstanceOf(ConnectionError);
      expect(elapsedMs).toBeLessThan(300); // no backoff (≥ 200 ms here) was slept

      // Alone, the same refused deployment is retried with backoff before the call gives up.
      const lone = track(new ResilientLLM({ providers: { dead: adapterAt(protocol, deadURL) }, models: { main: { provider: 'dead', model: 'main' } }, retry: { baseDelayMs: 40, maxDelayMs: 40 }, random: () => 0.5 }));
      const alone = await call(lone, mode);
      expect(alone.attemptErrors).toHaveLength(3);
      expect(alone.attemptErrors.every((error) => error instanceof ConnectionError)).toBe(true);
    });

    it('fails over a silent primary within firstTokenTimeoutMs, long before attemptTimeoutMs', async () => {
      const { harness, llm } = await failingPrimary(protocol, [neverAnswer()], { fallback: { firstTokenTimeoutMs: 300, attemptTimeoutMs: 20_000 } });

      const { response, attemptErrors, elapsedMs } = await call(llm, mode);

      expect(response?.text).toBe(BACKUP_TEXT);
      expect(attemptErrors[0]).toBeInstanceOf(TimeoutError);
      expect(attemptErrors[0]).toMatchObject({ phase: 'first-token', timeoutMs: 300 });
      expect(harness.requestsFor('main')).toHaveLength(1);
      expect(elapsedMs).toBeGreaterThanOrEqual(290);
      expect(elapsedMs).toBeLessThan(1_500);
    });

    it('detects a stall after the first token within idleTimeoutMs, however long firstTokenTimeoutMs is', async () => {
      const { harness, llm } = await failingPrimary(protocol, [stall({ afterChunks: 1 })], {
        fallback: { firstTokenTimeoutMs: 3_000, idleTimeoutMs: 300, attemptTimeoutMs: 20_000 },
      });

      const { response, attemptErrors, elapsedMs } = await call(llm, mode);

      expect(response?.text).toBe(BACKUP_TEXT);
      expect(attemptErrors[0]).toBeInstanceOf(TimeoutError);
      expect(attemptErrors[0]).toMatchObject({ phase: 'idle', timeoutMs: 300 });
      expect(harness.requestsFor('main')).toHaveLength(1);
      // Detected ~300 ms after the stall, not at the 3 s first-token limit.
      expect(elapsedMs).toBeGreaterThanOrEqual(290);
      expect(elapsedMs).toBeLessThan(1_500);
    });
  });
});

describe("the README's resilience example", () => {
  // Exactly the configuration of the README (section "Resilience"), pointed at a loopback server.
  function readmeClient(server: { baseURL(kind: ProviderProtocol): string }, options: { readonly isHedged: boolean }): ResilientLLM {
    return new ResilientLLM({
      providers: {
        openai: openai({ apiKey: 'sk-test-openai', baseURL: server.baseURL('openai') }),
        anthropic: anthropic({ apiKey: 'sk-ant-test', baseURL: server.baseURL('anthropic') }),
        gemini: gemini({ apiKey: 'gemini-test-key', baseURL: server.baseURL('gemini') }),
      },
      models: {
        primary: { provider: 'anthropic', model: 'claude-sonnet-4-5', contextWindow: 200_000 },
        backup: { provider: 'openai', model: 'gpt-4.1', contextWindow: 1_000_000 },
        last: { provider: 'gemini', model: 'gemini-2.5-pro', contextWindow: 1_000_000 },
      },
      fallback: new FallbackPolicy({
        chain: ['primary', 'backup', 'last'],
        firstTokenTimeoutMs: 8_000,
        idleTimeoutMs: 15_000,
        timeouts: { last: { firstTokenTimeoutMs: 20_000 } },
        midStream: 'restart',
      }),
      retry: { maxRetries: 2 },
      deadlineMs: 45_000,
      ...(options.isHedged ? { hedge: { afterMs: 3_000, maxExtra: 1 } } : {}),
    });
  }

  it('fails over a silent primary within the first-token timeout, in chat() and in stream(), hedged as written or not', async () => {
    const { server, track } = await serverForTest({ 'claude-sonnet-4-5': [neverAnswer()], 'gpt-4.1': [{ text: BACKUP_TEXT }] });
    const runs = [true, false].flatMap((isHedged) =>
      MODES.map(async (mode) => {
        const llm = track(readmeClient(server, { isHedged }));
        const messages = userTurn('Review this diff: …');
        const { value, elapsedMs } = await timed(async () => {
          if (mode === 'chat') return llm.chat({ model: 'primary', messages });
          const outcome = await drain(llm.stream({ model: 'primary', messages }));
          return outcome.response;
        });
        return { isHedged, mode, alias: value?.alias, text: value?.text, elapsedMs };
      }),
    );

    const results = await Promise.all(runs);

    for (const result of results) {
      expect(result, `${result.mode} hedged=${result.isHedged}`).toMatchObject({ alias: 'backup', text: BACKUP_TEXT });
      // Hedged, the backup starts after 3 s; unhedged, the 8 s first-token watchdog moves on.
      expect(result.elapsedMs).toBeGreaterThanOrEqual(result.isHedged ? 2_990 : 7_990);
      expect(result.elapsedMs).toBeLessThan(result.isHedged ? 4_500 : 9_500);
    }
    expect(server.requestsFor('gemini-2.5-pro')).toHaveLength(0);
  }, 20_000);
});
