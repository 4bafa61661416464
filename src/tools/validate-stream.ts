import type { ChatResponse, StreamPart, ToolSpec } from '../client/types.js';
import { ToolRepairError } from '../errors/errors.js';
import { checkResponse } from './check-response.js';
import { parsePartialJson } from './parse-partial-json.js';
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
 *   the parsed value changed;
 * - `reset` clears what was accumulated; `finish` carries the validated response (typed tool
 *   calls, `object`). If the final answer is invalid, the stream throws `ToolRepairError` (one
 *   attempt, no repair: repairs need a new call; `chat()` does them).
 */
export async function* validateStream(parts: AsyncIterable<StreamPart>, options: ValidateStreamOptions): AsyncGenerator<StreamPart, void, undefined> {
  const toolsByName = indexTools(normalizeTools(options.tools ?? []));
  const output = options.output;
  let text = '';
  let forcedArgs = new Map<number, string>();
  let lastPartial: string | undefined;

  const partial = function (source: string): StreamPart | undefined {
    // Prose or a code fence may come before the JSON: start at its first bracket.
    const start = firstBracket(source);
    if (start === -1) return undefined;
    const parsed = parsePartialJson(start === 0 ? source : source.slice(start));
    if (!parsed) return undefined;
    const serialized = JSON.stringify(parsed.value);
    if (serialized === lastPartial) return undefined;
    lastPartial = serialized;
    return { type: 'partial-object', object: parsed.value };
  };

  for await (const part of parts) {
    switch (part.type) {
      case 'text-delta': {
        yield part;
        if (output) {
          text += part.text;
          const next = partial(text);
          if (next) yield next;
        }
        break;
      }
      case 'tool-call-delta': {
        if (output && part.name === output.name && !toolsByName.has(part.name)) {
          const args = (forcedArgs.get(part.index) ?? '') + part.argsTextDelta;
          forcedArgs.set(part.index, args);
          const next = partial(args);
          if (next) yield next;
        } else {
          yield part;
        }
        break;
      }
      case 'tool-call': {
        if (output && part.toolCall.name === output.name && !toolsByName.has(part.toolCall.name)) break;
        const result = validateToolCall(part.toolCall, toolsByName);
        if (result.isValid) yield { type: 'tool-call', toolCall: result.toolCall };
        break;
      }
      case 'reset': {
        text = '';
        forcedArgs = new Map();
        lastPartial = undefined;
        yield part;
        break;
      }
      case 'finish': {
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
