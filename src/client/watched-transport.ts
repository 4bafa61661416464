import { BodyCollector, isDeclaredTooLarge } from '../transport/body-collector.js';
import { ResponseTooLargeError } from '../errors/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../transport/response-limits.js';
import type { Transport, TransportCloseOptions, TransportRequest, TransportResponse } from '../transport/transport.js';
import { isWatchableText, textWatched } from '../transport/watched-text.js';

/**
 * The transport a non-streaming attempt hands its adapter: the same requests, but every body
 * chunk that arrives calls `onChunk`, so the attempt's first-token and idle watchdogs see a
 * `chat()` answer arrive as they see a stream's parts. `text()` reads through `body` for that.
 */
export class WatchedTransport implements Transport {
  private readonly inner: Transport;
  private readonly onChunk: () => void;

  constructor(inner: Transport, onChunk: () => void) {
    this.inner = inner;
    this.onChunk = onChunk;
  }

  request(request: TransportRequest): Promise<TransportResponse> {
    const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    return this.inner.request(request).then((response) => new WatchedResponse(response, this.onChunk, limit));
  }

  close(options?: TransportCloseOptions): Promise<void> {
    return this.inner.close(options);
  }
}

class WatchedResponse implements TransportResponse {
  readonly status: number;
  private readonly inner: TransportResponse;
  private readonly onChunk: () => void;
  private readonly limit: number;
  private iterator: AsyncIterable<Uint8Array> | undefined;

  constructor(inner: TransportResponse, onChunk: () => void, limit: number) {
    this.status = inner.status;
    this.inner = inner;
    this.onChunk = onChunk;
    this.limit = limit;
  }

  get body(): AsyncIterable<Uint8Array> {
    return (this.iterator ??= this.iterate());
  }

  private async *iterate(): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.inner.body) {
      this.onChunk();
      yield chunk;
    }
  }

  header(name: string): string | undefined {
    return this.inner.header(name);
  }

  /** The body as text, held to the request's `maxResponseBytes` as the transports' own `text()` is. */
  text(): Promise<string> {
    // The default transport reads and watches in one pass, without an async step per chunk.
    const inner = this.inner;
    return isWatchableText(inner) ? inner[textWatched](this.onChunk) : this.readThrough();
  }

  private async readThrough(): Promise<string> {
    if (isDeclaredTooLarge(this.inner.header('content-length'), this.limit)) {
      this.inner.cancel();
      throw new ResponseTooLargeError('maxResponseBytes', this.limit);
    }
    const collector = new BodyCollector(this.limit);
    try {
      for await (const chunk of this.inner.body) {
        this.onChunk();
        collector.add(chunk);
      }
    } catch (error) {
      // Leaving the body early closes the connection; a body too large must not be read on.
      if (error instanceof ResponseTooLargeError) this.inner.cancel();
      throw error;
    }
    return collector.text();
  }

  cancel(): void {
    this.inner.cancel();
  }

  release(): void {
    if (this.inner.release) this.inner.release();
    else this.inner.cancel();
  }
}
