import type { ProviderStreamPart } from '../../client/types.js';
import { InvalidResponseError } from '../../errors/errors.js';
import type { TransportResponse } from '../../transport/transport.js';
import { decodeSseBatches } from '../../transport/sse.js';
import type { GeminiResponseReader } from './gemini-response-reader.js';
import type { GeminiResponse } from './gemini-wire-types.js';
import { geminiInBandError, readGeminiErrorObject, type GeminiErrorContext } from './parse-gemini-error.js';

/**
 * Turns a `streamGenerateContent?alt=sse` body into provider stream parts. Gemini has no end
 * sentinel: the stream ends at EOF, and counts as complete only if a `finishReason` arrived
 * (otherwise `InvalidResponseError`). A bare JSON error object after the 200 (not `data:` framed)
 * throws the matching typed error with `hasEmittedOutput`; a malformed chunk throws
 * `InvalidResponseError`. A `usage` part follows the chunk where `usageMetadata` first appears or
 * changes. The response is closed on every exit (`break`, `return()`, abort, error).
 */
export async function* streamGeminiParts(
  response: TransportResponse,
  reader: GeminiResponseReader,
  context: GeminiErrorContext,
): AsyncGenerator<ProviderStreamPart> {
  const parts: ProviderStreamPart[] = [];
  try {
    for await (const batch of decodeSseBatches(response.body)) {
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
        for (let index = 0; index < parts.length; index++) yield parts[index]!;
        parts.length = 0;
        // Billed whatever happens next (a cut, an in-band error): report it when it first
        // appears or changes, not on every chunk that repeats it.
        const usage = reader.takeUsageUpdate();
        if (usage !== undefined) yield { type: 'usage', usage };
      }
    }
    if (reader.rawFinishReason === undefined) {
      throw new InvalidResponseError(
        reader.hasCandidate ? 'stream ended without a finishReason' : 'stream ended without a candidate',
        { ...context, hasEmittedOutput: reader.hasEmittedOutput },
      );
    }
    reader.finish(parts);
    for (let index = 0; index < parts.length; index++) yield parts[index]!;
  } finally {
    response.cancel();
  }
}
