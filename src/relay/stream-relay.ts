import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { StreamResult } from '../client/stream-result.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { lazyFeed, liveFeed, type PartFeed } from './part-feed.js';
import type { RelayOptions } from './relay-options.js';
import { MemoryResumableStreamStore, type ResumableStreamStore } from './resumable-stream-store.js';
import { DEFAULT_POLL_MS, resumableFeed } from './resumable-feed.js';
import { sseResponse, type SseResponseInit } from './sse-response.js';
import { splitPartId, type WirePart } from './wire-part.js';
import { writeSse } from './write-sse.js';
import { writeWebSocket, type RelaySocket } from './write-websocket.js';

export type StreamRelayOptions = RelayOptions & {
  /**
   * Where the parts are kept for readers that reconnect. A shared store (`redisResumableStreamStore`)
   * gets a copy of every part, in order, so a reader may resume on another process; readers of a
   * stream running here read it from this process's memory. When the shared store fails, the call
   * goes on, resumable here only.
   * @default a `MemoryResumableStreamStore` (5 minutes)
   */
  readonly store?: ResumableStreamStore;
  /** Called when a shared `store` failed: copying a stream to it (then resumable only in this process), or reading one to resume (then started over). */
  readonly onStoreError?: (error: unknown, streamId: string) => void;
  /** How long a call goes on with no reader connected before it is cancelled. @default 60_000 */
  readonly maxDetachedMs?: number;
  /**
   * How long a reader waits for the next part before it reads the store: a part whose notification
   * was lost (a shared store's pub/sub) still arrives, and a stream that expired ends.
   * @default 5_000
   */
  readonly storePollMs?: number;
  /** Makes stream ids (no `:`). @default random UUIDs */
  readonly generateId?: () => string;
};

/** What a request to the relay looks like: its URL (path and query) and headers. */
export type RelayRequest = { readonly url?: string | undefined; readonly headers: IncomingHttpHeaders | Headers };

type Live = { readonly stream: StreamResult<unknown>; readers: number; detachTimer: ReturnType<typeof setTimeout> | undefined };

/**
 * Relays streams so that a reader who loses its connection resumes where it left off, without a
 * second call to the model. Each new stream's parts go to the `store` as they arrive, whether or not
 * anyone reads them; a request carrying `Last-Event-ID` (or `?resume=<id>`) of a stored stream gets
 * the parts after that id, then the live ones. The call goes on while no one is connected for up to
 * `maxDetachedMs`, so a reload does not pay twice. With a shared store (`redisResumableStreamStore`),
 * a reader may reconnect to another process: that process reads the parts from the shared store.
 */
export class StreamRelay {
  /** Parts of the streams started here, for readers here. */
  private readonly local: MemoryResumableStreamStore;
  /** A store other processes read too, when one was given. */
  private readonly shared: ResumableStreamStore | undefined;
  private readonly onStoreError: ((error: unknown, streamId: string) => void) | undefined;
  private readonly maxDetachedMs: number;
  private readonly storePollMs: number;
  private readonly generateId: () => string;
  private readonly relayOptions: RelayOptions;
  private readonly live = new Map<string, Live>();

  constructor(options: StreamRelayOptions = {}) {
    const store = options.store ?? new MemoryResumableStreamStore();
    this.local = store instanceof MemoryResumableStreamStore ? store : new MemoryResumableStreamStore();
    this.shared = store === this.local ? undefined : store;
    this.onStoreError = options.onStoreError;
    this.maxDetachedMs = options.maxDetachedMs ?? 60_000;
    if (!(this.maxDetachedMs >= 0)) throw new InvalidArgumentError('maxDetachedMs', `Expected \`maxDetachedMs\` to be a non-negative number, got ${String(options.maxDetachedMs)}.`);
    this.storePollMs = options.storePollMs ?? DEFAULT_POLL_MS;
    if (!(this.storePollMs > 0)) throw new InvalidArgumentError('storePollMs', `Expected \`storePollMs\` to be a positive number, got ${String(options.storePollMs)}.`);
    this.generateId = options.generateId ?? randomUUID;
    this.relayOptions = options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {};
  }

  /** `node:http`/Express: resumes the stream the request names, or starts one with `start()`. */
  pipeSSE(request: RelayRequest, response: ServerResponse, start: () => StreamResult<unknown>): Promise<void> {
    return writeSse(this.feedFor(request, start), response, this.relayOptions);
  }

  /** Web handlers: an SSE `Response` resuming the stream the request names, or a new one from `start()`. */
  toSSEResponse(request: Request, start: () => StreamResult<unknown>, init: SseResponseInit = {}): Response {
    return sseResponse(this.feedFor({ url: request.url, headers: request.headers }, start), { ...this.relayOptions, ...init });
  }

  /** A `ws` connection (`wss.on('connection', (socket, request) => …)`): resumes `?resume=<id>`, or starts one. */
  relayWebSocket(socket: RelaySocket, request: RelayRequest, start: () => StreamResult<unknown>): Promise<void> {
    return writeWebSocket(this.feedFor(request, start), socket, this.relayOptions);
  }

  /** The part id a request resumes after: its `Last-Event-ID` header, else its `resume` query parameter. */
  resumeIdOf(request: RelayRequest): string | undefined {
    const headers = request.headers;
    const header = headers instanceof Headers ? headers.get('last-event-id') : headers['last-event-id'];
    if (typeof header === 'string' && header !== '') return header;
    const query = request.url?.indexOf('?') ?? -1;
    if (query < 0) return undefined;
    return new URLSearchParams(request.url!.slice(query + 1)).get('resume') ?? undefined;
  }

  /** Streams started here and still running. */
  get liveStreams(): number {
    return this.live.size;
  }

  /** Cancels every call still running here and stops its timers. */
  close(): void {
    for (const entry of this.live.values()) {
      clearTimeout(entry.detachTimer);
      entry.stream.cancel();
    }
  }

  private feedFor(request: RelayRequest, start: () => StreamResult<unknown>): PartFeed {
    const resumeId = this.resumeIdOf(request);
    const resume = resumeId === undefined ? undefined : splitPartId(resumeId);
    return lazyFeed(async () => {
      if (resume && resume.streamId !== '') {
        // A shared store that fails cannot resume the stream: start over (the reader shows a `reset`) rather than fail.
        const feed = await this.attach(resume.streamId, resume.seq).catch((error: unknown) => this.reportStoreError(error, resume.streamId));
        if (feed) return feed;
      }
      const streamId = this.begin(start());
      return (await this.attach(streamId, 0, true))!;
    });
  }

  /** Starts copying a live stream into the store; returns its id. */
  private begin(stream: StreamResult<unknown>): string {
    const streamId = this.generateId();
    const entry: Live = { stream, readers: 0, detachTimer: undefined };
    this.live.set(streamId, entry);
    void this.copy(streamId, entry);
    return streamId;
  }

  private async copy(streamId: string, entry: Live): Promise<void> {
    const feed = liveFeed(entry.stream, streamId);
    const shared = this.shared;
    let isShared = shared !== undefined;
    // Shared writes go out one after another, in order, without holding up the readers here.
    let sharing: Promise<void> = Promise.resolve();
    const share = (part: WirePart) => {
      sharing = sharing
        .then(() => (isShared ? shared!.append(streamId, part) : undefined))
        .catch((error: unknown) => {
          if (!isShared) return;
          isShared = false;
          this.reportStoreError(error, streamId);
        });
    };
    try {
      for (let part = await feed.next(); part !== undefined; part = await feed.next()) {
        this.local.append(streamId, part);
        if (isShared) share(part);
      }
    } finally {
      clearTimeout(entry.detachTimer);
      this.live.delete(streamId);
    }
  }

  private reportStoreError(error: unknown, streamId: string): undefined {
    try {
      this.onStoreError?.(error, streamId);
    } catch {
      // A throwing listener must not stop the stream.
    }
    return undefined;
  }

  private async attach(streamId: string, afterSeq: number, isNew = false): Promise<PartFeed | undefined> {
    const entry = this.live.get(streamId);
    if (entry) {
      entry.readers++;
      clearTimeout(entry.detachTimer);
      entry.detachTimer = undefined;
    }
    const onClose = () => {
      if (!entry || --entry.readers > 0 || !this.live.has(streamId)) return;
      entry.detachTimer = setTimeout(() => entry.stream.cancel(), this.maxDetachedMs);
      (entry.detachTimer as { unref?: () => void }).unref?.();
    };
    const isHere = this.shared === undefined || entry !== undefined || this.local.read(streamId, Number.MAX_SAFE_INTEGER) !== undefined;
    return resumableFeed(isHere ? this.local : this.shared!, streamId, afterSeq, onClose, { isNew, pollMs: this.storePollMs });
  }
}
