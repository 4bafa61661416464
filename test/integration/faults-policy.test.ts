import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { ChatResponse } from '../../src/client/types.js';
import { AllDeploymentsFailedError, OverloadedError, TimeoutError } from '../../src/errors/errors.js';
import type { EventMap } from '../../src/events/events.js';
import { downFor, neverAnswer, overloaded, rateLimit, slowFirstToken } from '../../src/testing/index.js';
import { drain, gapMs, PROTOCOLS, startHarness, timed, userTurn } from './helpers/fault-harness.js';

// The policies that span attempts and calls: silent deployments, the circuit breaker, cooldowns
// shared by concurrent calls, hedging, and the one deadline.

const PRIMARY_TEXT = 'Alpha beta gamma delta epsilon zeta eta theta.';
const BACKUP_TEXT = 'The backup deployment answered in full.';

describe.each(PROTOCOLS)('%s: policies under faults', (protocol) => {
  it('fails over a deployment that accepts and never answers once attemptTimeoutMs passes, without retrying it', async () => {
    const harness = await startHarness(protocol, { main: [neverAnswer()], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({ models: { main: 'main', backup: 'backup' }, fallback: { chain: ['main', 'backup'], attemptTimeoutMs: 200 } });
    const errors: unknown[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(BACKUP_TEXT);
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(harness.requestsFor('backup')).toHaveLength(1);
    expect(response?.attempts[0]?.latencyMs).toBeGreaterThanOrEqual(195);
    expect(errors[0]).toBeInstanceOf(TimeoutError);
    expect(errors[0]).toMatchObject({ phase: 'attempt', timeoutMs: 200 });
    expect(elapsedMs).toBeLessThan(1_500);
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1)); // the silent socket was closed
  });

  it('does not retry a silent lone deployment on the same route: one request, then its TimeoutError', async () => {
    const harness = await startHarness(protocol, { main: [neverAnswer()] });
    const llm = harness.client({ models: { main: 'main' }, fallback: { chain: ['main'], firstTokenTimeoutMs: 200 } });

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    expect(outcome?.error).toBeInstanceOf(TimeoutError);
    expect(outcome?.error).toMatchObject({ code: 'RLLM_TIMEOUT', phase: 'first-token' });
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('opens the breaker of a deployment that is down, skips it, then closes it after a half-open probe', async () => {
    const harness = await startHarness(protocol, {
      main: [downFor(150, { reply: { text: PRIMARY_TEXT } })],
      backup: [{ text: BACKUP_TEXT }],
    });
    const llm = harness.client({
      models: { main: 'main', backup: 'backup' },
      fallback: { chain: ['main', 'backup'] },
      retry: { maxRetries: 0 },
      breaker: { consecutiveFailures: 2, openMs: 300, halfOpenSuccesses: 1 },
    });
    const transitions: string[] = [];
    llm.on('circuit-state', (event) => {
      if (event.deploymentId.startsWith('main/')) transitions.push(`${event.from}→${event.to}:${event.reason}`);
    });
    const ask = () => llm.chat({ model: 'main', messages: userTurn() });
    const mainHealth = () => llm.health().find((deployment) => deployment.alias === 'main')!;

    expect((await ask()).text).toBe(BACKUP_TEXT); // failure 1
    expect((await ask()).text).toBe(BACKUP_TEXT); // failure 2: the breaker opens
    expect(transitions).toEqual(['closed→open:consecutive-failures']);
    expect(mainHealth().circuit.state).toBe('open');
    expect(mainHealth().lastError?.code).toBe('RLLM_OVERLOADED');

    const skipped = await ask(); // open: not even asked
    expect(skipped.text).toBe(BACKUP_TEXT);
    expect(skipped.attempts.map((attempt) => attempt.alias)).toEqual(['backup']);
    expect(harness.requestsFor('main')).toHaveLength(2);

    // Wait for the breaker's own reopening time (by then the server's 150 ms outage is over).
    const reopensAt = mainHealth().circuit.reopensAt!;
    expect(reopensAt).toBeGreaterThan(performance.now());
    await sleep(reopensAt - performance.now() + 5);

    const probed = await ask();
    expect(probed.text).toBe(PRIMARY_TEXT);
    expect(probed.alias).toBe('main');
    expect(harness.requestsFor('main')).toHaveLength(3);
    expect(transitions).toEqual(['closed→open:consecutive-failures', 'open→half-open:open-elapsed', 'half-open→closed:probes-succeeded']);
    expect(mainHealth().circuit.state).toBe('closed');
    expect(harness.requestsFor('backup')).toHaveLength(3);
  });

  it('skips a deployment whose circuit is open, without waiting for it to reopen, when a later alias can answer', async () => {
    const harness = await startHarness(protocol, { main: [overloaded()], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({
      models: { main: 'main', backup: 'backup' },
      fallback: { chain: ['main', 'backup'] },
      // Default retries (2); the breaker opens on the first failure and stays open for 5 s.
      breaker: { consecutiveFailures: 1, openMs: 5_000 },
    });

    const { value: answers, elapsedMs } = await timed(() =>
      Promise.all([1, 2, 3].map(() => llm.chat({ model: 'main', messages: userTurn() }).then((response) => response.text))),
    );

    expect(answers).toEqual([BACKUP_TEXT, BACKUP_TEXT, BACKUP_TEXT]);
    expect(harness.requestsFor('main').length).toBeLessThanOrEqual(3); // each call asked it at most once
    const after = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));
    expect(after.value?.attempts.map((attempt) => attempt.alias)).toEqual(['backup']);
    expect(elapsedMs + after.elapsedMs).toBeLessThan(1_000); // not 5 s waiting for the open circuit
  });

  it('cools a deployment down for every concurrent call after a 429 with Retry-After', async () => {
    const harness = await startHarness(protocol, { main: [rateLimit({ retryAfterMs: 400 }), { text: PRIMARY_TEXT }] });
    const llm = harness.client({ models: { main: 'main' } });
    const concurrent: Promise<ChatResponse>[] = [];
    const cooldowns: EventMap['cooldown'][] = [];
    // As soon as the 429 is seen, six more calls arrive.
    llm.on('cooldown', (event) => {
      cooldowns.push(event);
      for (let index = 0; index < 6; index++) concurrent.push(llm.chat({ model: 'main', messages: userTurn(`call ${index}`) }));
    });

    const { value: first, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));
    const answers = await Promise.all(concurrent);

    expect(first?.text).toBe(PRIMARY_TEXT);
    expect(answers.map((answer) => answer.text)).toEqual(Array(6).fill(PRIMARY_TEXT));
    expect(cooldowns).toHaveLength(1);
    expect(cooldowns[0]).toMatchObject({ reason: 'RLLM_RATE_LIMITED' });
    const [limited, ...rest] = harness.requestsFor('main');
    expect(limited!.step).toBe('rate-limit');
    expect(rest).toHaveLength(7); // the first call's retry and the six others, each asked once
    // During the cooldown the server saw no other request to this deployment.
    for (const request of rest) expect(gapMs(limited!, request)).toBeGreaterThanOrEqual(390);
    expect(elapsedMs).toBeLessThan(1_500);
  });

  it('hedges a slow first token: the second candidate wins, the loser is aborted and both attempts are accounted', async () => {
    const harness = await startHarness(protocol, {
      main: [slowFirstToken(2_000, { text: PRIMARY_TEXT })],
      backup: [{ text: BACKUP_TEXT }],
    });
    const llm = harness.client({
      models: { main: 'main', backup: 'backup' },
      fallback: { chain: ['main', 'backup'], firstTokenTimeoutMs: 5_000 },
      hedge: { afterMs: 100 },
    });
    const hedges: string[] = [];
    llm.on('hedge', (event) => hedges.push(event.alias));

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    expect(outcome?.response?.text).toBe(BACKUP_TEXT);
    expect(outcome?.allText).toBe(BACKUP_TEXT); // nothing of the loser leaked
    expect(outcome?.parts.some((part) => part.type === 'reset')).toBe(false);
    expect(outcome?.parts.filter((part) => part.type === 'start').map((part) => (part as { alias: string }).alias)).toEqual(['backup']);
    expect(hedges).toEqual(['backup']);
    const attempts = outcome?.response?.attempts ?? [];
    expect(attempts.map((attempt) => [attempt.alias, attempt.outcome]).sort()).toEqual([
      ['backup', 'success'],
      ['main', 'aborted'],
    ]);
    // The hedge started afterMs after the first attempt, not before.
    const mainStartedAt = attempts.find((attempt) => attempt.alias === 'main')!.startedAt;
    const backupStartedAt = attempts.find((attempt) => attempt.alias === 'backup')!.startedAt;
    expect(backupStartedAt - mainStartedAt).toBeGreaterThanOrEqual(98);
    expect(backupStartedAt - mainStartedAt).toBeLessThan(600);
    expect(harness.requestsFor('backup')[0]!.receivedAt).toBeGreaterThan(harness.requestsFor('main')[0]!.receivedAt);
    expect(elapsedMs).toBeLessThan(1_000);
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1)); // the loser's socket
  });

  it('keeps the primary when it produces content first after the hedge has started', async () => {
    const harness = await startHarness(protocol, {
      main: [slowFirstToken(200, { text: PRIMARY_TEXT })],
      backup: [slowFirstToken(2_000, { text: BACKUP_TEXT })],
    });
    const llm = harness.client({
      models: { main: 'main', backup: 'backup' },
      fallback: { chain: ['main', 'backup'], firstTokenTimeoutMs: 5_000 },
      hedge: { afterMs: 50 },
    });

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    expect(outcome?.response?.text).toBe(PRIMARY_TEXT);
    expect(outcome?.allText).toBe(PRIMARY_TEXT);
    expect(harness.requestsFor('backup')).toHaveLength(1); // the hedge did start
    expect(outcome?.response?.attempts.map((attempt) => [attempt.alias, attempt.outcome]).sort()).toEqual([
      ['backup', 'aborted'],
      ['main', 'success'],
    ]);
    expect(elapsedMs).toBeLessThan(1_500);
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1));
  });

  it('hedges a slow non-streaming chat() the same way', async () => {
    const harness = await startHarness(protocol, { main: [slowFirstToken(2_000, { text: PRIMARY_TEXT })], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({ models: { main: 'main', backup: 'backup' }, fallback: { chain: ['main', 'backup'] }, hedge: { afterMs: 100 } });

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(BACKUP_TEXT);
    expect(response?.attempts).toHaveLength(2);
    expect(elapsedMs).toBeLessThan(1_000);
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1));
  });

  it('never runs past deadlineMs and starts no attempt once the time is spent', async () => {
    const harness = await startHarness(protocol, { main: [neverAnswer()], backup: [{ text: BACKUP_TEXT }] });
    const llm = harness.client({
      models: { main: 'main', backup: 'backup' },
      fallback: { chain: ['main', 'backup'], attemptTimeoutMs: 10_000 },
      deadlineMs: 300,
    });

    const { error, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(error).toBeInstanceOf(AllDeploymentsFailedError);
    expect((error as AllDeploymentsFailedError).cause).toMatchObject({ code: 'RLLM_TIMEOUT', phase: 'total', timeoutMs: 300 });
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(harness.requestsFor('backup')).toHaveLength(0);
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(300 + 200);
  });

  it('does not sleep a backoff that would not leave room before the deadline', async () => {
    const harness = await startHarness(protocol, { main: [overloaded()] });
    // random() = 0.5, base 300 ms: retry 0 waits 165 ms; retry 1 would wait 315 ms, more than the ~230 ms left.
    const llm = harness.client({ models: { main: 'main' }, retry: { baseDelayMs: 300, maxDelayMs: 5_000 }, deadlineMs: 400 });

    const { error, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as OverloadedError).attempts).toHaveLength(2);
    const requests = harness.requestsFor('main');
    expect(requests).toHaveLength(2);
    expect(gapMs(requests[0]!, requests[1]!)).toBeGreaterThanOrEqual(164);
    expect(elapsedMs).toBeLessThan(380); // gave up at once instead of sleeping into the deadline
  });

  it('cuts a stream that is still going at the deadline, within a small margin', async () => {
    const harness = await startHarness(protocol, { main: [{ text: PRIMARY_TEXT, chunkDelayMs: 100 }] });
    const llm = harness.client({ models: { main: 'main' }, deadlineMs: 350 });

    const { value: outcome, elapsedMs } = await timed(() => drain(llm.stream({ model: 'main', messages: userTurn() })));

    expect(outcome?.error).toBeInstanceOf(AllDeploymentsFailedError);
    expect((outcome?.error as AllDeploymentsFailedError).cause).toMatchObject({ code: 'RLLM_TIMEOUT', phase: 'total' });
    expect(outcome?.parts.some((part) => part.type === 'finish')).toBe(false);
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(340);
    expect(elapsedMs).toBeLessThan(350 + 200);
    await vi.waitFor(() => expect(harness.server.closedEarly).toBe(1));
  });
});
