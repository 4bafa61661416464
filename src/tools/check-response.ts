import type { AssistantMessage, ChatResponse, Message, ToolCall } from '../client/types.js';
import { ToolInputInvalidError, type ToolIssue } from '../errors/errors.js';
import { dropNullOptionals } from './drop-null-optionals.js';
import { parseJsonLenient } from './parse-json-lenient.js';
import type { StructuredOutput } from './structured-output.js';
import { rootIssue, toToolIssues } from './to-tool-issues.js';
import type { AnyTool } from './tool.js';
import { validateToolCall } from './validate-tool-call.js';

/** What `checkResponse` found. */
export type ResponseCheck =
  | { readonly isValid: true; readonly response: ChatResponse }
  | {
      readonly isValid: false;
      readonly errors: readonly ToolInputInvalidError[];
      /** The turns to append so the model sees its answer and exactly what was wrong with it. */
      readonly repairMessages: readonly Message[];
    };

/** The text a sibling call gets when another call of the same turn was invalid. */
export const NOT_EXECUTED_TEXT =
  'Not executed: another tool call in this turn had invalid arguments, so no call of this turn was run. Repeat this call unchanged together with the corrected one.';

/** Formats a validation error as the tool-result (or user) text a model reads. */
export function formatRepairText(error: ToolInputInvalidError, subject: 'tool' | 'object'): string {
  const lines = error.issues.map((item: ToolIssue) => `- ${item.path === '' ? '(whole value)' : item.path}: expected ${item.expected}, received ${item.received}`);
  if (subject === 'object') {
    return `Your answer does not match the required JSON schema "${error.toolName}". Fix these and answer again with only the corrected JSON:\n${lines.join('\n')}`;
  }
  return `Invalid arguments for tool "${error.toolName}"; the call was not executed. Fix these and call it again:\n${lines.join('\n')}`;
}

function validateObject(value: unknown, output: StructuredOutput): { isValid: true; object: unknown } | { isValid: false; error: ToolInputInvalidError } {
  const cleaned = dropNullOptionals(value, output.jsonSchema);
  const result = output.schema.safeParse(cleaned, { reportInput: true });
  if (result.success) return { isValid: true, object: result.data };
  return { isValid: false, error: new ToolInputInvalidError(output.name, toToolIssues(result.error.issues, cleaned)) };
}

function objectFromText(text: string, output: StructuredOutput): { isValid: true; object: unknown } | { isValid: false; error: ToolInputInvalidError } {
  if (text.trim() === '') {
    return { isValid: false, error: new ToolInputInvalidError(output.name, [rootIssue('a JSON value matching the schema', 'an empty answer')]) };
  }
  const parsed = parseJsonLenient(text);
  if (!parsed.isValid) {
    const quoted = JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text);
    return { isValid: false, error: new ToolInputInvalidError(output.name, [rootIssue('a JSON value matching the schema', `text that is not valid JSON (${parsed.error}): ${quoted}`)]) };
  }
  return validateObject(parsed.value, output);
}

/**
 * Validates every tool call of a response (and its structured object when `output` is given).
 * Valid: the response with `toolCalls` replaced by the validated calls, `object` set, and
 * `message` ready to append. Invalid: the errors plus the repair turns — the assistant turn with
 * all its calls, then one `tool` result per call (`isError: true`, the precise issues for invalid
 * calls, `NOT_EXECUTED_TEXT` for valid siblings, since none of the turn is handed to the caller),
 * or, for an object answered as text, a user message quoting the issues.
 */
export function checkResponse(
  response: ChatResponse,
  toolsByName: ReadonlyMap<string, AnyTool>,
  output: StructuredOutput | undefined,
): ResponseCheck {
  const calls: ToolCall[] = [...response.toolCalls];
  const incompleteIds = new Set<string>();
  for (const incomplete of response.incompleteToolCalls) {
    incompleteIds.add(incomplete.id);
    calls.push({ id: incomplete.id, name: incomplete.name, args: {}, argsText: incomplete.argsText });
  }
  const errors: ToolInputInvalidError[] = [];
  const errorById = new Map<string, ToolInputInvalidError>();
  const validated: ToolCall[] = [];
  let forcedCall: ToolCall | undefined;
  let object: unknown;
  let hasObject = false;
  for (const call of calls) {
    if (output && call.name === output.name && !toolsByName.has(call.name)) {
      forcedCall = call;
      const result = incompleteIds.has(call.id)
        ? { isValid: false as const, error: new ToolInputInvalidError(output.name, [rootIssue('a complete JSON value', 'an answer cut off by the output token limit')], { toolCallId: call.id }) }
        : call.argsText !== undefined
          ? objectFromText(call.argsText, output)
          : validateObject(call.args, output);
      if (result.isValid) {
        object = result.object;
        hasObject = true;
      } else {
        errors.push(result.error);
        errorById.set(call.id, result.error);
      }
      continue;
    }
    const result = validateToolCall(call, toolsByName, { isIncomplete: incompleteIds.has(call.id) });
    if (result.isValid) validated.push(result.toolCall);
    else {
      errors.push(result.error);
      errorById.set(call.id, result.error);
    }
  }
  let textError: ToolInputInvalidError | undefined;
  // With tool calls the turn is not the final answer, so only a turn without calls must be the object.
  if (output && !forcedCall && calls.length === 0) {
    const result = objectFromText(response.text, output);
    if (result.isValid) {
      object = result.object;
      hasObject = true;
    } else {
      textError = result.error;
      errors.push(result.error);
    }
  }

  if (errors.length === 0) {
    const text = forcedCall && response.text === '' ? JSON.stringify(object) : response.text;
    const message: AssistantMessage = {
      role: 'assistant',
      content: text.length > 0 ? text : null,
      ...(validated.length > 0 ? { toolCalls: validated } : {}),
      ...(response.reasoning.length > 0 ? { reasoning: response.reasoning } : {}),
      ...(response.message.providerMetadata !== undefined ? { providerMetadata: response.message.providerMetadata } : {}),
    };
    return {
      isValid: true,
      response: {
        ...response,
        text,
        toolCalls: validated,
        incompleteToolCalls: [],
        ...(hasObject ? { object } : {}),
        ...(forcedCall && validated.length === 0 && response.finishReason === 'tool-calls' ? { finishReason: 'stop' as const } : {}),
        message,
      },
    };
  }

  const repairMessages: Message[] = [];
  const assistant: AssistantMessage = {
    role: 'assistant',
    content: response.text.length > 0 ? response.text : null,
    ...(calls.length > 0 ? { toolCalls: calls } : {}),
    ...(response.reasoning.length > 0 ? { reasoning: response.reasoning } : {}),
    ...(response.message.providerMetadata !== undefined ? { providerMetadata: response.message.providerMetadata } : {}),
  };
  repairMessages.push(assistant);
  for (const call of calls) {
    const error = errorById.get(call.id);
    const subject = call === forcedCall ? 'object' : 'tool';
    repairMessages.push({
      role: 'tool',
      toolCallId: call.id,
      toolName: call.name,
      content: error ? formatRepairText(error, subject) : NOT_EXECUTED_TEXT,
      isError: true,
    });
  }
  if (textError) repairMessages.push({ role: 'user', content: formatRepairText(textError, 'object') });
  return { isValid: false, errors, repairMessages };
}
