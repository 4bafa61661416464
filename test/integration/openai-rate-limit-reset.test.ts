import { describe, expect, it } from 'vitest';
import { RateLimitError, type ResilientLLMError } from '../../src/errors/index.js';
import { httpError, rateLimit } from '../../src/testing/index.js';
import { gapMs, startHarness, timed, userTurn } from './helpers/fault-harness.js';

// An OpenAI 429 without Retry-After but with an exhausted `x-ratelimit-*` bucket: the reset of
// that bucket is the wait, through the whole client over a real 127.0.0.1 server.

const OK_TEXT = 'Answered after the rate-limit window reset.';
const BACKUP_TEXT = 'The backup deployment answered in full.';

describe('openai: 429 with x-ratelimit reset headers and no Retry-After', () => {
  it('waits for the reset of the exhausted bucket, then retries the same deployment', async () => {
    // `x-ratelimit-remaining-requests: 0`, `x-ratelimit-reset-requests: 150ms`, no retry-after.
    const harness = await startHarness('openai', { main: [rateLimit({ resetMs: 150 }), { text: OK_TEXT }] });
    // Backoff alone would wait 4 + 0.5 · (40 − 4) = 22 ms.
    const llm = harness.client({ models: { main: 'main' } });
    const errors: ResilientLLMError[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(OK_TEXT);
    const [limited, retried] = harness.requestsFor('main');
    expect(harness.requestsFor('main')).toHaveLength(2);
    expect(limited!.step).toBe('rate-limit');
    expect(gapMs(limited!, retried!)).toBeGreaterThanOrEqual(145);
    expect(elapsedMs).toBeLessThan(150 + 1_000);
    expect(errors[0]).toBeInstanceOf(RateLimitError);
    expect(errors[0]).toMatchObject({ retryAfterMs: 150, status: 429 });
    expect(response?.attempts.map((attempt) => [attempt.alias, attempt.outcome, attempt.errorCode])).toEqual([
      ['main', 'error', 'RLLM_RATE_LIMITED'],
      ['main', 'success', undefined],
    ]);
  });

  it('fails over at once when the later exhausted reset is longer than the time left before deadlineMs', async () => {
    const harness = await startHarness('openai', {
      main: [
        httpError(429, {
          headers: {
            'x-ratelimit-remaining-requests': '0',
            'x-ratelimit-reset-requests': '150ms',
            'x-ratelimit-remaining-tokens': '0',
            'x-ratelimit-reset-tokens': '1s',
          },
        }),
        { text: OK_TEXT },
      ],
      backup: [{ text: BACKUP_TEXT }],
    });
    const llm = harness.client({ models: { main: 'main', backup: 'backup' }, fallback: { chain: ['main', 'backup'] }, deadlineMs: 600 });
    const errors: ResilientLLMError[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error));

    const { value: response, elapsedMs } = await timed(() => llm.chat({ model: 'main', messages: userTurn() }));

    expect(response?.text).toBe(BACKUP_TEXT);
    expect(response?.alias).toBe('backup');
    expect(harness.requestsFor('main')).toHaveLength(1);
    expect(harness.requestsFor('backup')).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'RLLM_RATE_LIMITED', retryAfterMs: 1_000 });
    expect(elapsedMs).toBeLessThan(400); // neither slept the 1 s nor the 150 ms reset
  });
});
