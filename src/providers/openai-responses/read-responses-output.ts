import type { ReasoningPart } from '../spec/index.js';
import { OPENAI_PHASE, OPENAI_RESPONSE_ID, RESPONSES_REASONING_PROVIDER } from './convert-to-responses-input.js';
import type { ResponsesOutputItem } from './responses-wire-types.js';
import { OPENAI_ITEM_ID } from './streaming-tool-call-tracker.js';

/**
 * The reasoning parts of one `reasoning` item: one per summary part (the first carries
 * `encrypted_content` as its signature), or one empty part when nothing was summarized, so the
 * item (id and encrypted content) is still sent back on the next turn. OpenRouter's
 * `reasoning_text` content counts as summary text.
 */
export function readReasoningItem(item: ResponsesOutputItem): ReasoningPart[] {
  const texts: string[] = [];
  for (const part of item.summary ?? []) if (typeof part?.text === 'string') texts.push(part.text);
  if (texts.length === 0) {
    for (const part of item.content ?? []) if (part?.type === 'reasoning_text' && typeof part.text === 'string') texts.push(part.text);
  }
  if (texts.length === 0) texts.push('');
  const id = typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
  const signature = typeof item.encrypted_content === 'string' && item.encrypted_content !== '' ? item.encrypted_content : undefined;
  return texts.map((text, index) => ({
    type: 'reasoning',
    text,
    provider: RESPONSES_REASONING_PROVIDER,
    ...(index === 0 && signature !== undefined ? { signature } : {}),
    ...(id !== undefined ? { providerMetadata: { [OPENAI_ITEM_ID]: id } } : {}),
  }));
}

/** The text and refusal of one `message` item (`output_text` and `refusal` content parts). */
export function readMessageItem(item: ResponsesOutputItem): { text: string; refusal: string } {
  let text = '';
  let refusal = '';
  for (const part of item.content ?? []) {
    if (part?.type === 'output_text' && typeof part.text === 'string') text += part.text;
    else if (part?.type === 'refusal' && typeof part.refusal === 'string') refusal += part.refusal;
  }
  return { text, refusal };
}

/**
 * What the returned assistant message keeps for the next turn: the response id (for
 * `previous_response_id`) and the id and phase of the first message item (the API requires the
 * item that followed a reasoning item to come back with its id).
 */
export function messageMetadata(responseId: string | undefined, messageItem: ResponsesOutputItem | undefined): Record<string, unknown> | undefined {
  const metadata: Record<string, unknown> = {};
  if (responseId !== undefined) metadata[OPENAI_RESPONSE_ID] = responseId;
  if (typeof messageItem?.id === 'string' && messageItem.id !== '') metadata[OPENAI_ITEM_ID] = messageItem.id;
  if (typeof messageItem?.phase === 'string') metadata[OPENAI_PHASE] = messageItem.phase;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}
