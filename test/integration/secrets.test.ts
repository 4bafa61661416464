import { afterEach, describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import type { EventType } from '../../src/events/events.js';
import { anthropic } from '../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../src/providers/gemini/gemini-adapter.js';
import { openai } from '../../src/providers/openai/openai-adapter.js';
import {
  createProviderServer,
  httpError,
  inBandError,
  malformedChunk,
  rateLimit,
  serverError,
  type ProviderServer,
} from '../../src/testing/index.js';

const KEYS = {
  openai: 'sk-proj-SECRETopenaiKEY1234567890',
  anthropic: 'sk-ant-api03-SECRETanthropicKEY1234567890',
  gemini: 'AIzaSyDSECRETgeminiKEY1234567890abcdEF',
} as const;

const EVENT_TYPES: readonly EventType[] = [
  'request-start',
  'request-end',
  'attempt-start',
  'attempt-end',
  'attempt-error',
  'retry',
  'fallback',
  'stream-reset',
  'circuit-state',
  'cooldown',
  'hedge',
  'route',
  'listener-error',
];

let server: ProviderServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every string an error or payload can render to: message, JSON, inspect-like walk of its fields. */
function renderings(value: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (item: unknown, depth: number) => {
    if (depth > 6 || item === null || item === undefined || seen.has(item)) return;
    if (typeof item === 'string') {
      out.push(item);
      return;
    }
    if (typeof item !== 'object') return;
    seen.add(item);
    if (item instanceof Error) {
      out.push(item.message, String(item.stack));
      walk((item as { cause?: unknown }).cause, depth + 1);
    }
    for (const key of Object.getOwnPropertyNames(item)) walk((item as Record<string, unknown>)[key], depth + 1);
  };
  walk(value, 0);
  try {
    out.push(JSON.stringify(value));
  } catch {
    // Circular payloads are covered by the walk.
  }
  return out;
}

describe('no key ever appears in an error, event or log line', () => {
  it.each(['openai', 'anthropic', 'gemini'] as const)('%s: failing calls leak no key anywhere', async (vendor) => {
    const model = `${vendor}-secret-test`;
    server = await createProviderServer({
      script: {
        [model]: [
          httpError(401, { body: { error: { message: `Incorrect API key provided: ${KEYS[vendor]}` } } }),
          rateLimit({ retryAfterMs: 5 }),
          serverError(500),
          inBandError({ afterChunks: 1, type: 'server' }),
          malformedChunk({ afterChunks: 1 }),
          { text: 'finally' },
        ],
      },
    });
    const adapter =
      vendor === 'openai'
        ? openai({ apiKey: KEYS.openai, baseURL: server.baseURL('openai') })
        : vendor === 'anthropic'
          ? anthropic({ apiKey: KEYS.anthropic, baseURL: server.baseURL('anthropic') })
          : gemini({ apiKey: KEYS.gemini, baseURL: server.baseURL('gemini') });
    const llm = new ResilientLLM({
      providers: { vendor: adapter },
      models: { main: { provider: 'vendor', model } },
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const captured: unknown[] = [];
    for (const type of EVENT_TYPES) llm.on(type, (event) => captured.push(event));
    const outcomes: unknown[] = [];
    for (let index = 0; index < 4; index++) {
      const isStream = index % 2 === 1;
      try {
        outcomes.push(
          isStream
            ? await llm.stream({ model: 'main', messages: [{ role: 'user', content: 'hi' }] }).response
            : await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'hi' }] }),
        );
      } catch (error) {
        outcomes.push(error);
      }
    }
    await llm.close();
    expect(outcomes.some((outcome) => outcome instanceof Error)).toBe(true);
    expect(captured.length).toBeGreaterThan(10);
    const texts = [...outcomes, ...captured, ...llm.health()].flatMap(renderings);
    expect(texts.length).toBeGreaterThan(50);
    for (const key of Object.values(KEYS)) {
      for (const text of texts) expect(text).not.toContain(key);
    }
    // The server really received the key, so the scan above is not vacuous.
    const sent = server.requests.map((request) => JSON.stringify(request.headers));
    expect(sent.some((headers) => headers.includes(KEYS[vendor]))).toBe(true);
  });
});
