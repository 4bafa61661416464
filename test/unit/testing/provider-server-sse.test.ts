import { afterEach, describe, expect, it } from 'vitest';
import { createProviderServer, inBandError, type ProviderServer, type ServerStep } from '../../../src/testing/index.js';
import { decodeSse, type SseEvent } from '../../../src/transport/sse.js';
import { randomOffsets, seededRandom, splitAtBytes } from '../../helpers/replay-server.js';
import { createWireClient, readToEnd } from './wire-client.js';

let server: ProviderServer | undefined;
let client: ReturnType<typeof createWireClient> | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
});

async function decodeChunks(chunks: readonly Uint8Array[]): Promise<SseEvent[]> {
  async function* bytes() {
    yield* chunks;
  }
  const events: SseEvent[] = [];
  for await (const event of decodeSse(bytes())) events.push(event);
  return events;
}

const reply: ServerStep = {
  reasoning: 'Thinking about “quotes” and emoji 🌍.',
  text: 'Grüße aus Köln 🌍, voilà.',
  toolCalls: [{ name: 'lookup', args: { city: 'Zürich' } }],
};

const cases = [
  { name: 'openai', path: '/v1/chat/completions', body: { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [] } },
  { name: 'anthropic', path: '/v1/messages', body: { model: 'm', stream: true, max_tokens: 9, messages: [] } },
  { name: 'gemini', path: '/v1beta/models/m:streamGenerateContent?alt=sse', body: { contents: [] } },
];

describe.each(cases)('provider server SSE over $name', ({ path, body }) => {
  it.each([
    ['a complete answer', reply],
    ['an in-band error', inBandError({ afterChunks: 3, reply })],
  ])('decodes %s identically however the bytes are split', async (_label, step) => {
    server = await createProviderServer({ script: { m: [step] } });
    client = createWireClient();
    const { text } = await readToEnd((await client.post(`${server.url}${path}`, body)).body);
    const whole = await decodeChunks([Buffer.from(text)]);
    expect(whole.length).toBeGreaterThan(3);
    const random = seededRandom(42);
    const length = Buffer.byteLength(text);
    for (let split = 0; split < 50; split++) {
      const chunks = splitAtBytes(text, randomOffsets(random, length, 1 + (split % 12)));
      expect(await decodeChunks(chunks)).toEqual(whole);
    }
  });
});
