import type { ChatResponse, StreamPart, ToolSpec } from '../client/types.js';
import { ToolRepairError } from '../errors/errors.js';
import { checkResponse } from './check-response.js';
import { PartialJsonParser } from './partial-json-parser.js';
import { normalizeTools } from './run-with-tool-repairs.js';
import type { StructuredOutput } from './structured-output.js';
import type { AnyTool } from './tool.js';
import { indexTools, validateToolCall } from './validate-tool-call.js';

export type ValidateStreamOptions = {
  readonly tools?: readonly (AnyTool | ToolSpec)[];
  /** With structured output: emit `partial-object` parts and validate the final object. */
  readonly output?: StructuredOutput;
};

/**
 * Wraps a stream of parts (the client's `stream()` parts) so that:
 * - each `tool-call` part is validated when the call completes and passed on with its validated
 *   (defaulted) arguments; an invalid call is held back, never shown as a valid one;
 * - with `output`, `partial-object` parts carry the object as its JSON grows (from the text, or
 *   from the Anthropic forced tool's argument deltas, which are not passed on), emitted only when
 *   the parsed value changed. The JSON is parsed incrementally (each character once); a part
 *   copies only the containers still open, and for an open container with many entries parts are
 *   spaced so that copying stays linear in the text (the last change is always emitted before
 *   `finish`);
 * - `reset` clears what was accumulated; `finish` carries the validated response (typed tool
 *   calls, `object`). If the final answer is invalid, the stream throws `ToolRepairError` (one
 *   attempt, no repair: repairs need a new call; `chat()` does them).
 */
export async function* validateStream(parts: AsyncIterable<StreamPart>, options: ValidateStreamOptions): AsyncGenerator<StreamPart, void, undefined> {
  const toolsByName = indexTools(normalizeTools(options.tools ?? []));
  const output = options.output;
  let textParser: PartialJsonParser | undefined;
  let forcedParsers = new Map<number, PartialJsonParser>();

  const partial = function (parser: PartialJsonParser, isFlush = false): StreamPart | undefined {
    const taken = parser.take(isFlush);
    return taken ? { type: 'partial-object', object: taken.value } : undefined;
  };
  /** The partial objects held back by the throttle, before the stream moves on. */
  const flush = function* (): Generator<StreamPart> {
    for (const parser of [textParser, ...forcedParsers.values()]) {
      const next = parser && partial(parser, true);
      if (next) yield next;
    }
  };

  for await (const part of parts) {
    switch (part.type) {
      case 'text-delta': {
        yield part;
        if (output) {
          if (textParser) textParser.feed(part.text);
          else {
            // Prose or a code fence may come before the JSON: start at its first bracket.
            const start = firstBracket(part.text);
            if (start !== -1) {
              textParser = new PartialJsonParser();
              textParser.feed(part.text.slice(start));
            }
          }
          const next = textParser && partial(textParser);
          if (next) yield next;
        }
        break;
      }
      case 'tool-call-delta': {
        if (output && part.name === output.name && !toolsByName.has(part.name)) {
          let parser = forcedParsers.get(part.index);
          if (!parser) forcedParsers.set(part.index, (parser = new PartialJsonParser()));
          parser.feed(part.argsTextDelta);
          const next = partial(parser);
          if (next) yield next;
        } else {
          yield part;
        }
        break;
      }
      case 'tool-call': {
        if (output && part.toolCall.name === output.name && !toolsByName.has(part.toolCall.name)) {
          yield* flush();
          break;
        }
        const result = validateToolCall(part.toolCall, toolsByName);
        if (result.isValid) yield { type: 'tool-call', toolCall: result.toolCall };
        break;
      }
      case 'reset': {
        textParser = undefined;
        forcedParsers = new Map();
        yield part;
        break;
      }
      case 'finish': {
        yield* flush();
        yield { type: 'finish', response: validateFinalResponse(part.response, toolsByName, output) };
        break;
      }
      default:
        yield part;
    }
  }
}

function firstBracket(source: string): number {
  const brace = source.indexOf('{');
  const bracket = source.indexOf('[');
  if (brace === -1) return bracket;
  return bracket === -1 ? brace : Math.min(brace, bracket);
}

function validateFinalResponse(response: ChatResponse, toolsByName: ReadonlyMap<string, AnyTool>, output: StructuredOutput | undefined): ChatResponse {
  const check = checkResponse(response, toolsByName, output);
  if (check.isValid) return check.response;
  throw new ToolRepairError([{ repair: 0, isEscalated: false, response, errors: check.errors }], 'repairs-exhausted', {
    provider: response.provider,
    model: response.model,
  });
}

/** Validates a final (non-stream or stream) response once; throws `ToolRepairError` when it is invalid. */
export function validateResponse(response: ChatResponse, options: ValidateStreamOptions): ChatResponse {
  return validateFinalResponse(response, indexTools(normalizeTools(options.tools ?? [])), options.output);
}
