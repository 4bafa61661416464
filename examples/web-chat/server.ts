/**
 * A chat page that streams an answer from a `node:http` server to the browser, over SSE or a
 * WebSocket, with no build step. The model is a local provider server (no key needed) scripted to
 * fail mid-stream, so the page shows the failover `reset`; `?cut=1` cuts the page's connection
 * mid-answer, and the page resumes where it left off without a second call to the model.
 *
 * Run it: `npm run web-chat`, then open the printed URL.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { createWebSocketServer, openai, ResilientLLM, StreamRelay, type RelaySocket } from '../../src/index.js';
import { createProviderServer, cutMidStream, type ProviderServer, type ProviderServerScript } from '../../src/testing/index.js';

export const PRIMARY_TEXT = 'The primary model begins the answer and is cut off in the middle of it.';
export const ANSWER = 'Retries, fallbacks and a resumable relay: the answer arrives whole, even when the network does not cooperate.';

/** The default script: the primary fails mid-stream, the backup answers in full, slowly enough to watch. */
export const DEMO_SCRIPT: ProviderServerScript = {
  'primary-model': [cutMidStream({ afterChunks: 5, reply: { text: PRIMARY_TEXT, chunkDelayMs: 60 } })],
  'backup-model': [{ text: ANSWER, chunkDelayMs: 60 }],
};

export type WebChatOptions = {
  /** @default 0 (a free port) */
  readonly port?: number;
  readonly script?: ProviderServerScript;
  /** Keep each stream's parts so a reconnecting page resumes it. @default true */
  readonly isResumable?: boolean;
};

export type WebChat = {
  readonly url: string;
  readonly provider: ProviderServer;
  readonly llm: ResilientLLM;
  readonly relay: StreamRelay;
  close(): Promise<void>;
};

const here = fileURLToPath(new URL('.', import.meta.url));

/** The reader for the page: `llm-resilience/browser` bundled for the browser, in memory. */
async function bundleReader(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../../src/browser/index.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves a connection's parts, cutting it after `cut` of them (once per question) to show a resume. */
function cutter(cut: number | undefined): (send: () => void, destroy: () => void) => void {
  let sent = 0;
  return (send, destroy) => {
    send();
    if (cut !== undefined && ++sent === cut) destroy();
  };
}

export async function startWebChat(options: WebChatOptions = {}): Promise<WebChat> {
  const provider = await createProviderServer({ script: options.script ?? DEMO_SCRIPT });
  const llm = new ResilientLLM({
    providers: { local: openai({ apiKey: 'sk-local-web-chat', baseURL: provider.baseURL('openai') }) },
    models: { primary: { provider: 'local', model: 'primary-model' }, backup: { provider: 'local', model: 'backup-model' } },
    fallback: { chain: ['primary', 'backup'] },
    retry: { maxRetries: 0 },
  });
  const relay = new StreamRelay({ heartbeatMs: 5_000 });
  const isResumable = options.isResumable ?? true;
  const page = readFileSync(`${here}index.html`, 'utf8');
  const reader = await bundleReader();
  // Which questions were already cut once (the reconnect is left alone).
  const cutDone = new Set<string>();

  const start = (question: string) => () => llm.stream({ model: 'primary', messages: [{ role: 'user', content: question }] });
  const parse = (request: { readonly url?: string | undefined }) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const question = url.searchParams.get('q') ?? 'Tell me about resilience.';
    const cutParam = url.searchParams.get('cut');
    const key = `${url.pathname}?${question}`;
    const cut = cutParam && !cutDone.has(key) ? Number(cutParam) : undefined;
    if (cut !== undefined) cutDone.add(key);
    return { url, question, cut };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const { url, question, cut } = parse(request);
    if (url.pathname === '/') return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    if (url.pathname === '/browser.js') return void response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(reader);
    if (url.pathname !== '/chat') return void response.writeHead(404).end();
    if (cut !== undefined) {
      const pass = cutter(cut);
      const write = response.write.bind(response) as (chunk: string) => boolean;
      let result = true;
      response.write = ((chunk: string) => {
        if (!chunk.startsWith('id:')) return write(chunk);
        pass(() => (result = write(chunk)), () => response.socket?.destroy());
        return result;
      }) as typeof response.write;
    }
    if (isResumable) void relay.pipeSSE(request, response, start(question));
    else void start(question)().pipeSSE(response);
  });
  const sockets = await createWebSocketServer({ server, path: '/chat-ws' });
  sockets.on('connection', (socket, request) => {
    const { question, cut } = parse(request);
    let relayed: RelaySocket = socket;
    if (cut !== undefined) {
      const pass = cutter(cut);
      relayed = {
        get readyState() {
          return socket.readyState;
        },
        get bufferedAmount() {
          return socket.bufferedAmount;
        },
        send: (data, callback) => pass(() => socket.send(data, callback), () => (socket as unknown as { terminate(): void }).terminate()),
        close: (code, reason) => socket.close(code, reason),
        ping: () => socket.ping?.(),
        on: (event, listener) => socket.on(event, listener),
        off: (event, listener) => socket.off(event, listener),
      };
    }
    if (isResumable) void relay.relayWebSocket(relayed, request, start(question));
    else void start(question)().relayWebSocket(relayed);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    provider,
    llm,
    relay,
    async close() {
      relay.close();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await llm.close();
      await provider.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const chat = await startWebChat({ port: Number(process.env.PORT ?? 3000) });
  console.log(`web-chat: open ${chat.url}/ (SSE), ${chat.url}/?transport=ws (WebSocket), add &cut=8 to cut the connection mid-answer`);
  process.once('SIGINT', () => void chat.close().then(() => process.exit(0)));
}
