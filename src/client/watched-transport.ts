import type { Transport, TransportRequest, TransportResponse } from '../transport/transport.js';

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
    return this.inner.request(request).then((response) => new WatchedResponse(response, this.onChunk));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

class WatchedResponse implements TransportResponse {
  readonly status: number;
  private readonly inner: TransportResponse;
  private readonly onChunk: () => void;
  private iterator: AsyncIterable<Uint8Array> | undefined;

  constructor(inner: TransportResponse, onChunk: () => void) {
    this.status = inner.status;
    this.inner = inner;
    this.onChunk = onChunk;
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

  async text(): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of this.inner.body) {
      this.onChunk();
      text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  }

  cancel(): void {
    this.inner.cancel();
  }

  release(): void {
    if (this.inner.release) this.inner.release();
    else this.inner.cancel();
  }
}
