import type { Dispatcher, Pool } from 'undici';
import { ConnectionError, ResponseTooLargeError, TimeoutError } from '../errors/errors.js';
import { expectInteger, expectKnownKeys, expectNumber, expectObject, optionKeys } from '../policy/validate-option.js';
import type { AbortSignalLike } from './abort-token.js';
import { BodyChunks } from './body-chunks.js';
import { BodyCollector, isDeclaredTooLarge } from './body-collector.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-limits.js';
import type { Transport, TransportCloseOptions, TransportRequest, TransportResponse } from './transport.js';
import { textWatched, type WatchableText } from './watched-text.js';

export type UndiciTransportOptions = {
  /** Maximum sockets per origin. @default 64 */
  readonly connections?: number;
  /** Time allowed to open a TCP/TLS connection. @default 10_000 */
  readonly connectTimeoutMs?: number;
  /**
   * Time allowed from sending a request to receiving the response head. Non-streaming LLM calls
   * send headers only when the whole answer is ready, so this is long; the resilience layer's
   * per-attempt and first-token watchdogs are the real limits. @default 600_000
   */
  readonly headersTimeoutMs?: number;
  /** How long an idle keep-alive socket is kept. @default 60_000 */
  readonly keepAliveTimeoutMs?: number;
  /** Sockets opened per origin by `warmup()`. @default 1 */
  readonly warmupConnections?: number;
};

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

type Undici = typeof import('undici');

// undici is loaded by the first request (or `warmup()`), not at import: it is about half of the
// package's import time, and an app on `fetch`, its own transport or a mock provider never needs
// it. Not loaded in the background when a transport is made either: evaluating it blocks the event
// loop for tens of milliseconds, which must not land on an app's timers at a moment it did not pick.
let undici: Undici | undefined;
let undiciLoad: Promise<Undici> | undefined;

/** `true` in the CommonJS build, `false` in the ESM build (tsup's `define`); absent when run from source. */
declare const __RLLM_CJS__: boolean | undefined;

function loadUndici(): Promise<Undici> {
  if (typeof __RLLM_CJS__ !== 'undefined' && __RLLM_CJS__) {
    // The CommonJS build requires it: test runners that run CommonJS without ESM support (Jest
    // without --experimental-vm-modules) reject `import()`.
    undici ??= require('undici') as Undici;
    return (undiciLoad ??= Promise.resolve(undici));
  }
  return (undiciLoad ??= import('undici').then((module) => (undici = module)));
}

/** Splits `https://host:port/path?query` without the cost of `new URL()` on the hot path. */
function splitUrl(url: string): { origin: string; path: string } {
  const schemeEnd = url.indexOf('://');
  const pathStart = schemeEnd === -1 ? -1 : url.indexOf('/', schemeEnd + 3);
  if (pathStart === -1) return { origin: url, path: '/' };
  return { origin: url.slice(0, pathStart), path: url.slice(pathStart) };
}

/** Maps an undici or socket failure to the error taxonomy; the caller's abort passes through. */
export function mapTransportError(error: unknown, signal: AbortSignalLike, timeouts: { connectMs: number; headersMs: number }): unknown {
  if (signal.aborted) return signal.reason;
  const code = (error as { code?: string } | null)?.code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new TimeoutError('connect', timeouts.connectMs, { cause: error });
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new TimeoutError('headers', timeouts.headersMs, { cause: error });
  if (code === 'UND_ERR_BODY_TIMEOUT') return new TimeoutError('idle', 0, { cause: error });
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return new ConnectionError(`connection failed (${code})`, { cause: error });
  }
  if (error instanceof Error && (error.name === 'SocketError' || /socket|ECONNRESET|other side closed/i.test(error.message))) {
    return new ConnectionError(`connection failed (${error.message})`, { cause: error });
  }
  return error;
}

/** How long a released body may take to end before its socket is closed. */
const RELEASE_GRACE_MS = 1000;
/** The most bytes drained from a released body; more means it was not really finished. */
const RELEASE_LIMIT_BYTES = 64 * 1024;

function ignoreError(): void {}

/**
 * Destroys an unfinished body. undici then emits `RequestAbortedError` as an 'error' event; once
 * the reader has stopped nobody listens, and an unheard 'error' would crash the process.
 */
function destroyQuietly(body: Dispatcher.ResponseData['body']): void {
  body.on('error', ignoreError);
  body.destroy();
}

class UndiciResponse implements TransportResponse, WatchableText {
  readonly status: number;
  private isReleased = false;
  private readonly headers: Record<string, string | string[] | undefined>;
  private readonly raw: Dispatcher.ResponseData['body'];
  private readonly signal: AbortSignalLike;
  private readonly timeouts: { connectMs: number; headersMs: number };
  private readonly maxResponseBytes: number;
  private iterator: AsyncIterable<Uint8Array> | undefined;

  constructor(data: Dispatcher.ResponseData, request: TransportRequest, timeouts: { connectMs: number; headersMs: number }) {
    this.status = data.statusCode;
    this.headers = data.headers;
    this.raw = data.body;
    this.signal = request.signal;
    this.timeouts = timeouts;
    this.maxResponseBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** Made on first use: a non-streaming call reads `text()` and never pays for it. */
  get body(): AsyncIterable<Uint8Array> {
    return (this.iterator ??= this.iterate());
  }

  private mapError(error: unknown): unknown {
    return mapTransportError(error, this.signal, this.timeouts);
  }

  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  private iterate(): AsyncIterable<Uint8Array> {
    // Read from 'data' events: one promise per network read, where an async generator over the
    // stream's own iterator costs several. A reader that stops at the protocol's end may
    // `release()` the body so the socket is reused; every other exit destroys it.
    const raw = this.raw;
    return new BodyChunks(
      raw,
      (error) => this.mapError(error),
      () => new ConnectionError('connection closed before the body ended'),
      () => {
        if (!this.isReleased && !raw.readableEnded) destroyQuietly(raw);
      },
    );
  }

  release(): void {
    if (this.isReleased) return;
    this.isReleased = true;
    const raw = this.raw;
    if (raw.readableEnded || raw.destroyed) return;
    // The end event is normally already in flight; give it a moment, never a socket forever.
    const timer = setTimeout(() => raw.destroy(), RELEASE_GRACE_MS);
    const done = () => clearTimeout(timer);
    raw.dump({ limit: RELEASE_LIMIT_BYTES }).then(done, done);
  }

  /** Reads the whole body, never more than `maxResponseBytes` of it: past that the socket is destroyed. */
  text(): Promise<string> {
    const declared = this.header('content-length');
    if (declared === undefined) return this.collect(undefined);
    // undici reads exactly `content-length` bytes: its own (faster) reader is bounded already.
    return (
      this.refuseDeclaredTooLarge(declared) ??
      this.raw.text().catch((error: unknown) => {
        throw this.mapError(error);
      })
    );
  }

  /** `text()`, calling `onChunk` as each chunk arrives (the `chat()` watchdogs). */
  [textWatched](onChunk: () => void): Promise<string> {
    return this.refuseDeclaredTooLarge(this.header('content-length')) ?? this.collect(onChunk);
  }

  /** A `content-length` past `maxResponseBytes` closes the socket at once: the rejection, else undefined. */
  private refuseDeclaredTooLarge(declared: string | undefined): Promise<never> | undefined {
    if (!isDeclaredTooLarge(declared, this.maxResponseBytes)) return undefined;
    destroyQuietly(this.raw);
    return Promise.reject(new ResponseTooLargeError('maxResponseBytes', this.maxResponseBytes));
  }

  /** Reads the body from its 'data' events, held to `maxResponseBytes`. */
  private collect(onChunk: (() => void) | undefined): Promise<string> {
    const raw = this.raw;
    const collector = new BodyCollector(this.maxResponseBytes);
    return new Promise<string>((resolve, reject) => {
      let isSettled = false;
      const fail = (error: unknown) => {
        if (isSettled) return;
        isSettled = true;
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        try {
          if (onChunk) onChunk();
          collector.add(chunk);
        } catch (error) {
          raw.off('data', onData);
          destroyQuietly(raw);
          fail(error);
        }
      };
      raw.on('data', onData);
      raw.on('end', () => {
        if (isSettled) return;
        isSettled = true;
        resolve(collector.text());
      });
      raw.on('error', (error: unknown) => fail(this.mapError(error)));
      raw.on('close', () => {
        // After 'end' or 'error' (the usual case): nothing to do, and no error to build.
        if (!isSettled) fail(this.mapError(new ConnectionError('connection closed before the body ended')));
      });
    });
  }

  cancel(): void {
    if (this.isReleased) return;
    if (!this.raw.destroyed && !this.raw.readableEnded) destroyQuietly(this.raw);
  }
}

/** How long `close()` lets running requests finish before destroying their sockets. */
const DEFAULT_CLOSE_GRACE_MS = 10_000;

/** Closes `pool` gracefully, or destroys it once `graceMs` has passed (undici's close waits for every request). */
function closeWithin(pool: Pool, graceMs: number): Promise<void> {
  const destroy = () => pool.destroy().catch(ignoreError);
  if (!(graceMs > 0)) return destroy();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => void destroy().then(resolve), graceMs);
    pool.close().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        void destroy().then(resolve);
      },
    );
  });
}

/** The default transport: undici with one keep-alive `Pool` per origin. */
export class UndiciTransport implements Transport {
  private readonly pools = new Map<string, Pool>();
  private readonly options: Required<UndiciTransportOptions>;
  private readonly timeouts: { connectMs: number; headersMs: number };
  private isClosed = false;

  constructor(options: UndiciTransportOptions = {}) {
    validateUndiciTransportOptions(options);
    this.options = {
      connections: options.connections ?? 64,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      headersTimeoutMs: options.headersTimeoutMs ?? 600_000,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 60_000,
      warmupConnections: options.warmupConnections ?? 1,
    };
    this.timeouts = { connectMs: this.options.connectTimeoutMs, headersMs: this.options.headersTimeoutMs };
  }

  /** The pool for `origin`, made on first use; only called once undici is loaded. */
  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      if (this.isClosed) throw new ConnectionError('transport is closed');
      pool = new undici!.Pool(origin, {
        connections: this.options.connections,
        connect: { timeout: this.options.connectTimeoutMs },
        headersTimeout: this.options.headersTimeoutMs,
        // Idle gaps inside a stream are policed by the idle watchdog, not by undici.
        bodyTimeout: 0,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  request(request: TransportRequest): Promise<TransportResponse> {
    if (undici === undefined) return loadUndici().then(() => this.request(request));
    // A plain promise chain, not an async function: one fewer suspension on every call.
    const { origin, path } = splitUrl(request.url);
    let pool: Pool;
    try {
      pool = this.pool(origin);
    } catch (error) {
      return Promise.reject(error);
    }
    return pool
      .request({
        path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal as AbortSignal,
      })
      .then(
        (data) => new UndiciResponse(data, request, this.timeouts),
        (error: unknown) => {
          throw mapTransportError(error, request.signal, this.timeouts);
        },
      );
  }

  async warmup(origins: readonly string[], signal?: AbortSignal): Promise<void> {
    const count = Math.max(1, Math.min(this.options.warmupConnections, this.options.connections));
    await loadUndici();
    const opens: Promise<void>[] = [];
    for (const origin of new Set(origins.map((url) => splitUrl(url).origin))) {
      for (let index = 0; index < count; index++) {
        opens.push(
          this.pool(origin)
            // GET, not HEAD: undici closes a connection after a HEAD (undici#258), defeating the point.
            .request({ path: '/', method: 'GET', ...(signal ? { signal } : {}) })
            .then((data) => data.body.dump())
            .catch(() => undefined),
        );
      }
    }
    await Promise.all(opens);
  }

  /**
   * Closes every pool: idle sockets at once, busy ones when their request ends. A request still
   * running after `graceMs` (an endless stream) has its socket destroyed, so this always resolves.
   */
  async close(options: TransportCloseOptions = {}): Promise<void> {
    this.isClosed = true;
    const graceMs = options.graceMs ?? DEFAULT_CLOSE_GRACE_MS;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => closeWithin(pool, graceMs)));
  }
}

const TRANSPORT_KEYS = /* @__PURE__ */ optionKeys<UndiciTransportOptions>()('connections', 'connectTimeoutMs', 'headersTimeoutMs', 'keepAliveTimeoutMs', 'warmupConnections');

/** Checks the default transport's options (client option `transport`), naming the field. */
function validateUndiciTransportOptions(options: UndiciTransportOptions): void {
  expectObject('transport', options);
  expectKnownKeys(options, TRANSPORT_KEYS, 'transport', 'a transport option');
  if (options.connections !== undefined) expectInteger('transport.connections', options.connections, 1);
  if (options.warmupConnections !== undefined) expectInteger('transport.warmupConnections', options.warmupConnections, 0);
  for (const key of ['connectTimeoutMs', 'headersTimeoutMs', 'keepAliveTimeoutMs'] as const) {
    if (options[key] !== undefined) expectNumber(`transport.${key}`, options[key], 0);
  }
}
