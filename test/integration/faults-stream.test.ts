import { describe, expect, it, vi } from 'vitest';
import {
  AllDeploymentsFailedError,
  InvalidResponseError,
  OverloadedError,
  StreamInterruptedError,
  TimeoutError,
} from '../../src/errors/errors.js';
import { cutMidStream, inBandError, malformedChunk, missingTerminator, rejectPrefill, slowFirstToken, stall } from '../../src/testing/index.js';
import { drain, endsWithAssistant, PROTOCOLS, startHarness, timed, userTurn } from './helpers/fault-harness.js';

// Faults inside a 200 stream: a slow first token, a cut, a stall, garbage, a missing end marker,
// an in-band error. Before the first content part a failure is invisible; after it, the
// mid-stream policy decides, and a broken stream is never reported as a finished answer.

const PRIMARY_TEXT = 'Alpha beta gamma delta epsilon zeta eta theta.';
const BACKUP_TEXT = 'The backup deployment answered in full.';
const FAST_WATCHDOGS = { attemptTimeoutMs: 2_000, firstTokenTimeoutMs: 200, idleTimeoutMs: 200 } as const;

function failoverClient(harness: Awaited<ReturnType<typeof startHarness>>, extra: { midStream?: 'restart' | 'error' | 'continue' } = {}) {
  return harness.client({
    models: { main: 'main', backup: 'backup' },
    fallback: { chain: ['main', 'backup'], ...FAST_WATCHDOGS, ...extra },
  });
}

describe.each(PROTOCOLS)('%s: stream faults', (protocol) => {
  it('fails over when the first token takes longer than firstTokenTimeoutMs, without waiting for the slow server', async () => {
    const harness = await startHarness(protocol, { main: [slowFirstToken(5_000, { text: PRIMARY_TEXT })], backup: [{ text: BACKUP_TEXT }] });
    const llm = failoverClient(harness);
    const timeouts: unknown[] = [];
    llm.on('attempt-error', (event) => timeouts.push(event.error));

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    expect(outcome?.response?.text).toBe(BACKUP_TEXT);
    expect(outcome?.parts.some((part) => part.type === 'reset')).toBe(false); // nothing was shown yet
    expect(harness.requestsFor('main')).toHaveLength(1); // a silent deployment is not retried
    expect(harness.requestsFor('backup')).toHaveLength(1);
    expect(timeouts[0]).toBeInstanceOf(TimeoutError);
    expect(timeouts[0]).toMatchObject({ phase: 'first-token', timeoutMs: 200 });
    expect(elapsedMs).toBeLessThan(2_000);
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1)); // the slow socket was closed
  });

  it('never cuts a slow but steady stream whose chunks each arrive within idleTimeoutMs', async () => {
    // 8 chunks 80 ms apart: 560 ms in all, far beyond each watchdog (200 ms), but never idle that long.
    const harness = await startHarness(protocol, { main: [{ text: PRIMARY_TEXT, firstChunkDelayMs: 80, chunkDelayMs: 80 }] });
    const llm = harness.client({ models: { main: 'main' }, fallback: { chain: ['main'], ...FAST_WATCHDOGS } });

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    expect(outcome?.error).toBeUndefined();
    expect(outcome?.response?.text).toBe(PRIMARY_TEXT);
    expect(outcome?.allText).toBe(PRIMARY_TEXT);
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(600);
  });

  it('restarts a stream cut mid-answer on the next deployment after a reset part', async () => {
    const harness = await startHarness(protocol, {
      main: [cutMidStream({ afterChunks: 2, reply: { text: PRIMARY_TEXT } })],
      backup: [{ text: BACKUP_TEXT }],
    });
    const llm = failoverClient(harness);
    const resets: string[] = [];
    llm.on('stream-reset', (event) => resets.push(event.errorCode ?? ''));

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    const types = outcome!.parts.map((part) => part.type);
    const resetAt = types.indexOf('reset');
    expect(resetAt).toBeGreaterThan(0);
    expect(outcome?.allText.startsWith('Alpha beta')).toBe(true); // two chunks were shown, then voided
    expect(outcome?.visibleText).toBe(BACKUP_TEXT);
    expect(outcome?.response?.text).toBe(BACKUP_TEXT);
    expect(types[types.length - 1]).toBe('finish');
    expect(resets).toHaveLength(1);
    expect(harness.requestsFor('main')).toHaveLength(1); // never resumed on the deployment that broke
    expect(harness.requestsFor('backup')).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('keeps chat() transparent over a cut response: the answer is one clean text', async () => {
    const harness = await startHarness(protocol, {
      main: [cutMidStream({ afterChunks: 2, reply: { text: PRIMARY_TEXT } })],
      backup: [{ text: BACKUP_TEXT }],
    });
    const llm = failoverClient(harness);

    const response = await llm.chat({ model: 'main', messages: userTurn() });

    expect(response.text).toBe(BACKUP_TEXT);
    expect(response.alias).toBe('backup');
    expect(harness.requestsFor('main').every((request) => request.step === 'cut-mid-stream')).toBe(true);
    expect(harness.requestsFor('backup')).toHaveLength(1);
  });

  it("throws StreamInterruptedError carrying the partial text when midStream is 'error'", async () => {
    const harness = await startHarness(protocol, {
      main: [cutMidStream({ afterChunks: 2, reply: { text: PRIMARY_TEXT } })],
      backup: [{ text: BACKUP_TEXT }],
    });
    const llm = failoverClient(harness, { midStream: 'error' });

    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));

    expect(outcome.error).toBeInstanceOf(StreamInterruptedError);
    expect((outcome.error as StreamInterruptedError).partialText).toBe('Alpha beta');
    expect(outcome.parts.some((part) => part.type === 'finish')).toBe(false);
    expect(harness.requestsFor('backup')).toHaveLength(0);
  });

  it('fails over a stream that stalls mid-answer once idleTimeoutMs passes', async () => {
    const harness = await startHarness(protocol, { main: [stall({ afterChunks: 2, reply: { text: PRIMARY_TEXT } })], backup: [{ text: BACKUP_TEXT }] });
    const llm = failoverClient(harness);
    const errors: unknown[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    expect(outcome?.parts.some((part) => part.type === 'reset')).toBe(true);
    expect(outcome?.visibleText).toBe(BACKUP_TEXT);
    expect(outcome?.response?.text).toBe(BACKUP_TEXT);
    expect(errors[0]).toMatchObject({ code: 'RLLM_TIMEOUT', phase: 'idle' });
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
    expect(elapsedMs).toBeLessThan(2_000);
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1)); // the stalled socket was closed
  });

  it('fails over invisibly when a stream stalls before its first content', async () => {
    const harness = await startHarness(protocol, { main: [stall({ afterChunks: 0 })], backup: [{ text: BACKUP_TEXT }] });
    const llm = failoverClient(harness);

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    expect(outcome?.parts.some((part) => part.type === 'reset')).toBe(false);
    expect(outcome?.allText).toBe(BACKUP_TEXT);
    expect(outcome?.response?.attempts[0]).toMatchObject({ outcome: 'error', errorCode: 'RLLM_TIMEOUT' });
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it('retries a malformed chunk that arrives before any content on the same deployment', async () => {
    const harness = await startHarness(protocol, { main: [malformedChunk({ afterChunks: 0 }), { text: PRIMARY_TEXT }] });
    const llm = harness.client({ models: { main: 'main' }, fallback: { chain: ['main'], ...FAST_WATCHDOGS } });
    const errors: unknown[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));

    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));

    expect(outcome.error).toBeUndefined();
    expect(outcome.allText).toBe(PRIMARY_TEXT);
    expect(outcome.parts.some((part) => part.type === 'reset')).toBe(false);
    expect(errors[0]).toBeInstanceOf(InvalidResponseError);
    expect(harness.requestsFor('main').map((request) => request.step)).toEqual(['malformed-chunk', 'reply']);
  });

  it('restarts on the next deployment when a malformed chunk arrives after content', async () => {
    const harness = await startHarness(protocol, {
      main: [malformedChunk({ afterChunks: 2, reply: { text: PRIMARY_TEXT } })],
      backup: [{ text: BACKUP_TEXT }],
    });
    const llm = failoverClient(harness);

    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));

    expect(outcome.parts.some((part) => part.type === 'reset')).toBe(true);
    expect(outcome.visibleText).toBe(BACKUP_TEXT);
    expect(outcome.response?.text).toBe(BACKUP_TEXT);
    expect(outcome.response?.attempts[0]).toMatchObject({ errorCode: 'RLLM_INVALID_RESPONSE' });
    expect(harness.requestsFor('main')).toHaveLength(1);
  });

  it('never reports a stream without its terminator as a finished answer', async () => {
    const harness = await startHarness(protocol, { main: [missingTerminator({ reply: { text: PRIMARY_TEXT } })] });
    const llm = harness.client({ models: { main: 'main' }, retry: { maxRetries: 1 }, fallback: { chain: ['main'], ...FAST_WATCHDOGS } });

    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));

    expect(outcome.error).toBeInstanceOf(InvalidResponseError);
    expect(outcome.parts.some((part) => part.type === 'finish')).toBe(false);
    // The only deployment left is retried (after a `reset` where text was shown), never trusted.
    expect(harness.requestsFor('main')).toHaveLength(2);
    // OpenAI and Anthropic stream the whole text before the missing end; Gemini's EOF comes first.
    const resets = outcome.parts.filter((part) => part.type === 'reset').length;
    if (protocol === 'gemini') expect(resets).toBe(0);
    else expect(resets).toBeGreaterThanOrEqual(1);
    if (protocol !== 'gemini') expect(outcome.allText).toBe(PRIMARY_TEXT + PRIMARY_TEXT);
  });

  it('answers from the next deployment when a stream misses its terminator', async () => {
    const harness = await startHarness(protocol, { main: [missingTerminator({ reply: { text: PRIMARY_TEXT } })], backup: [{ text: BACKUP_TEXT }] });
    const llm = failoverClient(harness);

    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));

    expect(outcome.response?.text).toBe(BACKUP_TEXT);
    expect(outcome.visibleText).toBe(BACKUP_TEXT);
    expect(outcome.parts.some((part) => part.type === 'reset')).toBe(protocol !== 'gemini');
    expect(outcome.response?.attempts.some((attempt) => attempt.errorCode === 'RLLM_INVALID_RESPONSE')).toBe(true);
  });

  it('retries a non-streaming 200 with an empty body instead of returning it', async () => {
    const harness = await startHarness(protocol, { main: [missingTerminator(), { text: PRIMARY_TEXT }] });
    const llm = harness.client({ models: { main: 'main' } });

    const response = await llm.chat({ model: 'main', messages: userTurn() });

    expect(response.text).toBe(PRIMARY_TEXT);
    expect(response.attempts[0]).toMatchObject({ outcome: 'error', errorCode: 'RLLM_INVALID_RESPONSE' });
    expect(harness.requestsFor('main')).toHaveLength(2);
  });

  it('fails over invisibly on an in-band error after a 200 and before any content', async () => {
    const harness = await startHarness(protocol, { main: [inBandError({ afterChunks: 0, type: 'overloaded' })], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({
      models: { main: 'main', backup: 'backup' },
      fallback: { chain: ['main', 'backup'], ...FAST_WATCHDOGS },
      retry: { maxRetries: 0 },
    });
    const errors: unknown[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));

    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));

    expect(outcome.parts.some((part) => part.type === 'reset')).toBe(false);
    expect(outcome.allText).toBe(BACKUP_TEXT);
    expect(errors[0]).toBeInstanceOf(OverloadedError);
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(harness.requestsFor('backup')).toHaveLength(1);
  });

  it('resets and restarts on an in-band error after content', async () => {
    const harness = await startHarness(protocol, {
      main: [inBandError({ afterChunks: 2, type: 'server', reply: { text: PRIMARY_TEXT } })],
      backup: [{ text: BACKUP_TEXT }],
    });
    const llm = failoverClient(harness);

    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));

    const types = outcome.parts.map((part) => part.type);
    expect(types.indexOf('reset')).toBeGreaterThan(types.indexOf('text-delta'));
    expect(outcome.allText.startsWith('Alpha beta')).toBe(true);
    expect(outcome.visibleText).toBe(BACKUP_TEXT);
    expect(outcome.response?.text).toBe(BACKUP_TEXT);
    expect(outcome.response?.attempts[0]).toMatchObject({ outcome: 'error', errorCode: 'RLLM_SERVER_ERROR' });
    expect(harness.requestsFor('main')).toHaveLength(1);
  });

  it(`continues with an assistant prefill only where the adapter supports it (${protocol === 'anthropic' ? 'it does' : 'it does not'})`, async () => {
    const isPrefillCapable = protocol === 'anthropic';
    const continuation = ' gamma delta, continued.';
    const harness = await startHarness(protocol, {
      main: [cutMidStream({ afterChunks: 2, reply: { text: PRIMARY_TEXT } })],
      // A fallback that answers 400 to a trailing assistant turn: if a prefill were sent to an
      // adapter without the capability, the call would fail.
      backup: [isPrefillCapable ? { text: continuation } : rejectPrefill({ reply: { text: BACKUP_TEXT } })],
    });
    const llm = failoverClient(harness, { midStream: 'continue' });

    const outcome = await drain(llm.stream({ model: 'main', messages: userTurn() }));

    expect(outcome.error).toBeUndefined();
    const sent = endsWithAssistant(protocol, harness.requestsFor('backup')[0]!.body);
    expect(sent.isPrefill).toBe(isPrefillCapable);
    if (isPrefillCapable) {
      expect(sent.text).toBe('Alpha beta');
      expect(outcome.parts.some((part) => part.type === 'reset')).toBe(false);
      expect(outcome.response?.text).toBe(`Alpha beta${continuation}`);
      expect(outcome.visibleText).toBe(`Alpha beta${continuation}`);
    } else {
      expect(outcome.parts.some((part) => part.type === 'reset')).toBe(true);
      expect(outcome.response?.text).toBe(BACKUP_TEXT);
      expect(outcome.visibleText).toBe(BACKUP_TEXT);
    }
  });

  it('closes the socket when the caller aborts mid-stream', async () => {
    const harness = await startHarness(protocol, { main: [{ text: PRIMARY_TEXT, chunkDelayMs: 100 }] });
    const llm = harness.client({ models: { main: 'main' } });
    const controller = new AbortController();
    const reason = new Error('the user closed the tab');
    const parts: string[] = [];

    const { error, elapsedMs } = await timed(async () => {
      for await (const part of llm.stream({ model: 'main', messages: userTurn() }, { signal: controller.signal })) {
        parts.push(part.type);
        if (part.type === 'text-delta') controller.abort(reason);
      }
    });

    expect(error).toBe(reason);
    expect(parts.filter((type) => type === 'text-delta')).toHaveLength(1);
    expect(parts).not.toContain('finish');
    expect(elapsedMs).toBeLessThan(500); // did not wait for the remaining 700 ms of chunks
    expect(harness.requestsFor('main')).toHaveLength(1);
    // The server saw its response closed before it ended: HTTP/1.1 can only do that by closing the socket.
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1));
    await llm.close();
    await vi.waitFor(() => expect(harness.server.openConnections()).toBe(0));
  });

  it('closes the socket when the consumer breaks out of the loop', async () => {
    const harness = await startHarness(protocol, { main: [{ text: PRIMARY_TEXT, chunkDelayMs: 100 }] });
    const llm = harness.client({ models: { main: 'main' } });
    const stream = llm.stream({ model: 'main', messages: userTurn() });

    for await (const part of stream) if (part.type === 'text-delta') break;

    await expect(stream.response).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1));
    expect(harness.requestsFor('main')).toHaveLength(1);
  });
});
