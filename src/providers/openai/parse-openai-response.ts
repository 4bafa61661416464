import type { GenerateResult, IncompleteToolCall, ReasoningPart, ToolCall } from '../spec/index.js';
import { InvalidResponseError } from '../../errors/errors.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import { openAIInBandError, readOpenAIErrorObject, type OpenAIErrorContext } from './parse-openai-error.js';
import { parseToolArguments } from './parse-tool-arguments.js';

type WireToolCall = {
  readonly id?: unknown;
  readonly function?: { readonly name?: unknown; readonly arguments?: unknown } | null;
};

type WireMessage = {
  readonly content?: unknown;
  readonly refusal?: unknown;
  readonly reasoning_content?: unknown;
  readonly reasoning?: unknown;
  readonly tool_calls?: readonly WireToolCall[] | null;
  readonly function_call?: { readonly name?: unknown; readonly arguments?: unknown } | null;
};

type WireChoice = { readonly index?: unknown; readonly message?: WireMessage | null; readonly finish_reason?: unknown };

/** Reads message content: a string, or (some gateways) an array of `{type:'text', text}` parts. */
export function readOpenAIContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as unknown[]) {
    const partText = (part as { text?: unknown } | null)?.text;
    if (typeof partText === 'string') text += partText;
  }
  return text;
}

/** Reasoning text that OpenAI-compatible servers put beside the answer (DeepSeek, vLLM, OpenRouter). */
export function readOpenAIReasoning(message: { readonly reasoning_content?: unknown; readonly reasoning?: unknown }): string {
  if (typeof message.reasoning_content === 'string') return message.reasoning_content;
  if (typeof message.reasoning === 'string') return message.reasoning;
  return '';
}

/** Sorts assembled calls into complete calls and calls that `max_tokens` cut off. */
export function finishToolCalls(
  calls: readonly { readonly id: string; readonly name: string; readonly argsText: string }[],
  isCutByLength: boolean,
): { toolCalls: ToolCall[]; incompleteToolCalls: IncompleteToolCall[] } {
  const toolCalls: ToolCall[] = [];
  const incompleteToolCalls: IncompleteToolCall[] = [];
  for (const call of calls) {
    const parsed = parseToolArguments(call.argsText);
    if (parsed.isValid) toolCalls.push({ id: call.id, name: call.name, args: parsed.args });
    else if (isCutByLength) incompleteToolCalls.push({ id: call.id, name: call.name, argsText: call.argsText });
    else toolCalls.push({ id: call.id, name: call.name, args: parsed.args, argsText: parsed.argsText });
  }
  return { toolCalls, incompleteToolCalls };
}

function collectToolCalls(message: WireMessage): { id: string; name: string; argsText: string }[] {
  const calls: { id: string; name: string; argsText: string }[] = [];
  const wireCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (let index = 0; index < wireCalls.length; index++) {
    const call = wireCalls[index] as WireToolCall;
    const name = call.function?.name;
    const args = call.function?.arguments;
    calls.push({
      id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}`,
      name: typeof name === 'string' ? name : '',
      argsText: typeof args === 'string' ? args : args === undefined || args === null ? '' : JSON.stringify(args),
    });
  }
  // The deprecated single `function_call` of older models and gateways.
  if (calls.length === 0 && message.function_call && typeof message.function_call.name === 'string') {
    const args = message.function_call.arguments;
    calls.push({ id: 'call_0', name: message.function_call.name, argsText: typeof args === 'string' ? args : '' });
  }
  return calls;
}

/**
 * Parses a non-streaming Chat Completions body. Reads choice 0 only. A 200 body that carries an
 * error envelope becomes the typed error; a body that is not a completion is an
 * `InvalidResponseError`.
 */
export function parseOpenAIResponse(
  bodyText: string,
  context: OpenAIErrorContext,
  requestId: string | undefined,
): GenerateResult {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    throw new InvalidResponseError('response body is not JSON', { ...context, cause: error, ...(requestId ? { requestId } : {}) });
  }
  const inBandError = readOpenAIErrorObject(body);
  if (inBandError) throw openAIInBandError(inBandError, context, { requestId, hasEmittedOutput: false });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidResponseError('response body is not a JSON object', { ...context, ...(requestId ? { requestId } : {}) });
  }
  const wire = body as { id?: unknown; model?: unknown; choices?: unknown; usage?: unknown };
  const choices = Array.isArray(wire.choices) ? (wire.choices as WireChoice[]) : [];
  let choice: WireChoice | undefined;
  for (const candidate of choices) {
    if (candidate.index === 0 || candidate.index === undefined) {
      choice = candidate;
      break;
    }
  }
  choice ??= choices[0];
  if (!choice || typeof choice.message !== 'object' || choice.message === null) {
    throw new InvalidResponseError('response has no choices[0].message', { ...context, ...(requestId ? { requestId } : {}) });
  }
  const message = choice.message;
  const rawFinishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined;
  const hasToolCalls = (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) || Boolean(message.function_call);
  const { toolCalls, incompleteToolCalls } = hasToolCalls ? finishToolCalls(collectToolCalls(message), rawFinishReason === 'length') : { toolCalls: [], incompleteToolCalls: [] };
  const reasoningText = readOpenAIReasoning(message);
  const reasoning: ReasoningPart[] = reasoningText ? [{ type: 'reasoning', text: reasoningText }] : [];
  // Optional fields are set one by one (same order as before), not spread from temporary objects: this runs on every call.
  const result: Mutable<GenerateResult> = { text: readOpenAIContent(message.content), reasoning, toolCalls };
  if (incompleteToolCalls.length > 0) result.incompleteToolCalls = incompleteToolCalls;
  if (typeof message.refusal === 'string' && message.refusal !== '') result.refusal = message.refusal;
  result.finishReason = mapOpenAIFinishReason(rawFinishReason);
  if (rawFinishReason !== undefined) result.rawFinishReason = rawFinishReason;
  result.usage = mapOpenAIUsage(wire.usage);
  if (typeof wire.model === 'string' && wire.model !== '') result.model = wire.model;
  if (requestId !== undefined) result.requestId = requestId;
  if (typeof wire.id === 'string' && wire.id !== '') result.responseId = wire.id;
  return result as GenerateResult;
}

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };
