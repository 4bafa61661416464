import type { ServerResponse } from 'node:http';
import { liveFeed } from '../relay/part-feed.js';
import type { RelayOptions } from '../relay/relay-options.js';
import { sseResponse, type SseResponseInit } from '../relay/sse-response.js';
import { writeSse } from '../relay/write-sse.js';
import { writeWebSocket, type RelaySocket } from '../relay/write-websocket.js';
import type { ChatResponse, StreamPart } from './types.js';

/**
 * What `stream()` returns at once: an async iterable of parts, `textStream`, `toReadableStream()`
 * and a `response` promise. Parts are buffered, so a consumer may start late; breaking out of the
 * loop, calling `return()` or aborting the signal cancels the call and closes its socket.
 */
type Waiter = { readonly resolve: (result: IteratorResult<StreamPart>) => void; readonly reject: (error: unknown) => void };

const DONE: IteratorResult<StreamPart> = Object.freeze({ value: undefined, done: true });

export class StreamResult<TObject = unknown> implements AsyncIterable<StreamPart> {
  /** Resolves with the final response, or rejects with the call's error. */
  readonly response: Promise<ChatResponse<TObject>>;
  private readonly buffer: StreamPart[] = [];
  private head = 0;
  /** `next()` calls waiting for a part, oldest first (only while the buffer is empty). */
  private readonly waiters: Waiter[] = [];
  private isDone = false;
  /** Set by `return()` or `cancel()`: the consumer is gone, later `next()` calls are done. */
  private isClosed = false;
  private failure: unknown;
  private hasFailed = false;
  private isConsumed = false;
  private readonly cancelCall: (reason?: unknown) => void;

  constructor(response: Promise<ChatResponse<TObject>>, cancel: (reason?: unknown) => void) {
    this.response = response;
    this.cancelCall = cancel;
    // The promise is also observed here so an unconsumed failure is never an unhandled rejection.
    response.then(
      () => this.end(),
      (error: unknown) => this.fail(error),
    );
  }

  /** @internal Called by the client for every part, in order. */
  push(part: StreamPart): void {
    if (this.isClosed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ value: part, done: false });
    else this.buffer.push(part);
  }

  private end(): void {
    this.isDone = true;
    this.flushWaiters();
  }

  private fail(error: unknown): void {
    this.failure = error;
    this.hasFailed = !this.isClosed;
    this.isDone = true;
    this.flushWaiters();
  }

  /** Settles every waiting `next()` once the stream is over: the first gets the error, if any. */
  private flushWaiters(): void {
    while (this.waiters.length > 0) {
      const waiter = this.waiters.shift()!;
      if (this.hasFailed) {
        this.hasFailed = false;
        waiter.reject(this.failure);
      } else waiter.resolve(DONE);
    }
  }

  private next(): Promise<IteratorResult<StreamPart>> {
    if (this.isClosed) return Promise.resolve(DONE);
    if (this.head < this.buffer.length) {
      const part = this.buffer[this.head]!;
      this.buffer[this.head++] = undefined as unknown as StreamPart;
      if (this.head > 1024 && this.head * 2 > this.buffer.length) {
        this.buffer.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value: part, done: false });
    }
    if (this.isDone) {
      if (this.hasFailed) {
        this.hasFailed = false;
        return Promise.reject(this.failure);
      }
      return Promise.resolve(DONE);
    }
    return new Promise<IteratorResult<StreamPart>>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
    });
  }

  /** Ends iteration: buffered parts are dropped, waiting and later `next()` calls are done. */
  private close(reason?: unknown): void {
    if (this.isClosed) return;
    if (!this.isDone) this.cancelCall(reason);
    this.isClosed = true;
    this.hasFailed = false;
    this.buffer.length = 0;
    this.head = 0;
    while (this.waiters.length > 0) this.waiters.shift()!.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamPart> {
    if (this.isConsumed) throw new TypeError('A stream can be iterated only once; use `response` for the final result.');
    this.isConsumed = true;
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve(DONE);
      },
    };
  }

  /** Cancels the call (closing its socket) unless it already ended; `response` rejects with `reason`. */
  cancel(reason?: unknown): void {
    if (!this.isDone) this.cancelCall(reason);
  }

  /** Only the text deltas. */
  get textStream(): AsyncIterable<string> {
    const parts = this;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const part of parts) if (part.type === 'text-delta') yield part.text;
      },
    };
  }

  /** A WHATWG `ReadableStream` of parts (for web frameworks); cancelling it cancels the call with the given reason. */
  toReadableStream(): ReadableStream<StreamPart> {
    const iterator = this[Symbol.asyncIterator]();
    return new ReadableStream<StreamPart>({
      pull: async (controller) => {
        try {
          const { value, done } = await iterator.next();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          controller.error(error);
        }
      },
      cancel: (reason?: unknown) => {
        this.close(reason);
      },
    });
  }

  /**
   * The stream as a Server-Sent Events `Response` in the relay wire format (docs/relay.md), for
   * Next.js route handlers, Hono, Bun and Deno. Cancelling the body cancels the call.
   */
  toSSEResponse(init?: SseResponseInit): Response {
    return sseResponse(liveFeed(this), init);
  }

  /**
   * Writes the stream to a `node:http` or Express response as Server-Sent Events (docs/relay.md),
   * waiting for `drain` when the client reads slowly. A client that goes away cancels the call.
   * Resolves when the response ends; never rejects.
   */
  pipeSSE(response: ServerResponse, options?: RelayOptions): Promise<void> {
    return writeSse(liveFeed(this), response, options);
  }

  /**
   * Sends the stream over a `ws` WebSocket, one JSON part per message (docs/relay.md), then closes
   * it. A peer that goes away cancels the call. Resolves when done; never rejects.
   */
  relayWebSocket(socket: RelaySocket, options?: RelayOptions): Promise<void> {
    return writeWebSocket(liveFeed(this), socket, options);
  }
}
