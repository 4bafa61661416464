import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { runStep, stepName, type IdSource, type StepRun } from './run-step.js';
import { isFaultStep, type ServerStep } from './server-steps.js';
import { anthropicWire } from './wire/anthropic-wire.js';
import { geminiWire } from './wire/gemini-wire.js';
import { openaiResponsesWire } from './wire/openai-responses-wire.js';
import { openaiWire } from './wire/openai-wire.js';
import type { ProviderProtocol, WireProtocol } from './wire/wire-protocol.js';

/** One request the server received. Times are `performance.now()` milliseconds, the library's default clock. */
export type ProviderServerRequest = {
  readonly protocol: ProviderProtocol;
  readonly operation: 'chat' | 'embed' | 'batch-embed';
  /** The deployment's model: `body.model` (OpenAI, Anthropic) or the model in the URL (Gemini). */
  readonly model: string;
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON). */
  readonly body: unknown;
  readonly isStream: boolean;
  /** When the request head arrived. */
  readonly receivedAt: number;
  /** Which script answered it (`openai:gpt-x`, `gpt-x` or `default`). */
  readonly scriptKey: string;
  /** What the step does: `reply`, `http-error` or the fault name (`rate-limit`, `cut-mid-stream`, …). */
  readonly step: string;
  /** When the step started answering (after the body was read). */
  readonly stepStartedAt: number;
};

/**
 * Scripts by deployment: keys are model names (`'gpt-x'`), optionally per protocol
 * (`'anthropic:claude-x'`, checked first), and `default` for everything else. Each list is
 * consumed in order per key; the last step repeats.
 */
export type ProviderServerScript = Readonly<Record<string, readonly ServerStep[]>>;

export type ProviderServerOptions = {
  /** @default { default: [{ text: DEFAULT_REPLY_TEXT }] } */
  readonly script?: ProviderServerScript;
};

/** Base URLs for each adapter kind, as its `baseURL` option expects them. */
export type ProviderBaseURLKind = ProviderProtocol | 'openai-compatible';

export type ProviderServer = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The `baseURL` to give an adapter, in its vendor SDK's convention: `<url>/v1` (OpenAI and compatible servers), `<url>` (Anthropic, Gemini). */
  baseURL(kind: ProviderBaseURLKind): string;
  /** Every request received, in arrival order. */
  readonly requests: readonly ProviderServerRequest[];
  /** The requests for one model. */
  requestsFor(model: string): ProviderServerRequest[];
  /** Replaces the script and rewinds every cursor. */
  setScript(script: ProviderServerScript): void;
  /** Sockets currently open (keep-alive ones included). */
  openConnections(): number;
  /** Responses the client closed before they ended (a cancelled stream, a watchdog, a client timeout). */
  readonly closedEarly: number;
  /** Destroys every socket and resolves once the server is closed. */
  close(): Promise<void>;
};

type Route = { protocol: ProviderProtocol; operation: ProviderServerRequest['operation']; urlModel?: string; isGeminiStream?: boolean };

const WIRES: Record<ProviderProtocol, WireProtocol> = {
  openai: openaiWire,
  'openai-responses': openaiResponsesWire,
  anthropic: anthropicWire,
  gemini: geminiWire,
};
const GEMINI_PATH = /\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;

/** Matches by path suffix, so any `baseURL` convention an adapter uses reaches the right protocol. */
function route(path: string): Route | undefined {
  if (path.endsWith('/chat/completions')) return { protocol: 'openai', operation: 'chat' };
  if (path.endsWith('/responses')) return { protocol: 'openai-responses', operation: 'chat' };
  if (path.endsWith('/embeddings')) return { protocol: 'openai', operation: 'embed' };
  if (path.endsWith('/messages')) return { protocol: 'anthropic', operation: 'chat' };
  const gemini = GEMINI_PATH.exec(path);
  if (!gemini) return undefined;
  const method = gemini[2];
  return {
    protocol: 'gemini',
    operation: method === 'embedContent' ? 'embed' : method === 'batchEmbedContents' ? 'batch-embed' : 'chat',
    urlModel: decodeURIComponent(gemini[1] ?? ''),
    isGeminiStream: method === 'streamGenerateContent',
  };
}

/** A seeded generator of vendor-looking ids, so runs are reproducible. */
function createIdSource(): IdSource {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let state = 0x2545f491;
  return {
    make(prefix, length) {
      let id = prefix;
      for (let index = 0; index < length; index++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        id += alphabet[(state >>> 0) % alphabet.length];
      }
      return id;
    },
  };
}

/**
 * Starts a real `node:http` server on 127.0.0.1 (a free port) that speaks OpenAI Chat Completions
 * and Embeddings, the OpenAI Responses API, Anthropic Messages and the Gemini API byte for byte, answers from a script per
 * model, and injects faults. For integration tests of apps and of this library.
 */
export async function createProviderServer(options: ProviderServerOptions = {}): Promise<ProviderServer> {
  let script: ProviderServerScript = options.script ?? {};
  const cursors = new Map<string, number>();
  const downSince = new WeakMap<ServerStep, number>();
  const requests: ProviderServerRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<{ handle: ReturnType<typeof setTimeout>; resolve: (value: boolean) => void }>();
  const ids = createIdSource();
  const startedAt = performance.now();
  let closedEarly = 0;
  let isClosing = false;

  const pickStep = (protocol: ProviderProtocol, model: string): { key: string; step: ServerStep; isDown: boolean } => {
    const key = `${protocol}:${model}` in script ? `${protocol}:${model}` : model in script ? model : 'default';
    const steps = script[key];
    if (!steps || steps.length === 0) return { key, step: {}, isDown: false };
    const position = cursors.get(key) ?? 0;
    const step = steps[Math.min(position, steps.length - 1)]!;
    let isDown = false;
    if (isFaultStep(step) && step.fault === 'down-for') {
      const now = performance.now();
      if (!downSince.has(step)) downSince.set(step, step.since === 'server-start' ? startedAt : now);
      isDown = now - downSince.get(step)! < step.ms;
    }
    // A down-for step holds the script until it is healthy again.
    if (!isDown) cursors.set(key, position + 1);
    return { key, step, isDown };
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const receivedAt = performance.now();
    const path = request.url ?? '/';
    const matched = request.method === 'POST' ? route(path.split('?')[0] ?? path) : undefined;
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    if (!matched) {
      // Warm-up probes (HEAD /) and anything else: a small reply that is never scripted.
      const status = request.method === 'HEAD' || path === '/' ? 200 : 404;
      response.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '' : '{"error":"not found"}');
      request.resume();
      return;
    }
    let isServerEnded = false;
    response.on('close', () => {
      if (!response.writableFinished && !isServerEnded && !isClosing) closedEarly++;
    });
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => parts.push(chunk));
    request.on('end', () => {
      const bodyText = Buffer.concat(parts).toString('utf8');
      let body: unknown;
      try {
        body = bodyText ? JSON.parse(bodyText) : undefined;
      } catch {
        body = undefined;
      }
      const record = (body ?? {}) as { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
      const model = matched.urlModel ?? (typeof record.model === 'string' ? record.model : 'unknown');
      const isSse = matched.protocol !== 'gemini' || path.includes('alt=sse');
      const isStream = matched.protocol === 'gemini' ? matched.isGeminiStream === true : record.stream === true;
      const { key, step, isDown } = pickStep(matched.protocol, model);
      const stepStartedAt = performance.now();
      requests.push({
        protocol: matched.protocol,
        operation: matched.operation,
        model,
        method: request.method ?? 'POST',
        path,
        headers: request.headers,
        body,
        isStream,
        receivedAt,
        scriptKey: key,
        step: stepName(step),
        stepStartedAt,
      });
      const run: StepRun = {
        wire: WIRES[matched.protocol],
        request,
        response,
        body,
        bodyText,
        model,
        operation: matched.operation,
        isStream,
        isSse,
        includeUsage: record.stream_options?.include_usage === true,
        ids,
        isDown,
        wait: (ms) => {
          if (isClosing || response.destroyed) return Promise.resolve(false);
          if (ms <= 0) return Promise.resolve(true);
          return new Promise<boolean>((resolve) => {
            const timer = {
              handle: setTimeout(() => {
                timers.delete(timer);
                response.off('close', onClose);
                resolve(!response.destroyed && !isClosing);
              }, ms),
              resolve,
            };
            const onClose = () => {
              clearTimeout(timer.handle);
              timers.delete(timer);
              resolve(false);
            };
            response.once('close', onClose);
            timers.add(timer);
          });
        },
        markServerEnded: () => {
          isServerEnded = true;
        },
      };
      runStep(run, step).catch(() => {
        isServerEnded = true;
        response.destroy();
      });
    });
  };

  const server = createServer({ keepAliveTimeout: 5_000 }, handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: (kind) => (kind === 'gemini' || kind === 'anthropic' ? url : `${url}/v1`),
    requests,
    requestsFor: (model) => requests.filter((request) => request.model === model),
    setScript(next) {
      script = next;
      cursors.clear();
    },
    openConnections: () => sockets.size,
    get closedEarly() {
      return closedEarly;
    },
    close() {
      isClosing = true;
      for (const timer of timers) {
        clearTimeout(timer.handle);
        timer.resolve(false);
      }
      timers.clear();
      const socketsClosed = [...sockets].map(
        (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
      );
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      return Promise.all([serverClosed, ...socketsClosed]).then(() => undefined);
    },
  };
}
