import type { ProviderRequest, ResponseFormat, ToolChoice, ToolSpec } from '../spec/index.js';
import { convertToResponsesInput } from './convert-to-responses-input.js';
import { mergeProviderOptions } from '../shared/merge-provider-options.js';

/** How one adapter writes its request bodies. */
export type ResponsesBodyOptions = {
  /** Keys of `request.providerOptions` merged last into the body, in order. */
  readonly providerOptionKeys: readonly string[];
  /** `store` sent with every request, when set. */
  readonly store: boolean | undefined;
  /** Send `previous_response_id` and only the new turns when the conversation carries a response id. */
  readonly usePreviousResponseId: boolean;
  /** Default `reasoning` object (`{ effort, summary }`). */
  readonly reasoning: Readonly<Record<string, unknown>> | undefined;
  /** Ask for `reasoning.encrypted_content`, so reasoning can be sent back without server-side storage. */
  readonly includeEncryptedReasoning: boolean;
};

function convertTool(tool: ToolSpec): Record<string, unknown> {
  const definition: Record<string, unknown> = { type: 'function', name: tool.name };
  if (tool.description !== undefined) definition.description = tool.description;
  definition.parameters = tool.parameters;
  if (tool.strict !== undefined) definition.strict = tool.strict;
  return definition;
}

function convertToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
}

/** `text.format`: `json_schema` carries name, schema and strict flat (not nested as in Chat Completions). */
function convertFormat(format: ResponseFormat): Record<string, unknown> {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json':
      return { type: 'json_object' };
    case 'json_schema': {
      const converted: Record<string, unknown> = { type: 'json_schema', name: format.name ?? 'response' };
      if (format.description !== undefined) converted.description = format.description;
      converted.schema = format.schema;
      if (format.strict !== undefined) converted.strict = format.strict;
      return converted;
    }
  }
}

/**
 * Builds the `POST /responses` body. `stop` and `seed` have no Responses field and are not sent.
 * `providerOptions['openai-responses']` (and the adapter's own name) are merged last, so they can
 * set `reasoning`, `include`, `prompt_cache_key`, `service_tier` or override any mapped field.
 */
export function buildResponsesRequestBody(
  request: ProviderRequest,
  isStreaming: boolean,
  options: ResponsesBodyOptions,
): Record<string, unknown> {
  const { instructions, input, previousResponseId } = convertToResponsesInput(request.messages, options.usePreviousResponseId);
  const body: Record<string, unknown> = { model: request.model, input };
  if (instructions !== undefined) body.instructions = instructions;
  if (previousResponseId !== undefined) body.previous_response_id = previousResponseId;
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(convertTool);
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_output_tokens = request.maxTokens;
  if (request.responseFormat !== undefined) body.text = { format: convertFormat(request.responseFormat) };
  if (options.reasoning !== undefined) body.reasoning = options.reasoning;
  if (options.includeEncryptedReasoning) body.include = ['reasoning.encrypted_content'];
  if (options.store !== undefined) body.store = options.store;
  if (isStreaming) body.stream = true;
  mergeProviderOptions(body, request.providerOptions, options.providerOptionKeys);
  return body;
}
