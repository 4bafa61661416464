import type { ChatResponse, FinishReason, Message, UserContentPart } from '../client/types.js';

/**
 * Prompt and answer content in the shapes of the GenAI conventions' `gen_ai.input.messages`,
 * `gen_ai.output.messages` and `gen_ai.system_instructions` (JSON strings). Only used when the
 * user opted in with `captureContent: true`. Image bytes are never recorded, only their type.
 */

type Part = Readonly<Record<string, unknown>>;

/** Our finish reasons as the conventions' output-message values. */
export function semconvFinishReason(reason: FinishReason): string {
  switch (reason) {
    case 'tool-calls':
      return 'tool_call';
    case 'content-filter':
      return 'content_filter';
    default:
      return reason;
  }
}

function userParts(content: string | readonly UserContentPart[]): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  return content.map((part) =>
    part.type === 'text'
      ? { type: 'text', content: part.text }
      : typeof part.image === 'string' && /^https?:/i.test(part.image)
        ? { type: 'uri', modality: 'image', uri: part.image }
        : { type: 'blob', modality: 'image', ...(part.mediaType !== undefined ? { mime_type: part.mediaType } : {}) },
  );
}

/** The system turns (`gen_ai.system_instructions`) and the rest (`gen_ai.input.messages`), as JSON. */
export function inputMessages(messages: readonly Message[]): { readonly system: string | undefined; readonly input: string } {
  const system: Part[] = [];
  const input: { role: string; parts: Part[] }[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push({ type: 'text', content: message.content });
        break;
      case 'user':
        input.push({ role: 'user', parts: userParts(message.content) });
        break;
      case 'assistant': {
        const parts: Part[] = [];
        if (typeof message.content === 'string' && message.content.length > 0) parts.push({ type: 'text', content: message.content });
        for (const call of message.toolCalls ?? []) parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: call.args });
        input.push({ role: 'assistant', parts });
        break;
      }
      case 'tool':
        input.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: message.toolCallId, response: message.content }] });
        break;
    }
  }
  return { system: system.length > 0 ? JSON.stringify(system) : undefined, input: JSON.stringify(input) };
}

/** The answer as `gen_ai.output.messages` JSON. */
export function outputMessages(response: ChatResponse): string {
  const parts: Part[] = [];
  if (response.text.length > 0) parts.push({ type: 'text', content: response.text });
  for (const call of response.toolCalls) parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: call.args });
  if (response.refusal !== undefined) parts.push({ type: 'refusal', content: response.refusal });
  return JSON.stringify([{ role: 'assistant', parts, finish_reason: semconvFinishReason(response.finishReason) }]);
}
