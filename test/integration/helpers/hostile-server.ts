import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../helpers/listen-on-loopback.js';

/** What one hostile response did: how much it sent and whether the client hung up before the end. */
export type HostileReply = { readonly kind: 'json' | 'sse'; readonly bytesSent: number; readonly wasClosedByClient: boolean };

export type HostileServer = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** One entry per hostile response, once its socket closed. */
  readonly replies: HostileReply[];
  /** Requests the well-behaved backup answered. */
  backupRequests(): number;
  close(): Promise<void>;
};

/** Bytes of each hostile body. Generated lazily, 64 KiB at a time: never held by this process. */
export const HOSTILE_BODY_BYTES = 400 * 1024 * 1024;
const PIECE = Buffer.alloc(64 * 1024, 'a');

/**
 * Writes `head` and then `a` until `total` bytes went out, waiting for `drain` (the client's
 * reading pace), and never the end of the JSON string or SSE line it opened.
 */
function writeEndless(response: ServerResponse, head: string, total: number, onDone: (bytesSent: number, wasClosedByClient: boolean) => void): void {
  let sent = 0;
  let isDone = false;
  const finish = (wasClosedByClient: boolean) => {
    if (isDone) return;
    isDone = true;
    onDone(sent, wasClosedByClient);
  };
  response.on('close', () => finish(!response.writableFinished));
  const pump = () => {
    while (sent < total && !response.destroyed) {
      const piece = sent === 0 ? Buffer.concat([Buffer.from(head), PIECE]) : PIECE;
      sent += piece.length;
      if (!response.write(piece)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) response.end();
  };
  pump();
}

/**
 * A loopback server speaking OpenAI Chat Completions under two roots: `/hostile/v1` answers every
 * request with a 400 MiB body (JSON for `chat()`, one unterminated SSE event for `stream()`),
 * chunked, without `content-length`; `/backup/v1` answers `backup answer` properly.
 */
export async function startHostileServer(): Promise<HostileServer> {
  const replies: HostileReply[] = [];
  let backupRequests = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const isStream = body.includes('"stream":true');
      if (request.url?.startsWith('/backup/')) {
        backupRequests++;
        if (isStream) {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          const chunk = (delta: object, finish: string | null) =>
            `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', model: 'backup-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
          response.end(`${chunk({ role: 'assistant', content: 'backup answer' }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`);
        } else {
          response.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: 'b',
              model: 'backup-model',
              choices: [{ index: 0, message: { role: 'assistant', content: 'backup answer' }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
            }),
          );
        }
        return;
      }
      const kind = isStream ? 'sse' : 'json';
      response.writeHead(200, { 'content-type': isStream ? 'text/event-stream' : 'application/json' });
      const head = isStream
        ? 'data: {"id":"h","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"'
        : '{"id":"h","choices":[{"index":0,"message":{"role":"assistant","content":"';
      writeEndless(response, head, HOSTILE_BODY_BYTES, (bytesSent, wasClosedByClient) => replies.push({ kind, bytesSent, wasClosedByClient }));
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, replies, backupRequests: () => backupRequests, close };
}
