import type { ProviderRequest, ResponseFormat, ToolChoice, ToolSpec } from '../spec/index.js';
import { convertToOpenAIMessages } from './convert-to-openai-messages.js';
import { mergeProviderOptions } from '../shared/merge-provider-options.js';

/** How one adapter flavour writes a request body. */
export type OpenAIBodyOptions = {
  /** `max_completion_tokens` for OpenAI (reasoning models reject `max_tokens`); `max_tokens` for gateways. */
  readonly maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Keys of `request.providerOptions` merged last into the body, in order. */
  readonly providerOptionKeys: readonly string[];
};

// A frozen spec (every spec made from a `tool()` is) cannot change: its wire form is made once.
// The wire objects are frozen too and only serialized, so one object serves every call.
const convertedFrozen = new WeakMap<ToolSpec, Record<string, unknown>>();

function convertTool(tool: ToolSpec): Record<string, unknown> {
  if (!Object.isFrozen(tool)) return buildTool(tool);
  let converted = convertedFrozen.get(tool);
  if (converted === undefined) {
    converted = buildTool(tool);
    Object.freeze(converted.function);
    convertedFrozen.set(tool, Object.freeze(converted));
  }
  return converted;
}

function buildTool(tool: ToolSpec): Record<string, unknown> {
  const definition: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) definition.description = tool.description;
  definition.parameters = tool.parameters;
  if (tool.strict !== undefined) definition.strict = tool.strict;
  return { type: 'function', function: definition };
}

function convertToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function convertResponseFormat(format: ResponseFormat): unknown {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json':
      return { type: 'json_object' };
    case 'json_schema': {
      const schema: Record<string, unknown> = { name: format.name ?? 'response' };
      if (format.description !== undefined) schema.description = format.description;
      schema.schema = format.schema;
      if (format.strict !== undefined) schema.strict = format.strict;
      return { type: 'json_schema', json_schema: schema };
    }
  }
}

/**
 * Builds the Chat Completions request body. Streaming bodies ask for usage in the final chunk
 * (`stream_options.include_usage`), without which a stream carries no token counts.
 */
export function buildOpenAIRequestBody(
  request: ProviderRequest,
  isStreaming: boolean,
  options: OpenAIBodyOptions,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: convertToOpenAIMessages(request.messages),
  };
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(convertTool);
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body[options.maxTokensField] = request.maxTokens;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.responseFormat !== undefined) body.response_format = convertResponseFormat(request.responseFormat);
  if (isStreaming) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  mergeProviderOptions(body, request.providerOptions, options.providerOptionKeys);
  return body;
}
