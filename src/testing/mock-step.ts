import type { FinishReason, Message, ProviderRequest, ProviderStreamPart, Usage } from '../client/types.js';
import { errorFromHttp } from '../errors/error-from-http.js';
import { InvalidResponseError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import { estimateTokens, splitText } from './split-text.js';

/** A tool call a scripted step makes. Give `args` (an object) or `argsText` (raw JSON text, may be invalid). */
export type MockToolCall = {
  readonly name: string;
  readonly args?: Readonly<Record<string, unknown>>;
  /** Raw argument text; text that is not a JSON object is reported as `tool-call-incomplete`. */
  readonly argsText?: string;
  /** @default `call_mock_<call>_<index>` */
  readonly id?: string;
};

/** An error to raise: an error instance as it is, or the fields of a vendor error reply (mapped by `errorFromHttp`). */
export type MockError =
  | ResilientLLMError
  | {
      readonly status: number;
      readonly message: string;
      readonly retryAfterMs?: number;
      readonly providerCode?: string;
    };

/**
 * One scripted answer of `mockProvider`. Content fields (`reasoning`, `text`, `toolCalls`) or raw
 * `stream` parts are streamed in that order; `error` alone rejects the call before any output
 * (like an HTTP error), and `error` with content is thrown after the content (an in-band error).
 */
export type MockStep = {
  readonly text?: string;
  /** How `text` is split into deltas: explicit strings (joined when `text` is omitted) or a size in characters. @default one delta per word */
  readonly chunks?: readonly string[] | number;
  readonly reasoning?: string;
  readonly toolCalls?: readonly MockToolCall[];
  /** Raw parts to yield instead of the content fields. Leave out the `finish` part to simulate a cut stream. */
  readonly stream?: readonly ProviderStreamPart[];
  readonly error?: MockError;
  /** Overrides the estimated usage (input: message characters / 4, output: generated characters / 4). */
  readonly usage?: Partial<Usage>;
  /** @default 'tool-calls' when the step has tool calls, else 'stop' */
  readonly finishReason?: FinishReason;
  /** The model name reported back. @default the requested model */
  readonly model?: string;
  /** Delay before the call is accepted (before `doStream` resolves). @default 0 */
  readonly delayMs?: number;
  /** Delay before the first content part. @default 0 */
  readonly firstTokenDelayMs?: number;
  /** Delay before every later content part. @default 0 */
  readonly chunkDelayMs?: number;
};

function messageText(message: Message): string {
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part: { type?: string; text?: unknown }) => (part.type === 'text' ? String(part.text) : '')).join('');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** Estimated input tokens of a request: all message text / 4, rounded up. */
export function estimateInputTokens(request: ProviderRequest): number {
  let characters = 0;
  for (const message of request.messages) characters += messageText(message).length;
  return Math.ceil(characters / 4);
}

/** Maps a `MockError` to the error to throw. */
export function toMockError(error: MockError, model: string, hasEmittedOutput?: boolean): ResilientLLMError {
  if (error instanceof ResilientLLMError) return error;
  return errorFromHttp({
    status: error.status,
    message: error.message,
    provider: 'mock',
    model,
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.providerCode !== undefined ? { providerCode: error.providerCode } : {}),
    ...(hasEmittedOutput !== undefined ? { hasEmittedOutput } : {}),
  });
}

function parseArgs(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The parts a content step streams, in order, ending with `finish`. */
export function partsForStep(step: MockStep, request: ProviderRequest, callIndex: number): ProviderStreamPart[] {
  if (step.stream) return [...step.stream];
  const model = step.model ?? request.model;
  const parts: ProviderStreamPart[] = [
    { type: 'response-metadata', model, requestId: `mock-request-${callIndex}`, responseId: `mock-response-${callIndex}` },
  ];
  let generated = '';
  if (step.reasoning) {
    for (const text of splitText(step.reasoning)) parts.push({ type: 'reasoning-delta', text });
    parts.push({ type: 'reasoning-part', reasoning: { type: 'reasoning', text: step.reasoning, provider: 'mock' } });
    generated += step.reasoning;
  }
  const chunks = Array.isArray(step.chunks) ? (step.chunks as readonly string[]) : undefined;
  const text = step.text ?? chunks?.join('') ?? '';
  const deltas = chunks ?? splitText(text, typeof step.chunks === 'number' ? step.chunks : undefined);
  for (const delta of deltas) parts.push({ type: 'text-delta', text: delta });
  generated += text;
  const toolCalls = step.toolCalls ?? [];
  toolCalls.forEach((call, index) => {
    const id = call.id ?? `call_mock_${callIndex}_${index}`;
    const argsText = call.argsText ?? JSON.stringify(call.args ?? {});
    for (const argsTextDelta of splitText(argsText, 16)) {
      parts.push({ type: 'tool-call-delta', index, id, name: call.name, argsTextDelta });
    }
    const args = parseArgs(argsText);
    parts.push(
      args && step.finishReason !== 'length'
        ? { type: 'tool-call', toolCall: { id, name: call.name, args } }
        : { type: 'tool-call-incomplete', toolCall: { id, name: call.name, argsText } },
    );
    generated += argsText;
  });
  const inputTokens = step.usage?.inputTokens ?? estimateInputTokens(request);
  const reasoningTokens = step.usage?.reasoningTokens ?? (step.reasoning ? estimateTokens(step.reasoning) : undefined);
  const outputTokens = step.usage?.outputTokens ?? estimateTokens(generated);
  const usage: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: step.usage?.totalTokens ?? inputTokens + outputTokens,
    ...(step.usage?.cachedInputTokens !== undefined ? { cachedInputTokens: step.usage.cachedInputTokens } : {}),
    ...(reasoningTokens !== undefined ? { reasoningTokens } : {}),
  };
  parts.push({ type: 'finish', finishReason: step.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop'), usage });
  return parts;
}

/** Whether a part carries model output (the parts that first-token and chunk delays apply to). */
export function isContentPart(part: ProviderStreamPart): boolean {
  return part.type !== 'response-metadata' && part.type !== 'finish';
}

/** The error a stream without a `finish` part ends with, as a real adapter would throw it. */
export function missingFinishError(model: string, hasEmittedOutput: boolean): InvalidResponseError {
  return new InvalidResponseError('stream ended without a finish part', { provider: 'mock', model, hasEmittedOutput });
}

/** Whether the step streams anything (as opposed to an `error`-only step, which rejects up front). */
export function hasContent(step: MockStep): boolean {
  return (
    step.stream !== undefined ||
    step.text !== undefined ||
    step.chunks !== undefined ||
    step.reasoning !== undefined ||
    step.toolCalls !== undefined
  );
}
