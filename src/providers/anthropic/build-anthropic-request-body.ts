import type { ProviderRequest } from '../spec/index.js';
import type { AnthropicRequestBody } from './anthropic-wire-types.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { convertToAnthropicTools, convertToAnthropicToolChoice } from './convert-to-anthropic-tools.js';

/**
 * Builds the `POST /v1/messages` body. `max_tokens` is required by the API, so it falls back to
 * `defaultMaxTokens`. `seed` and `responseFormat` have no Anthropic field and are not sent
 * (structured output is enforced by the client's validation layer). `providerOptions.anthropic`
 * is merged last, so it can set `thinking`, `metadata`, `top_k` or override any mapped field.
 */
export function buildAnthropicRequestBody(
  request: ProviderRequest,
  defaultMaxTokens: number,
  isStreaming: boolean,
): AnthropicRequestBody {
  const { system, messages } = convertToAnthropicMessages(request.messages);
  const body: AnthropicRequestBody = {
    model: request.model,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages,
    stream: isStreaming,
  };
  if (system !== undefined) body.system = system;
  if (request.tools && request.tools.length > 0) {
    body.tools = convertToAnthropicTools(request.tools);
    // Without tools the API rejects `tool_choice`, so it is only sent alongside them.
    if (request.toolChoice !== undefined) body.tool_choice = convertToAnthropicToolChoice(request.toolChoice);
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop !== undefined) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : [...request.stop];
  const providerOptions = request.providerOptions?.['anthropic'];
  if (providerOptions) Object.assign(body, providerOptions);
  return body;
}
