import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen-on-loopback.js';
export { seededRandom } from '../../src/testing/seeded-random.js';

/** A scripted reply: status, headers and the body as chunks written one by one. */
export type ScriptedReply = {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly chunks: readonly (string | Uint8Array)[];
  /** Delay between chunks, in ms. @default 0 */
  readonly chunkDelayMs?: number;
  /** Leave the response open after the last chunk (a stalled stream). */
  readonly hang?: boolean;
};

export type RecordedRequest = {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
};

export type ReplayServer = {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Resolves when the server saw a client close a response before it ended. */
  readonly closedEarly: () => number;
  close(): Promise<void>;
};

/**
 * A real `node:http` server on 127.0.0.1 port 0 that answers each request with the next scripted
 * reply (the last one repeats). Records every request. For adapter and transport tests.
 */
export async function startReplayServer(
  replies: readonly ScriptedReply[] | ((request: RecordedRequest, index: number) => ScriptedReply),
): Promise<ReplayServer> {
  const requests: RecordedRequest[] = [];
  let closedEarly = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => parts.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(parts).toString('utf8'),
      };
      const index = requests.length;
      requests.push(recorded);
      const reply =
        typeof replies === 'function' ? replies(recorded, index) : (replies[Math.min(index, replies.length - 1)] as ScriptedReply);
      let finished = false;
      response.on('close', () => {
        if (!finished) closedEarly++;
      });
      response.writeHead(reply.status ?? 200, reply.headers ?? { 'content-type': 'text/event-stream' });
      response.flushHeaders();
      const delay = reply.chunkDelayMs ?? 0;
      let position = 0;
      const writeNext = () => {
        if (response.destroyed) return;
        if (position >= reply.chunks.length) {
          if (reply.hang) return;
          finished = true;
          response.end();
          return;
        }
        response.write(reply.chunks[position++]);
        if (delay > 0) setTimeout(writeNext, delay);
        else setImmediate(writeNext);
      };
      writeNext();
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, requests, closedEarly: () => closedEarly, close };
}

/** Splits text into chunks at the given byte offsets (sorted, unique), keeping raw bytes. */
export function splitAtBytes(text: string, offsets: readonly number[]): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of offsets) {
    if (offset <= start || offset >= bytes.length) continue;
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** `count` random byte offsets inside a body of `length` bytes. */
export function randomOffsets(random: () => number, length: number, count: number): number[] {
  const offsets = new Set<number>();
  for (let index = 0; index < count; index++) offsets.add(1 + Math.floor(random() * Math.max(1, length - 1)));
  return [...offsets].sort((a, b) => a - b);
}
