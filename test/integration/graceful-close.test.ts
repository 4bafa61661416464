import { createServer } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import type { ClientOptions } from '../../src/client/client-options.js';
import { ClientClosedError, InvalidArgumentError } from '../../src/errors/errors.js';
import { openai } from '../../src/providers/openai/openai-adapter.js';
import { createProviderServer, rateLimit, slowFirstToken, stall, type ProviderServer, type ProviderServerScript } from '../../src/testing/index.js';
import { AbortToken } from '../../src/transport/abort-token.js';
import { UndiciTransport } from '../../src/transport/undici-transport.js';
import { listenOnLoopback } from '../helpers/listen-on-loopback.js';

const PROMPT = [{ role: 'user' as const, content: 'hello' }];
/** What `close()` may take beyond `graceMs`: aborted calls unwind, the transport lets go. Generous for a loaded machine. */
const SLACK_MS = 1_500;

type Setup = { readonly server: ProviderServer; readonly llm: ResilientLLM; readonly events: string[]; readonly attemptErrors: unknown[] };

async function setUp(script: ProviderServerScript, options: Partial<ClientOptions> = {}): Promise<Setup> {
  const server = await createProviderServer({ script });
  const llm = new ResilientLLM({
    providers: { openai: openai({ apiKey: 'sk-test-close', baseURL: server.baseURL('openai') }) },
    models: { main: { provider: 'openai', model: 'gpt-close' } },
    ...options,
  });
  onTestFinished(async () => {
    await llm.close({ graceMs: 0 });
    await server.close();
  });
  const events: string[] = [];
  const attemptErrors: unknown[] = [];
  llm.on('attempt-start', () => events.push('attempt-start'));
  llm.on('attempt-end', ({ outcome, reason }) => {
    events.push(outcome === 'aborted' ? 'attempt-end (aborted)' : 'attempt-end');
    if (outcome === 'aborted') attemptErrors.push(reason);
  });
  llm.on('attempt-error', ({ error }) => {
    events.push('attempt-error');
    attemptErrors.push(error);
  });
  return { server, llm, events, attemptErrors };
}

/** Every `attempt-start` is followed by exactly one `attempt-end` or `attempt-error`. */
function expectPaired(events: readonly string[]): void {
  let open = 0;
  for (const event of events) {
    if (event === 'attempt-start') open++;
    else open--;
    expect(open).toBeGreaterThanOrEqual(0);
  }
  expect(open).toBe(0);
}

function timed<T>(promise: Promise<T>): Promise<{ ms: number; value: T }> {
  const startedAt = performance.now();
  return promise.then((value) => ({ ms: performance.now() - startedAt, value }));
}

describe('close({ graceMs })', () => {
  it('aborts a stream that never ends once the grace is over, refuses new calls at once, and leaves no socket', async () => {
    const { server, llm, events, attemptErrors } = await setUp({ 'gpt-close': [stall({ afterChunks: 1 })] });
    const stream = llm.stream({ model: 'main', messages: PROMPT });
    const parts = stream[Symbol.asyncIterator]();
    // Read until the first text arrives: the call is in flight, the socket open.
    for (let part = await parts.next(); !part.done && part.value.type !== 'text-delta'; part = await parts.next());
    expect(server.openConnections()).toBe(1);

    const closing = timed(llm.close({ graceMs: 300 }));
    const refused = await timed(llm.chat({ model: 'main', messages: PROMPT }).catch((error: unknown) => error));
    expect(refused.value).toBeInstanceOf(ClientClosedError);
    expect(refused.value).toMatchObject({ code: 'RLLM_CLIENT_CLOSED', isRetryable: false });
    expect((refused.value as Error).message).toMatch(/closing: no new calls are accepted/);
    expect(refused.ms).toBeLessThan(100);
    await expect(llm.stream({ model: 'main', messages: PROMPT }).response).rejects.toBeInstanceOf(ClientClosedError);
    await expect(llm.embed({ model: 'main', input: ['x'] })).rejects.toBeInstanceOf(ClientClosedError);

    const { ms } = await closing;
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(300 + SLACK_MS);
    const error = await stream.response.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClientClosedError);
    expect((error as Error).message).toMatch(/aborted this call after its grace of 300 ms/);
    await expect(parts.next()).rejects.toBeInstanceOf(ClientClosedError);
    await expect.poll(() => server.openConnections()).toBe(0);
    expect(server.closedEarly).toBe(1);
    // A cancellation is not a vendor error: the attempt ends as aborted, with the close as its reason.
    expect(events).toEqual(['attempt-start', 'attempt-end (aborted)']);
    expectPaired(events);
    expect(attemptErrors[0]).toBeInstanceOf(ClientClosedError);
    // After close, calls are still refused, with the final message.
    await expect(llm.chat({ model: 'main', messages: PROMPT })).rejects.toThrow(/the client was closed; create a new one/);
  });

  it('lets a call that ends within the grace finish, and resolves as soon as it has', async () => {
    const { llm, events } = await setUp({ 'gpt-close': [slowFirstToken(300, { text: 'made it' })] });
    const call = llm.chat({ model: 'main', messages: PROMPT });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { ms } = await timed(llm.close({ graceMs: 5_000 }));
    expect((await call).text).toBe('made it');
    expect(ms).toBeLessThan(2_000);
    expect(events).toEqual(['attempt-start', 'attempt-end']);
  });

  it('aborts a call waiting in a rate-limit queue', async () => {
    const { server, llm, events } = await setUp(
      { 'gpt-close': [{ text: 'first' }] },
      { models: { main: { deployments: [{ provider: 'openai', model: 'gpt-close', rpm: 1 }], maxQueueMs: 60_000 } } },
    );
    expect((await llm.chat({ model: 'main', messages: PROMPT })).text).toBe('first');
    const queued = llm.chat({ model: 'main', messages: PROMPT }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(1);

    const { ms } = await timed(llm.close({ graceMs: 100 }));
    expect(ms).toBeLessThan(100 + SLACK_MS);
    const error = await queued;
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(server.requests).toHaveLength(1);
    expectPaired(events);
    await expect.poll(() => server.openConnections()).toBe(0);
  });

  it('aborts a call sleeping out a Retry-After, and clears its timer', async () => {
    const { server, llm, events } = await setUp(
      { 'gpt-close': [rateLimit({ retryAfterSeconds: 30 }), { text: 'too late' }] },
      { retry: { maxRetries: 2, maxRetryAfterMs: 60_000 } },
    );
    const retried = new Promise<void>((resolve) => llm.on('retry', () => resolve()));
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const sleeping = llm.chat({ model: 'main', messages: PROMPT }).catch((error: unknown) => error);
    await retried;
    expect(server.requests).toHaveLength(1);

    const { ms } = await timed(llm.close({ graceMs: 100 }));
    expect(ms).toBeLessThan(100 + SLACK_MS);
    expect(await sleeping).toBeInstanceOf(ClientClosedError);
    expect(server.requests).toHaveLength(1);
    expect(events).toEqual(['attempt-start', 'attempt-error']);
    // The 30 s backoff timer is gone (the server's and vitest's own may come and go).
    expect(process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length).toBeLessThanOrEqual(timersBefore);
    await expect.poll(() => server.openConnections()).toBe(0);
  });

  it('resolves at once with nothing in flight, returns the same promise twice, and checks graceMs', async () => {
    const { llm } = await setUp({ 'gpt-close': [{ text: 'hi' }] });
    expect((await llm.chat({ model: 'main', messages: PROMPT })).text).toBe('hi');
    await expect(llm.close({ graceMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    const first = llm.close();
    expect(llm.close({ graceMs: 5 })).toBe(first);
    const { ms } = await timed(first);
    expect(ms).toBeLessThan(SLACK_MS);
  });
});

describe('UndiciTransport.close({ graceMs })', () => {
  it('destroys a socket whose response never ends once the grace is over', async () => {
    let isSocketClosed = false;
    const server = createServer((request, response) => {
      request.socket.once('close', () => (isSocketClosed = true));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': still here\n\n');
    });
    const listener = await listenOnLoopback(server);
    onTestFinished(() => listener.close());
    const transport = new UndiciTransport();
    const response = await transport.request({ url: `${listener.url}/endless`, method: 'GET', headers: {}, signal: new AbortToken() });
    expect(response.status).toBe(200);

    const { ms } = await timed(transport.close({ graceMs: 200 }));
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(200 + SLACK_MS);
    await expect.poll(() => isSocketClosed).toBe(true);
  });
});
