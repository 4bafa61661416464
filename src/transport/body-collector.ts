import { ResponseTooLargeError } from '../errors/errors.js';

/**
 * Collects a response body, refusing to hold more than `limit` bytes of it. The network's chunks
 * are kept as they are (copying them into a growing buffer was measured to leave more garbage).
 */
export class BodyCollector {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Adds a chunk; throws `ResponseTooLargeError`, and lets go of what it held, once past the limit. */
  add(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.size > this.limit) {
      this.chunks = [];
      throw new ResponseTooLargeError('maxResponseBytes', this.limit);
    }
    this.chunks.push(chunk);
  }

  /** The body as UTF-8 text, without a byte-order mark (as `Response.text()`). */
  text(): string {
    const chunks = this.chunks;
    this.chunks = [];
    const first = chunks[0];
    if (!first) return '';
    const bytes = chunks.length === 1 ? first : Buffer.concat(chunks, this.size);
    const text = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/** A `content-length` header above `limit` means the body need not be read to be refused. */
export function isDeclaredTooLarge(contentLength: string | null | undefined, limit: number): boolean {
  return contentLength !== undefined && contentLength !== null && Number(contentLength) > limit;
}
