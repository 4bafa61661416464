import { describe, expect, it } from 'vitest';
import type { ProviderStreamPart } from '../../src/client/types.js';
import { anthropic } from '../../src/providers/anthropic/anthropic-adapter.js';
import { listFixtures, readFixture } from '../helpers/fixtures.js';
import { randomOffsets, seededRandom, splitAtBytes } from '../helpers/replay-server.js';
import {
  blockDelta,
  blockStart,
  blockStop,
  callContext,
  collectParts,
  MESSAGE_STOP,
  messageDelta,
  messageStart,
  PING,
  summarizeParts,
  TEST_API_KEY,
  memoryTransport,
} from '../unit/providers/anthropic/anthropic-test-helpers.js';

const SPLITS_PER_BODY = 250;

/** Streams `chunks` through the adapter over an in-memory transport (no sockets, so hundreds of runs stay fast). */
async function partsOf(chunks: readonly (string | Uint8Array)[]): Promise<ProviderStreamPart[]> {
  const transport = memoryTransport(() => ({ headers: { 'content-type': 'text/event-stream', 'request-id': 'req_chunk' }, chunks }));
  const adapter = anthropic({ apiKey: TEST_API_KEY, baseURL: 'https://api.anthropic.test/v1' });
  return collectParts(await adapter.doStream({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, callContext(transport)));
}

/** A synthetic stream with multi-byte UTF-8 (accents, CJK, emoji) in text, thinking and tool input. */
const MULTIBYTE_STREAM = [
  messageStart(),
  blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
  blockDelta(0, { type: 'thinking_delta', thinking: 'Réfléchissons… 思考 🤔' }),
  blockDelta(0, { type: 'signature_delta', signature: 'c2lnbmF0dXJl' }),
  blockStop(0),
  PING,
  blockStart(1, { type: 'text', text: '' }),
  blockDelta(1, { type: 'text_delta', text: 'Grüße aus Zürich — 你好，世界 👋🏽' }),
  blockStop(1),
  blockStart(2, { type: 'tool_use', id: 'toolu_utf8', name: 'translate', input: {} }),
  blockDelta(2, { type: 'input_json_delta', partial_json: '{"text": "naïve ' }),
  blockDelta(2, { type: 'input_json_delta', partial_json: 'café ☕", "to": "日本語"}' }),
  blockStop(2),
  messageDelta('tool_use', { output_tokens: 42 }),
  MESSAGE_STOP,
].join('');

const SSE_FIXTURES = listFixtures('anthropic').filter((file) => file.endsWith('.sse'));

/** Each recorded body as sent (LF), again with CRLF line endings (legal SSE), and the multi-byte stream. */
const BODIES: readonly { readonly name: string; readonly body: string }[] = [
  ...SSE_FIXTURES.map((file) => ({ name: file, body: readFixture(file) })),
  ...SSE_FIXTURES.map((file) => ({ name: `${file} (CRLF)`, body: readFixture(file).replace(/\n/g, '\r\n') })),
  { name: 'synthetic multi-byte UTF-8 stream', body: MULTIBYTE_STREAM },
];

describe('anthropic re-chunking', () => {
  it('has every recorded SSE fixture to split', () => {
    expect(SSE_FIXTURES).toHaveLength(5);
  });

  for (const [bodyIndex, { name, body }] of BODIES.entries()) {
    it(`gives the same parts for ${name} split at ${SPLITS_PER_BODY} seeded random byte positions`, async () => {
      const expected = await partsOf([body]);
      expect(expected.at(-1)?.type).toBe('finish');
      const length = Buffer.byteLength(body, 'utf8');
      const random = seededRandom(0xa17 + bodyIndex);
      for (let split = 0; split < SPLITS_PER_BODY; split++) {
        const count = 1 + Math.floor(random() * 48);
        const offsets = randomOffsets(random, length, count);
        const parts = await partsOf(splitAtBytes(body, offsets));
        expect(parts, `split ${split} at ${offsets.join(',')}`).toEqual(expected);
      }
    });
  }

  it('gives the same parts when every byte arrives on its own, through multi-byte characters', async () => {
    const expected = await partsOf([MULTIBYTE_STREAM]);
    const bytes = Buffer.from(MULTIBYTE_STREAM, 'utf8');
    const everyByte = Array.from({ length: bytes.length }, (_, index) => bytes.subarray(index, index + 1));
    expect(await partsOf(everyByte)).toEqual(expected);
    const summary = summarizeParts(expected);
    expect(summary.text).toBe('Grüße aus Zürich — 你好，世界 👋🏽');
    expect(summary.reasoning).toEqual([{ type: 'reasoning', text: 'Réfléchissons… 思考 🤔', signature: 'c2lnbmF0dXJl', provider: 'anthropic' }]);
    expect(summary.toolCalls).toEqual([{ id: 'toolu_utf8', name: 'translate', args: { text: 'naïve café ☕', to: '日本語' } }]);
  });

  it('splits inside every multi-byte character and every CRLF pair of a body', async () => {
    const crlf = MULTIBYTE_STREAM.replace(/\n/g, '\r\n');
    const bytes = Buffer.from(crlf, 'utf8');
    const inside: number[] = [];
    for (let index = 1; index < bytes.length; index++) {
      const isContinuation = (bytes[index]! & 0xc0) === 0x80;
      const isInsideCrlf = bytes[index - 1] === 0x0d && bytes[index] === 0x0a;
      if (isContinuation || isInsideCrlf) inside.push(index);
    }
    expect(inside.length).toBeGreaterThan(50);
    expect(await partsOf(splitAtBytes(crlf, inside))).toEqual(await partsOf([MULTIBYTE_STREAM]));
  });
});
