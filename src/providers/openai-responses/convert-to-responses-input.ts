import type { AssistantMessage, ImagePart, Message, ReasoningPart, UserContentPart } from '../spec/index.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import { TOOL_ERROR_PREFIX } from '../openai/convert-to-openai-messages.js';
import { OPENAI_ITEM_ID } from './streaming-tool-call-tracker.js';

/** The vendor tag on reasoning this adapter wrote; only such reasoning is sent back. */
export const RESPONSES_REASONING_PROVIDER = 'openai-responses';
/** Keys of `AssistantMessage.providerMetadata` written by this adapter. */
export const OPENAI_RESPONSE_ID = 'openaiResponseId';
export const OPENAI_PHASE = 'openaiPhase';

/** One `input` item as sent on the wire. */
export type ResponsesInputItem = Readonly<Record<string, unknown>>;

/** The conversation in Responses form: system messages as `instructions`, the rest as `input` items. */
export type ResponsesInput = {
  readonly instructions: string | undefined;
  readonly input: ResponsesInputItem[];
  /** Set when `usePreviousResponseId` found an earlier answer to continue from. */
  readonly previousResponseId: string | undefined;
};

/**
 * Converts normalized messages to Responses `input` items:
 * - system messages are joined (blank line) into `instructions`;
 * - user text stays a string; parts become `input_text` / `input_image` (bytes and base64 as `data:` URLs);
 * - an assistant turn replays, in the order the API produced them, its reasoning items (only those
 *   this adapter wrote: `{type:'reasoning', id, encrypted_content, summary}`), its message (with
 *   the item id and phase it came with, which the API requires after a reasoning item), and its
 *   `function_call` items (with their `fc_…` ids when known);
 * - a tool result is a `function_call_output`, prefixed `Error: ` when `isError`.
 * With `usePreviousResponseId`, everything up to the last assistant turn that carries a response
 * id is left out and that id is returned, for `previous_response_id`.
 */
export function convertToResponsesInput(messages: readonly Message[], usePreviousResponseId: boolean): ResponsesInput {
  let start = 0;
  let previousResponseId: string | undefined;
  if (usePreviousResponseId) {
    for (let index = messages.length - 1; index >= 0; index--) {
      const message = messages[index]!;
      const responseId = message.role === 'assistant' ? message.providerMetadata?.[OPENAI_RESPONSE_ID] : undefined;
      if (typeof responseId === 'string' && responseId !== '') {
        previousResponseId = responseId;
        start = index + 1;
        break;
      }
    }
  }
  let instructions: string | undefined;
  const input: ResponsesInputItem[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role === 'system') {
      // Instructions are not carried over by previous_response_id: always sent.
      instructions = instructions === undefined ? message.content : `${instructions}\n\n${message.content}`;
      continue;
    }
    if (index < start) continue;
    switch (message.role) {
      case 'user':
        input.push({
          role: 'user',
          content:
            typeof message.content === 'string'
              ? message.content
              : message.content.map((part, partIndex) => convertUserPart(part, `messages.${index}.content.${partIndex}`)),
        });
        break;
      case 'assistant':
        appendAssistant(input, message);
        break;
      case 'tool': {
        const text = typeof message.content === 'string' ? message.content : (JSON.stringify(message.content) ?? '');
        input.push({ type: 'function_call_output', call_id: message.toolCallId, output: message.isError ? `${TOOL_ERROR_PREFIX}${text}` : text });
        break;
      }
    }
  }
  return { instructions, input, previousResponseId };
}

function appendAssistant(input: ResponsesInputItem[], message: AssistantMessage): void {
  appendReasoning(input, message.reasoning ?? []);
  const metadata = message.providerMetadata;
  const itemId = metadata?.[OPENAI_ITEM_ID];
  if (message.content) {
    if (typeof itemId === 'string' && itemId !== '') {
      const item: Record<string, unknown> = {
        type: 'message',
        id: itemId,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: message.content, annotations: [] }],
      };
      if (typeof metadata?.[OPENAI_PHASE] === 'string') item.phase = metadata[OPENAI_PHASE];
      input.push(item);
    } else {
      input.push({ role: 'assistant', content: message.content });
    }
  }
  for (const call of message.toolCalls ?? []) {
    const item: Record<string, unknown> = {
      type: 'function_call',
      call_id: call.id,
      name: call.name,
      // Arguments that were not valid JSON are replayed as sent, so a repair turn shows the mistake.
      arguments: call.argsText ?? JSON.stringify(call.args),
    };
    const callItemId = call.providerMetadata?.[OPENAI_ITEM_ID];
    if (typeof callItemId === 'string' && callItemId !== '') item.id = callItemId;
    input.push(item);
  }
}

/** Consecutive parts of one reasoning item (one per summary part) become one item again. */
function appendReasoning(input: ResponsesInputItem[], reasoning: readonly ReasoningPart[]): void {
  let current: { type: 'reasoning'; id: string; summary: { type: 'summary_text'; text: string }[]; encrypted_content?: string } | undefined;
  for (const part of reasoning) {
    if (part.provider !== RESPONSES_REASONING_PROVIDER) continue;
    const id = part.providerMetadata?.[OPENAI_ITEM_ID];
    if (typeof id !== 'string' || id === '') continue;
    if (current?.id !== id) {
      current = { type: 'reasoning', id, summary: [] };
      input.push(current);
    }
    if (part.text !== '') current.summary.push({ type: 'summary_text', text: part.text });
    if (part.signature !== undefined && current.encrypted_content === undefined) current.encrypted_content = part.signature;
  }
}

function convertUserPart(part: UserContentPart, field: string): Record<string, unknown> {
  if (part.type === 'text') return { type: 'input_text', text: part.text };
  return { type: 'input_image', image_url: imageUrl(part, field) };
}

function imageUrl(part: ImagePart, field: string): string {
  const { image } = part;
  if (typeof image === 'string' && (image.startsWith('https:') || image.startsWith('http:') || image.startsWith('data:'))) return image;
  if (!part.mediaType) {
    throw new InvalidArgumentError(`${field}.mediaType`, `Expected \`${field}.mediaType\` to be set for an image given as bytes or base64, got undefined.`);
  }
  const base64 = typeof image === 'string' ? image : Buffer.from(image).toString('base64');
  return `data:${part.mediaType};base64,${base64}`;
}
