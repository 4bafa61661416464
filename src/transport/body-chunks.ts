import type { Readable } from 'node:stream';

type Waiter = { readonly resolve: (result: IteratorResult<Uint8Array>) => void; readonly reject: (error: unknown) => void };

const DONE: IteratorResult<Uint8Array> = Object.freeze({ value: undefined, done: true });

/** Chunks buffered ahead of the reader before the body is paused (backpressure). */
const MAX_BUFFERED_CHUNKS = 16;

function ignoreError(): void {}

/**
 * A response body's chunks as an async iterator fed by its 'data' events. Node's
 * `Readable[Symbol.asyncIterator]` plus an async generator around it cost two promise hops and a
 * generator resume per network read; this costs one promise, which is most of a slow stream's
 * per-event cost when a thousand are open.
 *
 * Errors reach the reader through `mapError`; a body that closes without ending fails with
 * `mapError(closedEarly())`. `onExit` runs once when reading stops for any reason (end, error,
 * `return()`), after the listeners are removed.
 */
export class BodyChunks implements AsyncIterableIterator<Uint8Array> {
  private readonly raw: Readable;
  private readonly mapError: (error: unknown) => unknown;
  private readonly closedEarly: () => unknown;
  private readonly onExit: () => void;
  private readonly buffer: Uint8Array[] = [];
  private head = 0;
  private waiter: Waiter | undefined;
  private isEnded = false;
  private hasFailed = false;
  private failure: unknown;
  private isFinished = false;

  constructor(raw: Readable, mapError: (error: unknown) => unknown, closedEarly: () => unknown, onExit: () => void) {
    this.raw = raw;
    this.mapError = mapError;
    this.closedEarly = closedEarly;
    this.onExit = onExit;
    raw.on('data', this.onData);
    raw.on('end', this.onEnd);
    raw.on('error', this.onError);
    raw.on('close', this.onClose);
  }

  private readonly onData = (chunk: Uint8Array): void => {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ value: chunk, done: false });
      return;
    }
    this.buffer.push(chunk);
    if (this.buffer.length - this.head >= MAX_BUFFERED_CHUNKS) this.raw.pause();
  };

  private readonly onEnd = (): void => {
    this.isEnded = true;
    if (this.waiter && this.head === this.buffer.length) this.settle();
  };

  private readonly onError = (error: unknown): void => {
    this.fail(this.mapError(error));
  };

  private readonly onClose = (): void => {
    // After 'end' or 'error' (the usual case) there is nothing to do.
    if (!this.isEnded && !this.hasFailed) this.fail(this.mapError(this.closedEarly()));
  };

  private fail(error: unknown): void {
    if (this.isFinished || this.hasFailed || this.isEnded) return;
    this.hasFailed = true;
    this.failure = error;
    // An error drops what was buffered, as Node's iterator does.
    this.buffer.length = 0;
    this.head = 0;
    if (this.waiter) this.settle();
  }

  /** Hands the pending reader the end or the failure. */
  private settle(): void {
    const waiter = this.waiter!;
    this.waiter = undefined;
    if (this.hasFailed) {
      this.finish();
      waiter.reject(this.failure);
    } else {
      this.finish();
      waiter.resolve(DONE);
    }
  }

  private finish(): void {
    if (this.isFinished) return;
    this.isFinished = true;
    const raw = this.raw;
    raw.off('data', this.onData);
    raw.off('end', this.onEnd);
    raw.off('close', this.onClose);
    raw.off('error', this.onError);
    // Whatever the body emits from now on is nobody's: an unheard 'error' would crash the process.
    raw.on('error', ignoreError);
    this.buffer.length = 0;
    this.head = 0;
    this.onExit();
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.head < this.buffer.length) {
      const chunk = this.buffer[this.head]!;
      this.buffer[this.head++] = undefined as unknown as Uint8Array;
      if (this.head === this.buffer.length) {
        this.buffer.length = 0;
        this.head = 0;
        if (this.raw.isPaused() && !this.isFinished) this.raw.resume();
      }
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.isFinished) return Promise.resolve(DONE);
    if (this.hasFailed) {
      this.finish();
      return Promise.reject(this.failure);
    }
    if (this.isEnded) {
      this.finish();
      return Promise.resolve(DONE);
    }
    return new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** The reader stopped early (a `break`, `return()`): stop listening; `onExit` decides the socket's fate. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.finish();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return this;
  }
}
