import type { IncompleteToolCall, ToolCall } from '../client/types.js';
import { InvalidArgumentError, ToolInputInvalidError, type ToolIssue } from '../errors/errors.js';
import { dropNullOptionals } from './drop-null-optionals.js';
import { parseJsonLenient } from './parse-json-lenient.js';
import { rootIssue, toToolIssues } from './to-tool-issues.js';
import type { AnyTool } from './tool.js';

const MAX_QUOTED = 300;

/** What validating one call gave: the call with parsed, validated (defaulted) arguments, or why not. */
export type ToolCallValidation =
  | { readonly isValid: true; readonly toolCall: ToolCall; readonly isLocallyRepaired: boolean }
  | { readonly isValid: false; readonly toolCall: ToolCall; readonly error: ToolInputInvalidError };

function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);
}

function invalid(call: ToolCall, issues: readonly ToolIssue[]): ToolCallValidation {
  return { isValid: false, toolCall: call, error: new ToolInputInvalidError(call.name, issues, { toolCallId: call.id }) };
}

/**
 * Validates one tool call against the tools offered: the tool must exist, its arguments must be a
 * JSON object (slips such as code fences or trailing commas are repaired locally first), and they
 * must pass the tool's schema. A call cut by the output token limit (`IncompleteToolCall`) is
 * always invalid. On success the call carries the schema's output (defaults applied).
 */
export function validateToolCall(
  call: ToolCall | IncompleteToolCall,
  toolsByName: ReadonlyMap<string, AnyTool>,
  options: { readonly isIncomplete?: boolean } = {},
): ToolCallValidation {
  const raw: ToolCall = 'args' in call ? call : { id: call.id, name: call.name, args: {}, argsText: call.argsText };
  const tool = toolsByName.get(call.name);
  if (!tool) {
    const names = [...toolsByName.keys()].map((name) => JSON.stringify(name)).join(', ');
    return invalid(raw, [rootIssue(names === '' ? 'no tool call (no tools are available)' : `the name of an available tool: ${names}`, `a call to unknown tool ${JSON.stringify(call.name)}`)]);
  }
  if (options.isIncomplete) {
    return invalid(raw, [rootIssue('a complete JSON object of arguments', `arguments cut off by the output token limit: ${quote(raw.argsText ?? '')}; send a shorter call`)]);
  }
  let args: unknown = raw.args;
  let isLocallyRepaired = false;
  if (raw.argsText !== undefined) {
    const parsed = parseJsonLenient(raw.argsText);
    if (!parsed.isValid) {
      return invalid(raw, [rootIssue('a JSON object of arguments', `text that is not valid JSON (${parsed.error}): ${quote(raw.argsText)}`)]);
    }
    if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      return invalid(raw, [rootIssue('a JSON object of arguments', `JSON that is not an object: ${quote(raw.argsText)}`)]);
    }
    args = parsed.value;
    isLocallyRepaired = true;
  }
  const cleaned = dropNullOptionals(args, tool.jsonSchema);
  if (cleaned !== args) isLocallyRepaired = true;
  const result = tool.inputSchema.safeParse(cleaned, { reportInput: true });
  if (!result.success) return invalid(raw, toToolIssues(result.error.issues, cleaned));
  const validated: ToolCall = { id: raw.id, name: raw.name, args: result.data as Record<string, unknown> };
  return {
    isValid: true,
    toolCall: raw.providerMetadata === undefined ? validated : { ...validated, providerMetadata: raw.providerMetadata },
    isLocallyRepaired,
  };
}

/** Indexes tools by name, refusing duplicates. */
export function indexTools(tools: readonly AnyTool[]): Map<string, AnyTool> {
  const byName = new Map<string, AnyTool>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new InvalidArgumentError('tools', `Expected \`tools\` to have unique names, got ${JSON.stringify(tool.name)} twice.`);
    byName.set(tool.name, tool);
  }
  return byName;
}
