import type { Readable } from 'node:stream';

type Waiter = { readonly resolve: (result: IteratorResult<Uint8Array>) => void; readonly reject: (error: unknown) => void };

const DONE: IteratorResult<Uint8Array> = Object.freeze({ value: undefined, done: true });

function ignoreError(): void {}

/**
 * A response body's chunks as an async iterator over its 'readable' events. Node's
 * `Readable[Symbol.asyncIterator]` plus an async generator around it cost two promise hops and a
 * generator resume per read; this costs one promise. Each `next()` takes everything buffered at
 * once (`read()`), as Node's iterator does, so a fast stream is read in few large pieces; the
 * body's own high-water mark is the backpressure.
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
    raw.on('readable', this.onReadable);
    raw.on('end', this.onEnd);
    raw.on('error', this.onError);
    raw.on('close', this.onClose);
  }

  private readonly onReadable = (): void => {
    const waiter = this.waiter;
    if (!waiter) return;
    const chunk = this.raw.read() as Uint8Array | null;
    // Null: nothing yet, or the end, which 'end' reports.
    if (chunk === null) return;
    this.waiter = undefined;
    waiter.resolve({ value: chunk, done: false });
  };

  private readonly onEnd = (): void => {
    this.isEnded = true;
    if (this.waiter) this.settle();
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
    if (this.waiter) this.settle();
  }

  /** Hands the pending reader the end or the failure. */
  private settle(): void {
    const waiter = this.waiter!;
    this.waiter = undefined;
    this.finish();
    if (this.hasFailed) waiter.reject(this.failure);
    else waiter.resolve(DONE);
  }

  private finish(): void {
    if (this.isFinished) return;
    this.isFinished = true;
    const raw = this.raw;
    raw.off('readable', this.onReadable);
    raw.off('end', this.onEnd);
    raw.off('close', this.onClose);
    raw.off('error', this.onError);
    // Whatever the body emits from now on is nobody's: an unheard 'error' would crash the process.
    raw.on('error', ignoreError);
    this.onExit();
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.isFinished) return Promise.resolve(DONE);
    if (this.hasFailed) {
      this.finish();
      return Promise.reject(this.failure);
    }
    // An error drops what was buffered, as Node's iterator does: a destroyed body reads nothing.
    const chunk = this.raw.destroyed ? null : (this.raw.read() as Uint8Array | null);
    if (chunk !== null) return Promise.resolve({ value: chunk, done: false });
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
