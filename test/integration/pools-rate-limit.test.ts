import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../src/client/types.js';
import { estimateTokens } from '../../src/cost/estimate-tokens.js';
import { AllDeploymentsFailedError } from '../../src/errors/errors.js';
import type { ResilientLLM } from '../../src/client/resilient-llm.js';
import type { ProviderServer, ProviderServerRequest } from '../../src/testing/index.js';
import { ask, FastClock, startPoolHarness } from './helpers/pool-harness.js';

// Client-side rate limits and limits learned from response headers, through the public client
// against a real loopback server. The clock runs 10× faster than real time (timers scaled to
// match), so a one-minute rpm window passes in 6 s while requests go over real sockets.

const MINUTE_MS = 60_000;
const SCALE = 10;
/**
 * Real milliseconds allowed between the client taking a permit and the server stamping the
 * request (60 calls start at once on one event loop): 1 s of clock time, a tenth of the gap
 * between two requests of the rpm-6 bucket below.
 */
const DELIVERY_SLACK_MS = 100;

/**
 * The most requests a token bucket of `rpm` (capacity `rpm`, refilled at `rpm` per minute) lets
 * start in a span of `spanMs`: the promise the limiter makes. `slackMs` covers the gap between the
 * client taking the permit and the server stamping the request.
 */
function allowedIn(spanMs: number, rpm: number, slackMs: number): number {
  return rpm + Math.floor((rpm * (spanMs + slackMs)) / MINUTE_MS);
}

/** The largest excess over the bucket bound among every run of consecutive requests; ≤ 0 means it held. */
function worstExcess(requests: readonly ProviderServerRequest[], clock: FastClock, rpm: number): number {
  const times = requests.map((request) => clock.toClock(request.receivedAt)).sort((a, b) => a - b);
  let worst = -Infinity;
  for (let first = 0; first < times.length; first++) {
    for (let last = first; last < times.length; last++) {
      worst = Math.max(worst, last - first + 1 - allowedIn(times[last]! - times[first]!, rpm, DELIVERY_SLACK_MS * SCALE));
    }
  }
  return worst;
}

/** Runs one call on the `warm` alias first, so the timed burst is not skewed by compiling the request path. */
async function warmUp(llm: ResilientLLM, server: ProviderServer): Promise<void> {
  await llm.warmup();
  await llm.chat({ ...ask(), model: 'warm' });
  expect(server.requests.map((request) => request.model)).toEqual(['warm']);
}

describe('rpm limits under concurrency', () => {
  it('never sends a deployment more than its rpm allows; the overflow queues up to maxQueueMs, then fails over', async () => {
    const rpm = 6; // one request per 10 s of clock time once the burst of 6 is spent
    const maxQueueMs = 15_000;
    const harness = await startPoolHarness({ default: [{ text: 'ok' }] });
    const clock = new FastClock(SCALE);
    const llm = harness.client({
      models: {
        main: {
          maxQueueMs,
          deployments: [
            { provider: 'openai', model: 'key-a', id: 'key-a', rpm },
            { provider: 'openai', model: 'key-b', id: 'key-b', rpm },
          ],
        },
        overflow: { provider: 'openai', model: 'overflow', id: 'overflow' },
        warm: { provider: 'openai', model: 'warm' },
      },
      fallback: { chain: ['main', 'overflow'] },
      deadlineMs: 600_000,
      clock,
    });
    const refusedBeforeSending: string[] = [];
    llm.on('attempt-error', (event) => refusedBeforeSending.push(event.error.code));
    await warmUp(llm, harness.server);

    const startedAt = clock.now();
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const response: ChatResponse = await llm.chat(ask());
        return { alias: response.alias, endedAfterMs: clock.now() - startedAt };
      }),
    );

    const a = harness.server.requestsFor('key-a');
    const b = harness.server.requestsFor('key-b');
    const overflow = harness.server.requestsFor('overflow');
    expect(a.length + b.length + overflow.length).toBe(60); // one request per call: nothing refused by a 429
    expect(refusedBeforeSending).toEqual([]);
    for (const requests of [a, b]) {
      expect(worstExcess(requests, clock, rpm)).toBeLessThanOrEqual(0);
      // The burst at once, then the one request freed at 10 s within the 15 s a call may queue.
      expect(requests).toHaveLength(rpm + 1);
    }
    // Queued calls were served by the pool inside maxQueueMs. The rest queued until the 10 s refill,
    // when the next free request (20 s) was past their 15 s, and failed over then.
    expect(outcomes.filter((outcome) => outcome.alias === 'main')).toHaveLength(2 * (rpm + 1));
    expect(overflow).toHaveLength(60 - 2 * (rpm + 1));
    for (const request of overflow) {
      const arrivedAfterMs = clock.toClock(request.receivedAt) - startedAt;
      expect(arrivedAfterMs).toBeGreaterThanOrEqual(9_000);
      expect(arrivedAfterMs).toBeLessThanOrEqual(maxQueueMs);
    }
    for (const outcome of outcomes) expect(outcome.endedAfterMs).toBeLessThan(maxQueueMs + 5_000);
  });

  it('refuses with a typed error what cannot start within maxQueueMs when there is no fallback', async () => {
    const rpm = 3; // one request per 20 s once the burst of 3 is spent
    const maxQueueMs = 30_000; // room for the one freed at 20 s, not for the next at 40 s
    const harness = await startPoolHarness({ default: [{ text: 'ok' }] });
    const clock = new FastClock(5 * SCALE); // no tight timing below: run the 30 s faster
    const llm = harness.client({
      models: { main: { maxQueueMs, deployments: [{ provider: 'openai', model: 'only', id: 'only', rpm }] }, warm: { provider: 'openai', model: 'warm' } },
      retry: { maxRetries: 0 },
      deadlineMs: 600_000,
      clock,
    });

    await warmUp(llm, harness.server);

    const startedAt = clock.now();
    const settled = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        llm.chat(ask()).then(
          () => clock.now() - startedAt,
          (error: unknown) => {
            throw { error, afterMs: clock.now() - startedAt };
          },
        ),
      ),
    );

    const served = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const refused = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as { error: unknown; afterMs: number }] : []));
    const requests = harness.server.requestsFor('only');
    expect(requests).toHaveLength(rpm + 1);
    expect(clock.toClock(requests[rpm]!.receivedAt) - startedAt).toBeGreaterThanOrEqual(19_000); // the queued one
    expect(served).toHaveLength(rpm + 1);
    expect(refused).toHaveLength(12 - rpm - 1);
    for (const { error, afterMs } of refused) {
      expect(error).toBeInstanceOf(AllDeploymentsFailedError);
      expect((error as AllDeploymentsFailedError).attempts).toEqual([]); // never sent
      expect(afterMs).toBeLessThan(maxQueueMs + 5_000); // refused once the queue time is spent, not at the deadline
    }
  });
});

describe('tpm limits', () => {
  it('charges a deployment the tokens the server reported, and skips it once its tpm is spent', async () => {
    const harness = await startPoolHarness({ default: [{ text: 'ok', usage: { inputTokens: 500, outputTokens: 500 } }] });
    const llm = harness.client({
      models: {
        main: {
          strategy: 'round-robin',
          deployments: [
            { provider: 'openai', model: 'metered', id: 'metered', tpm: 2_000 },
            { provider: 'openai', model: 'unmetered', id: 'unmetered' },
          ],
        },
      },
    });
    const request = { ...ask('word '.repeat(320)), maxTokens: 50 };
    const estimate = estimateTokens(request);
    expect(estimate).toBeGreaterThan(250); // each call takes its estimate up front…
    expect(estimate).toBeLessThan(600); // …and is settled to the 1 000 tokens the server reports

    for (let call = 0; call < 6; call++) await llm.chat(request);

    // 2 000 → 1 000 after the first call, 0 after the second: round-robin's later turns for
    // `metered` go to `unmetered`. (Charged by estimate alone, `metered` would have taken a third.)
    expect(harness.server.requests.map((request) => request.model)).toEqual(['metered', 'unmetered', 'metered', 'unmetered', 'unmetered', 'unmetered']);
  });
});

describe('limits learned from response headers', () => {
  it('avoids an OpenAI deployment that reported 0 requests remaining, before any 429', async () => {
    const harness = await startPoolHarness({
      exhausted: [{ text: 'last one', headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' } }],
      spare: [{ text: 'spare' }],
    });
    const llm = harness.client({
      models: {
        main: {
          strategy: 'round-robin',
          deployments: [
            { provider: 'openai', model: 'exhausted', id: 'exhausted' },
            { provider: 'openai', model: 'spare', id: 'spare' },
          ],
        },
      },
    });
    const errors: string[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error.code));

    const texts: string[] = [];
    for (let call = 0; call < 6; call++) texts.push((await llm.chat(ask())).text);

    expect(texts).toEqual(['last one', 'spare', 'spare', 'spare', 'spare', 'spare']);
    expect(harness.server.requestsFor('exhausted')).toHaveLength(1);
    expect(harness.server.requests.every((request) => request.step === 'reply')).toBe(true); // no 429 sent
    expect(errors).toEqual([]);
    expect(llm.health().find((snapshot) => snapshot.id === 'exhausted')?.rateLimitHeadroom).toBe(0);
  });

  it('avoids an Anthropic deployment that reported 0 requests remaining until an RFC 3339 reset', async () => {
    const resetAt = new Date(Date.now() + 20_000).toISOString();
    const harness = await startPoolHarness({
      'claude-exhausted': [
        {
          text: 'last one',
          headers: { 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': resetAt },
        },
      ],
      'claude-spare': [{ text: 'spare' }],
    });
    const llm = harness.client({
      models: {
        main: {
          strategy: 'round-robin',
          deployments: [
            { provider: 'anthropic', model: 'claude-exhausted', id: 'exhausted' },
            { provider: 'anthropic', model: 'claude-spare', id: 'spare' },
          ],
        },
      },
    });
    const errors: string[] = [];
    llm.on('attempt-error', (event) => errors.push(event.error.code));

    const texts: string[] = [];
    for (let call = 0; call < 6; call++) texts.push((await llm.chat(ask())).text);

    // With a limit of 50 refilling over 20 s, the learned estimate frees one request every 400 ms;
    // these six calls take far less, so none of them is sent to the exhausted deployment.
    expect(texts).toEqual(['last one', 'spare', 'spare', 'spare', 'spare', 'spare']);
    expect(harness.server.requestsFor('claude-exhausted')).toHaveLength(1);
    expect(harness.server.requests.every((request) => request.step === 'reply')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('queues on the learned reset when the only deployment is exhausted, then sends after it', async () => {
    const harness = await startPoolHarness({
      only: [
        { text: 'first', headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' } },
        { text: 'after the reset' },
      ],
    });
    const clock = new FastClock(5 * SCALE);
    const llm = harness.client({
      models: { main: { maxQueueMs: 30_000, deployments: [{ provider: 'openai', model: 'only', id: 'only' }] } },
      retry: { maxRetries: 0 },
      clock,
    });

    expect((await llm.chat(ask())).text).toBe('first');
    expect((await llm.chat(ask())).text).toBe('after the reset');

    const [first, second] = harness.server.requestsFor('only');
    // The second request waited for the 20 s reset (clock time) instead of drawing a 429.
    expect(clock.toClock(second!.receivedAt) - clock.toClock(first!.stepStartedAt)).toBeGreaterThanOrEqual(19_000);
    expect(harness.server.requests.every((request) => request.step === 'reply')).toBe(true);
  });
});
