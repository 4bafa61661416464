import type { ToolChoice, ToolSpec } from '../spec/index.js';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-wire-types.js';
import { toAnthropicCacheControl } from './convert-to-anthropic-messages.js';

/** Maps tool specs to `{ name, description, input_schema, cache_control? }`. `strict` has no Anthropic equivalent. */
export function convertToAnthropicTools(tools: readonly ToolSpec[]): AnthropicTool[] {
  return tools.map((tool) => {
    const converted: AnthropicTool =
      tool.description === undefined
        ? { name: tool.name, input_schema: tool.parameters }
        : { name: tool.name, description: tool.description, input_schema: tool.parameters };
    if (tool.cacheControl !== undefined) converted.cache_control = toAnthropicCacheControl(tool.cacheControl);
    return converted;
  });
}

/** Maps the tool choice: `required` is Anthropic's `any`, a named tool is `{ type: 'tool', name }`. */
export function convertToAnthropicToolChoice(choice: ToolChoice): AnthropicToolChoice {
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
    default:
      return { type: 'tool', name: choice.name };
  }
}
