import { createParser, type ParseError } from 'eventsource-parser';
import { ResponseTooLargeError } from '../errors/errors.js';
import { DEFAULT_MAX_EVENT_BYTES } from './response-limits.js';

/** One server-sent event: its `event:` name (if any) and its joined `data:` lines. */
export type SseEvent = { readonly event?: string; readonly data: string };

/**
 * Decodes a byte stream into SSE events with eventsource-parser: LF, CRLF and CR line endings,
 * events split across network reads (including inside multi-byte UTF-8 characters), multi-line
 * `data:` fields and comments. Lines that are not SSE fields (Gemini's bare JSON error object
 * after a 200) are collected and yielded as one event named `'raw'`, in stream order.
 *
 * Yields the events of each network read together (never an empty batch): one async step per read
 * rather than per event, which is most of the per-chunk cost of a fast stream.
 *
 * Memory is bounded: once more than `maxEventBytes` arrived since the last event was dispatched
 * (one huge event, a line that never ends, or non-SSE lines that pile up), it throws
 * `ResponseTooLargeError`, and the caller's exit from the body closes the connection.
 */
export async function* decodeSseBatches(body: AsyncIterable<Uint8Array>, maxEventBytes: number = DEFAULT_MAX_EVENT_BYTES): AsyncGenerator<SseEvent[]> {
  const decoder = new TextDecoder('utf-8');
  let batch: SseEvent[] = [];
  let rawLines: string[] | undefined;
  // Bytes received since the last dispatched event. Reset at an event, so it may miss the tail of
  // the chunk that ended one: the bound is `maxEventBytes` plus one network read.
  let pendingBytes = 0;
  const flushRaw = () => {
    if (rawLines) {
      batch.push({ event: 'raw', data: rawLines.join('\n') });
      rawLines = undefined;
    }
  };
  const parser = createParser({
    onEvent(message) {
      pendingBytes = 0;
      flushRaw();
      batch.push(message.event === undefined ? { data: message.data } : { event: message.event, data: message.data });
    },
    onError(error: ParseError) {
      // A line that is not an SSE field: keep it, it may be a bare JSON error body.
      if (error.type === 'unknown-field' && error.line !== undefined) (rawLines ??= []).push(error.line);
    },
  });
  for await (const chunk of body) {
    pendingBytes += chunk.byteLength;
    const text = decoder.decode(chunk, { stream: true });
    if (text.length === 0) continue;
    parser.feed(text);
    if (pendingBytes > maxEventBytes) {
      parser.reset();
      rawLines = undefined;
      throw new ResponseTooLargeError('maxEventBytes', maxEventBytes);
    }
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield ready;
    }
  }
  const tail = decoder.decode();
  if (tail) parser.feed(tail);
  // The last line may lack its newline; an unterminated event is never dispatched (per spec).
  parser.reset({ consume: true });
  flushRaw();
  if (batch.length > 0) yield batch;
}

/** Like `decodeSseBatches`, one event at a time. */
export async function* decodeSse(body: AsyncIterable<Uint8Array>, maxEventBytes?: number): AsyncGenerator<SseEvent> {
  for await (const events of decodeSseBatches(body, maxEventBytes)) yield* events;
}
