/** What a tool call's arguments text parsed to. */
export type ParsedToolArguments =
  | { readonly isValid: true; readonly args: Record<string, unknown> }
  | { readonly isValid: false; readonly args: Record<string, unknown>; readonly argsText: string };

/**
 * Parses a tool call's `arguments` string. An empty string is a call without arguments (`{}`).
 * Anything that is not a JSON object comes back as `{}` with the raw text, so the call still
 * reaches the caller and the repair loop can send it back to the model.
 */
export function parseToolArguments(argsText: string): ParsedToolArguments {
  if (argsText.trim() === '') return { isValid: true, args: {} };
  try {
    const value: unknown = JSON.parse(argsText);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { isValid: true, args: value as Record<string, unknown> };
    }
  } catch {
    // Falls through: kept as raw text for the repair loop.
  }
  return { isValid: false, args: {}, argsText };
}
