/** A finished `tool_use` block's input: the object, or `{}` plus the raw text when it was not one. */
export type ParsedToolInput = { readonly args: Record<string, unknown>; readonly argsText?: string };

/**
 * Parses the `partial_json` a streamed `tool_use` block accumulated. A tool without arguments
 * sends a single empty `partial_json`, which is `{}`. Text that is not a JSON object is kept raw
 * so the repair loop can send it back to the model.
 */
export function parseAnthropicToolInput(json: string): ParsedToolInput {
  if (json.trim() === '') return { args: {} };
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { args: value as Record<string, unknown> };
  } catch {
    // Falls through: kept raw for the repair loop.
  }
  return { args: {}, argsText: json };
}
