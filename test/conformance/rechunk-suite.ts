/**
 * The re-chunking fuzz shared by the OpenAI wires (Chat Completions and Responses): every recorded
 * stream, split at random byte offsets (also inside multi-byte characters and CRLF pairs), with LF
 * and CRLF line endings, must yield exactly the parts the unsplit recording yields.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderStreamPart } from '../../src/client/types.js';
import type { ProviderAdapter } from '../../src/providers/provider.js';
import { systemClock } from '../../src/providers/provider.js';
import type { Transport, TransportResponse } from '../../src/transport/transport.js';
import { listFixtures, readFixture } from '../helpers/fixtures.js';
import { randomOffsets, seededRandom, splitAtBytes } from '../helpers/replay-server.js';

export type RechunkSuite = {
  /** The describe title, e.g. `OpenAI conformance`. */
  readonly title: string;
  /** The fixtures folder whose `.sse` files are replayed, and how many it must hold. */
  readonly folder: string;
  readonly fixtureCount: number;
  /** A fixture with non-ASCII text, to prove splits land inside its characters. */
  readonly nonAsciiFixture: string;
  readonly adapter: () => ProviderAdapter;
  readonly model: string;
  readonly splitsPerVariant: number;
};

/** A transport that answers every request with the same in-memory chunks: fast enough for thousands of runs. */
function chunkTransport(chunks: readonly Uint8Array[]): Transport & { cancelled: number } {
  const transport = {
    cancelled: 0,
    async request(): Promise<TransportResponse> {
      return {
        status: 200,
        header: (name: string) => (name === 'x-request-id' ? 'req_rechunk' : undefined),
        body: (async function* () {
          for (const chunk of chunks) yield chunk;
        })(),
        text: async () => Buffer.concat(chunks).toString('utf8'),
        cancel: () => {
          transport.cancelled++;
        },
      };
    },
    async close(): Promise<void> {},
  };
  return transport;
}

async function partsOf(suite: RechunkSuite, chunks: readonly Uint8Array[]): Promise<ProviderStreamPart[]> {
  const transport = chunkTransport(chunks);
  const adapter = suite.adapter();
  const stream = await adapter.doStream(
    { model: suite.model, messages: [{ role: 'user', content: 'Hi' }] },
    { signal: new AbortController().signal, transport, clock: systemClock },
  );
  const parts: ProviderStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  expect(transport.cancelled).toBe(1);
  return parts;
}

/** Byte offsets that fall inside a multi-byte UTF-8 character (before a continuation byte). */
function offsetsInsideCharacters(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let index = 1; index < bytes.length; index++) if ((bytes[index]! & 0xc0) === 0x80) offsets.push(index);
  return offsets;
}

/** Byte offsets between a `\r` and its `\n`. */
function offsetsInsideCrlf(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let index = 1; index < bytes.length; index++) if (bytes[index - 1] === 0x0d && bytes[index] === 0x0a) offsets.push(index);
  return offsets;
}

function pick(random: () => number, values: readonly number[], count: number): number[] {
  if (values.length === 0) return [];
  return Array.from({ length: count }, () => values[Math.floor(random() * values.length)]!);
}

/** Registers the suite: one test per recording, plus the coverage checks. */
export function describeRechunkSuite(suite: RechunkSuite): void {
  const SSE_FIXTURES = listFixtures(suite.folder).filter((file) => file.endsWith('.sse'));
  const SPLITS_PER_VARIANT = suite.splitsPerVariant;

  describe(`${suite.title}: re-chunked fixtures`, () => {
    it('covers every .sse fixture', () => {
      expect(SSE_FIXTURES).toHaveLength(suite.fixtureCount);
    });

    it.each(SSE_FIXTURES.map((file, index) => [file, index] as const))(
      'yields the same parts for %s split at any byte, with LF or CRLF line endings',
      async (file, fileIndex) => {
        const text = readFixture(file);
        const expected = await partsOf(suite, [Buffer.from(text, 'utf8')]);
        expect(expected.at(-1)?.type).toBe('finish');
        const random = seededRandom(0x5eed + fileIndex);
        const variants = [text, text.replaceAll('\n', '\r\n')];
        let runs = 0;
        let runsInsideCharacters = 0;
        let runsInsideCrlf = 0;
        for (const variant of variants) {
          const bytes = Buffer.from(variant, 'utf8');
          const insideCharacters = offsetsInsideCharacters(bytes);
          const insideCrlf = offsetsInsideCrlf(bytes);
          for (let split = 0; split < SPLITS_PER_VARIANT; split++) {
            const count = 1 + Math.floor(random() * 60);
            const offsets = [
              ...randomOffsets(random, bytes.length, count),
              ...pick(random, insideCharacters, 2),
              ...pick(random, insideCrlf, 3),
            ].sort((left, right) => left - right);
            const chunks = splitAtBytes(variant, [...new Set(offsets)]);
            if (insideCharacters.some((offset) => offsets.includes(offset))) runsInsideCharacters++;
            if (insideCrlf.some((offset) => offsets.includes(offset))) runsInsideCrlf++;
            expect(await partsOf(suite, chunks)).toEqual(expected);
            runs++;
          }
        }
        expect(runs).toBeGreaterThanOrEqual(2 * SPLITS_PER_VARIANT);
        expect(runsInsideCrlf).toBeGreaterThanOrEqual(SPLITS_PER_VARIANT);
        if (text !== Buffer.from(text, 'utf8').toString('latin1')) expect(runsInsideCharacters).toBeGreaterThanOrEqual(2 * SPLITS_PER_VARIANT);
      },
    );

    it('splits the fixture with non-ASCII text inside its multi-byte characters', () => {
      const bytes = Buffer.from(readFixture(suite.nonAsciiFixture), 'utf8');
      expect(offsetsInsideCharacters(bytes).length).toBeGreaterThan(0);
    });
  });
}
