import { createServer } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { InvalidArgumentError, InvalidResponseError, ResponseTooLargeError } from '../../../src/errors/errors.js';
import { classifyError } from '../../../src/policy/retry/classify-error.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../../src/providers/gemini/gemini-adapter.js';
import { AbortToken } from '../../../src/transport/abort-token.js';
import { FetchTransport } from '../../../src/transport/fetch-transport.js';
import { embeddingResponseLimit, DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_RESPONSE_BYTES } from '../../../src/transport/response-limits.js';
import { decodeSseBatches, type SseEvent } from '../../../src/transport/sse.js';
import type { Transport } from '../../../src/transport/transport.js';
import { UndiciTransport } from '../../../src/transport/undici-transport.js';
import { listenOnLoopback } from '../../helpers/listen-on-loopback.js';

const encoder = new TextEncoder();

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? encoder.encode(part) : part;
}

async function decodeAll(body: AsyncIterable<Uint8Array>, maxEventBytes?: number): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const batch of decodeSseBatches(body, maxEventBytes)) events.push(...batch);
  return events;
}

describe('decodeSseBatches limits', () => {
  it('passes events of any count as long as each stays under maxEventBytes', async () => {
    const many = Array.from({ length: 200 }, (_, index) => `data: ${'x'.repeat(50)}${index}\n\n`);
    const events = await decodeAll(chunks(...many), 100);
    expect(events).toHaveLength(200);
  });

  it('throws ResponseTooLargeError for an event that never ends', async () => {
    const endless = (async function* () {
      yield encoder.encode('data: {"ok":1}\n\n');
      for (let index = 0; index < 1000; index++) yield encoder.encode('a'.repeat(1024));
    })();
    const seen: SseEvent[] = [];
    const error = await (async () => {
      for await (const batch of decodeSseBatches(endless, 64 * 1024)) seen.push(...batch);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual([{ data: '{"ok":1}' }]);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ code: 'RLLM_INVALID_RESPONSE', limit: 'maxEventBytes', limitBytes: 64 * 1024 });
  });

  it('counts non-SSE lines that pile up without an event', async () => {
    const lines = Array.from({ length: 100 }, () => `garbage ${'y'.repeat(100)}\n`);
    await expect(decodeAll(chunks(...lines), 4096)).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('defaults to 8 MiB', async () => {
    expect(DEFAULT_MAX_EVENT_BYTES).toBe(8 * 1024 * 1024);
    const big = `data: ${'z'.repeat(DEFAULT_MAX_EVENT_BYTES - 1024)}\n\n`;
    expect(await decodeAll(chunks(big))).toHaveLength(1);
    await expect(decodeAll(chunks(`data: ${'z'.repeat(DEFAULT_MAX_EVENT_BYTES)}`, 'more'))).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});

describe.each([
  ['undici', () => new UndiciTransport()],
  ['fetch', () => new FetchTransport()],
] as const)('%s transport text() limit', (_name, makeTransport: () => Transport) => {
  /**
   * Serves `body`, or with `body: 'endless'` 64 KiB pieces at the client's pace until it hangs up;
   * `openSockets()` counts the connections that carried a request and are still open (keep-alive
   * keeps a finished one).
   */
  async function serve(body: string, headers: Record<string, string> = {}): Promise<{ url: string; openSockets: () => number }> {
    let openSockets = 0;
    const server = createServer((request, response) => {
      openSockets++;
      request.socket.once('close', () => openSockets--);
      response.writeHead(200, { 'content-type': 'application/json', ...headers });
      if (body !== 'endless') {
        // Written in pieces, so the client sees several chunks.
        for (let offset = 0; offset < body.length; offset += 16 * 1024) response.write(body.slice(offset, offset + 16 * 1024));
        response.end();
        return;
      }
      const piece = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!response.destroyed) if (!response.write(piece)) return void response.once('drain', pump);
      };
      pump();
    });
    const listener = await listenOnLoopback(server);
    onTestFinished(() => listener.close());
    return { url: listener.url, openSockets: () => openSockets };
  }

  function transportForTest(): Transport {
    const transport = makeTransport();
    onTestFinished(() => transport.close());
    return transport;
  }

  it('reads a body under the limit, and keeps the connection', async () => {
    const { url, openSockets } = await serve(`\uFEFF${JSON.stringify({ text: 'é'.repeat(50_000) })}`);
    const response = await transportForTest().request({ url, method: 'GET', headers: {}, signal: new AbortToken(), maxResponseBytes: 200_000 });
    expect(JSON.parse(await response.text())).toEqual({ text: 'é'.repeat(50_000) });
    expect(openSockets()).toBe(1);
  });

  it('refuses a body past maxResponseBytes and closes the connection', async () => {
    const { url, openSockets } = await serve('endless');
    const response = await transportForTest().request({ url, method: 'GET', headers: {}, signal: new AbortToken(), maxResponseBytes: 100_000 });
    const error = await response.text().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ limit: 'maxResponseBytes', limitBytes: 100_000 });
    expect((error as Error).message).toMatch(/the response body is larger than `maxResponseBytes` \(100000 bytes\); the connection was closed/);
    await expect.poll(openSockets).toBe(0);
  });

  it('refuses a declared content-length past the limit without reading it', async () => {
    const { url } = await serve('x'.repeat(300_000), { 'content-length': '300000' });
    const response = await transportForTest().request({ url, method: 'GET', headers: {}, signal: new AbortToken(), maxResponseBytes: 1000 });
    await expect(response.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('applies the 8 MiB default', async () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(8 * 1024 * 1024);
    const { url } = await serve('x'.repeat(DEFAULT_MAX_RESPONSE_BYTES + 1));
    const response = await transportForTest().request({ url, method: 'GET', headers: {}, signal: new AbortToken() });
    await expect(response.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});

describe('response limit options', () => {
  it('are accepted by every provider factory and checked', () => {
    for (const factory of [
      (limits: object) => openai({ apiKey: 'sk-test-limits', ...limits }),
      (limits: object) => anthropic({ apiKey: 'sk-ant-test-limits', ...limits }),
      (limits: object) => gemini({ apiKey: 'gemini-test-limits', ...limits }),
    ]) {
      expect(() => factory({ maxResponseBytes: 64 * 1024 * 1024, maxEventBytes: 16 * 1024 * 1024 })).not.toThrow();
      expect(() => factory({ maxResponseBytes: 0 })).toThrow(InvalidArgumentError);
      expect(() => factory({ maxEventBytes: '8MB' })).toThrow(/Expected `maxEventBytes` to be a positive integer number of bytes, got "8MB"/);
    }
  });

  it('give embedding calls at least what their batch needs', () => {
    expect(embeddingResponseLimit(undefined, 1, undefined, 5.4)).toBe(DEFAULT_MAX_RESPONSE_BYTES);
    expect(embeddingResponseLimit(undefined, 2048, 3072, 5.4)).toBeGreaterThan(2048 * 3072 * 4 * (4 / 3));
    expect(embeddingResponseLimit(1000, 2048, 3072, 5.4)).toBe(1000);
  });

  it('fail over at once: an answer past its limit is not retried on the same deployment', () => {
    expect(classifyError(new ResponseTooLargeError('maxResponseBytes', 10))).toBe('failover');
    expect(classifyError(new InvalidResponseError('malformed'))).toBe('retry');
  });
});
