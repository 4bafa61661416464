import { Agent, request } from 'undici';
import { decodeSse, type SseEvent } from '../../../src/transport/sse.js';

/** A raw undici client for poking the provider server, closed after each test. */
export function createWireClient(options: { headersTimeoutMs?: number } = {}) {
  const agent = new Agent({
    headersTimeout: options.headersTimeoutMs ?? 10_000,
    bodyTimeout: 0,
    keepAliveTimeout: 1_000,
  });
  return {
    agent,
    post(url: string, body: unknown, init: { signal?: AbortSignal; headersTimeoutMs?: number } = {}) {
      return request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        dispatcher: agent,
        ...(init.headersTimeoutMs !== undefined ? { headersTimeout: init.headersTimeoutMs } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    },
    close: () => agent.close(),
  };
}

/** Reads the whole body as raw bytes (latin1-safe string of UTF-8) and the SSE events decoded from it. */
export async function readSse(body: AsyncIterable<Uint8Array>): Promise<{ raw: string; events: SseEvent[] }> {
  const chunks: Uint8Array[] = [];
  async function* tee() {
    for await (const chunk of body) {
      chunks.push(chunk);
      yield chunk;
    }
  }
  const events: SseEvent[] = [];
  for await (const event of decodeSse(tee())) events.push(event);
  return { raw: Buffer.concat(chunks).toString('utf8'), events };
}

/** Parsed JSON payloads of `data:` events, skipping `[DONE]`. */
export function payloads(events: readonly SseEvent[]): Record<string, any>[] {
  return events.filter((event) => event.event !== 'raw' && event.data !== '[DONE]').map((event) => JSON.parse(event.data));
}

/** The structure of a JSON value: object keys (sorted) with their shapes, array element shapes, primitive types. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value !== null && typeof value === 'object') {
    const shape: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) shape[key] = shapeOf((value as Record<string, unknown>)[key]);
    return shape;
  }
  return value === null ? 'null' : typeof value;
}

/** Collects a body into text, or the error that ended it. */
export async function readToEnd(body: AsyncIterable<Uint8Array>): Promise<{ text: string; error?: unknown }> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk);
    return { text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return { text: Buffer.concat(chunks).toString('utf8'), error };
  }
}
