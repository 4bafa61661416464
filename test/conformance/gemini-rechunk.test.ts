/**
 * Every recorded Gemini SSE body, re-split at seeded random byte offsets (hundreds of splits per
 * file, including inside multi-byte UTF-8 characters and between the `\r` and `\n` of CRLF),
 * must give exactly the same parts as the body delivered in one piece. Uses an in-memory
 * transport: this is about framing and decoding, not sockets.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderStreamPart } from '../../src/client/types.js';
import { gemini } from '../../src/providers/gemini/gemini-adapter.js';
import { listFixtures, readFixture } from '../helpers/fixtures.js';
import { randomOffsets, seededRandom, splitAtBytes } from '../helpers/replay-server.js';
import { callContext, MemoryTransport, sequentialIds, TEST_API_KEY } from '../unit/providers/gemini/gemini-test-kit.js';

const SPLITS_PER_FILE = 200;

type Outcome = { parts: ProviderStreamPart[]; error?: { name: string; message: string } };

async function replay(chunks: readonly Uint8Array[]): Promise<Outcome> {
  const transport = new MemoryTransport(() => chunks);
  // A fresh id sequence per run, so generated tool-call ids compare equal across runs.
  const adapter = gemini({ apiKey: TEST_API_KEY, baseURL: 'https://memory.test/v1beta', generateId: sequentialIds('call') });
  const parts: ProviderStreamPart[] = [];
  try {
    for await (const part of await adapter.doStream({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }, callContext(transport))) {
      parts.push(part);
    }
  } catch (error) {
    return { parts, error: { name: (error as Error).name, message: (error as Error).message } };
  }
  return { parts };
}

/** Offsets that fall inside a multi-byte UTF-8 character (after a lead or continuation byte). */
function offsetsInsideCharacters(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let index = 1; index < bytes.length; index++) {
    if ((bytes[index]! & 0xc0) === 0x80) offsets.push(index);
  }
  return offsets;
}

/** Offsets between the `\r` and the `\n` of every CRLF. */
function offsetsInsideCrlf(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let index = 1; index < bytes.length; index++) {
    if (bytes[index - 1] === 0x0d && bytes[index] === 0x0a) offsets.push(index);
  }
  return offsets;
}

const SSE_FILES = listFixtures('google').filter((file) => file.endsWith('.sse'));

describe('Gemini conformance: re-chunked SSE fixtures', () => {
  it('finds the SSE fixtures', () => {
    expect(SSE_FILES.length).toBeGreaterThanOrEqual(12);
  });

  SSE_FILES.forEach((file, fileIndex) => {
    it(`gives the same parts for ${file} split at ${SPLITS_PER_FILE}+ seeded random byte offsets`, async () => {
      const text = readFixture(file);
      const bytes = Buffer.from(text, 'utf8');
      const baseline = await replay([bytes]);
      // The baseline itself is meaningful: a finish part, or the documented error.
      expect(baseline.parts.length + (baseline.error ? 1 : 0)).toBeGreaterThan(0);

      const multiByte = offsetsInsideCharacters(bytes);
      const crlf = offsetsInsideCrlf(bytes);
      const random = seededRandom(0x6e6d + fileIndex);
      const splits: number[][] = [
        // Every byte its own chunk.
        Array.from({ length: bytes.length - 1 }, (_, index) => index + 1),
        crlf,
        multiByte,
      ];
      for (let run = 0; run < SPLITS_PER_FILE; run++) {
        const offsets = randomOffsets(random, bytes.length, 1 + Math.floor(random() * 40));
        // Add one offset from each hard case to every run where the file has one.
        if (crlf.length > 0) offsets.push(crlf[Math.floor(random() * crlf.length)]!);
        if (multiByte.length > 0) offsets.push(multiByte[Math.floor(random() * multiByte.length)]!);
        splits.push([...new Set(offsets)].sort((a, b) => a - b));
      }
      for (const offsets of splits) {
        const outcome = await replay(splitAtBytes(text, offsets));
        expect(outcome, `split at ${offsets.slice(0, 12).join(',')}…`).toEqual(baseline);
      }
    });
  });

  it('splits inside multi-byte characters in the UTF-8 fixture and inside CRLF in the CRLF ones', () => {
    const utf8 = Buffer.from(readFixture('google/generative-ai-js__streaming-success-utf8.sse'), 'utf8');
    expect(offsetsInsideCharacters(utf8).length).toBeGreaterThan(100);
    expect(offsetsInsideCrlf(utf8).length).toBeGreaterThan(0);
  });
});
