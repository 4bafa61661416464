import type { ProviderStreamPart } from '../spec/index.js';
import { InvalidResponseError } from '../../errors/errors.js';
import type { TransportResponse } from '../../transport/transport.js';
import { decodeSseBatches } from '../../transport/sse.js';
import { batchedPartStream, type BatchedPartStream } from '../shared/part-batches.js';
import type { GeminiResponseReader } from './gemini-response-reader.js';
import type { GeminiResponse } from './gemini-wire-types.js';
import { geminiInBandError, readGeminiErrorObject, type GeminiErrorContext } from './parse-gemini-error.js';

/**
 * Turns a `streamGenerateContent?alt=sse` body into provider stream parts. Gemini has no end
 * sentinel: the stream ends at EOF, and counts as complete only if a `finishReason` arrived
 * (otherwise `InvalidResponseError`). A bare JSON error object after the 200 (not `data:` framed)
 * throws the matching typed error with `hasEmittedOutput`; a malformed chunk throws
 * `InvalidResponseError`. A `usage` part follows the chunk where `usageMetadata` first appears or
 * changes. The response is closed on every exit (`break`, `return()`, abort, error). The stream
 * also offers its parts one network read at a time to the client (see `partBatches`).
 */
export function streamGeminiParts(
  response: TransportResponse,
  reader: GeminiResponseReader,
  context: GeminiErrorContext,
  maxEventBytes?: number,
): BatchedPartStream {
  return batchedPartStream(streamGeminiBatches(response, reader, context, maxEventBytes));
}

/**
 * The parts of each network read together. The parts of the chunks read before an error are
 * yielded before it is thrown; those of a chunk that throws (a blocked prompt) are dropped.
 */
async function* streamGeminiBatches(
  response: TransportResponse,
  reader: GeminiResponseReader,
  context: GeminiErrorContext,
  maxEventBytes: number | undefined,
): AsyncGenerator<ProviderStreamPart[]> {
  let parts: ProviderStreamPart[] = [];
  // How many of `parts` come from chunks read in full.
  let readParts = 0;
  try {
    for await (const batch of decodeSseBatches(response.body, maxEventBytes)) {
      for (const event of batch) {
        let chunk: unknown;
        try {
          chunk = JSON.parse(event.data);
        } catch (cause) {
          throw new InvalidResponseError(`malformed stream chunk${event.event === 'raw' ? ' (not SSE)' : ''}`, {
            ...context,
            hasEmittedOutput: reader.hasEmittedOutput,
            cause,
          });
        }
        const error = readGeminiErrorObject(chunk);
        if (error) throw geminiInBandError(error, context, reader.hasEmittedOutput);
        if (event.event === 'raw' || typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) {
          throw new InvalidResponseError('unexpected stream chunk', { ...context, hasEmittedOutput: reader.hasEmittedOutput });
        }
        reader.read(chunk as GeminiResponse, parts);
        // Billed whatever happens next (a cut, an in-band error): report it when it first
        // appears or changes, not on every chunk that repeats it.
        const usage = reader.takeUsageUpdate();
        if (usage !== undefined) parts.push({ type: 'usage', usage });
        readParts = parts.length;
      }
      if (parts.length > 0) {
        const ready = parts;
        parts = [];
        readParts = 0;
        yield ready;
      }
    }
    if (reader.rawFinishReason === undefined) {
      throw new InvalidResponseError(
        reader.hasCandidate ? 'stream ended without a finishReason' : 'stream ended without a candidate',
        { ...context, hasEmittedOutput: reader.hasEmittedOutput },
      );
    }
    reader.finish(parts);
    yield parts;
  } catch (error) {
    // What was read before the error reaches the consumer first, as it would part by part.
    if (readParts > 0) {
      parts.length = readParts;
      yield parts;
    }
    throw error;
  } finally {
    response.cancel();
  }
}
