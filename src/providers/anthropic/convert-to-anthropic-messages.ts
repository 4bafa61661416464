import type { AssistantMessage, ImagePart, Message, UserContentPart } from '../spec/index.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicToolResultBlock,
  AnthropicUserBlock,
} from './anthropic-wire-types.js';

/** The conversation in Messages API form: the system prompt apart, strictly alternating turns. */
export type AnthropicPrompt = {
  readonly system: string | undefined;
  readonly messages: AnthropicMessage[];
};

/**
 * Converts normalized messages to the Messages API shape:
 * - every system message is lifted to the top-level `system` (several are joined by a blank line);
 * - tool results become `tool_result` blocks in a user turn, placed before any other block of that
 *   turn, because Anthropic requires the results first in the turn after the `tool_use`;
 * - consecutive turns of the same role are merged into one (the API expects alternating roles),
 *   so several tool messages and a following user message share one user turn;
 * - assistant reasoning is replayed first and unchanged, but only when Anthropic wrote it
 *   (a signature from another vendor would be rejected).
 */
export function convertToAnthropicMessages(messages: readonly Message[]): AnthropicPrompt {
  let system: string | undefined;
  const turns: AnthropicMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    switch (message.role) {
      case 'system':
        system = system === undefined ? message.content : `${system}\n\n${message.content}`;
        break;
      case 'user':
        appendUserTurn(
          turns,
          typeof message.content === 'string' ? message.content : message.content.map((part, partIndex) => convertUserPart(part, index, partIndex)),
        );
        break;
      case 'assistant': {
        const blocks = convertAssistantMessage(message);
        if (blocks.length > 0) appendAssistantTurn(turns, blocks);
        break;
      }
      case 'tool':
        appendUserTurn(turns, [convertToolResult(message.toolCallId, message.content, message.isError)]);
        break;
    }
  }
  return { system, messages: turns };
}

function convertToolResult(toolCallId: string, content: unknown, isError: boolean | undefined): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = {
    type: 'tool_result',
    tool_use_id: toolCallId,
    content: typeof content === 'string' ? content : (JSON.stringify(content) ?? ''),
  };
  if (isError !== undefined) block.is_error = isError;
  return block;
}

function convertAssistantMessage(message: AssistantMessage): AnthropicAssistantBlock[] {
  const blocks: AnthropicAssistantBlock[] = [];
  if (message.reasoning) {
    for (const reasoning of message.reasoning) {
      if (reasoning.provider !== 'anthropic') continue;
      if (reasoning.redactedData !== undefined) blocks.push({ type: 'redacted_thinking', data: reasoning.redactedData });
      else if (reasoning.signature !== undefined) {
        blocks.push({ type: 'thinking', thinking: reasoning.text, signature: reasoning.signature });
      }
    }
  }
  // The API rejects empty text blocks.
  if (message.content) blocks.push({ type: 'text', text: message.content });
  if (message.toolCalls) {
    for (const call of message.toolCalls) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.args });
  }
  return blocks;
}

function convertUserPart(part: UserContentPart, messageIndex: number, partIndex: number): AnthropicUserBlock {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return convertImage(part, `messages.${messageIndex}.content.${partIndex}`);
}

function convertImage(part: ImagePart, field: string): AnthropicImageBlock {
  const { image } = part;
  if (typeof image !== 'string') {
    return { type: 'image', source: { type: 'base64', media_type: requireMediaType(part, field), data: Buffer.from(image).toString('base64') } };
  }
  if (image.startsWith('https://') || image.startsWith('http://')) return { type: 'image', source: { type: 'url', url: image } };
  if (image.startsWith('data:')) {
    // data:<media type>[;base64],<data>
    const comma = image.indexOf(',');
    const header = image.slice(5, comma === -1 ? undefined : comma);
    const isBase64 = header.endsWith(';base64');
    const mediaType = (isBase64 ? header.slice(0, -7) : header).split(';')[0] || part.mediaType;
    const payload = comma === -1 ? '' : image.slice(comma + 1);
    if (!mediaType) throw new InvalidArgumentError(`${field}.image`, `Expected \`${field}.image\` data URL to name its media type.`);
    return {
      type: 'image',
      source: {
        type: 'base64',
        media_type: mediaType,
        data: isBase64 ? payload : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64'),
      },
    };
  }
  return { type: 'image', source: { type: 'base64', media_type: requireMediaType(part, field), data: image } };
}

function requireMediaType(part: ImagePart, field: string): string {
  if (part.mediaType) return part.mediaType;
  throw new InvalidArgumentError(`${field}.mediaType`, `Expected \`${field}.mediaType\` for an image given as bytes or base64, got undefined.`);
}

function appendUserTurn(turns: AnthropicMessage[], content: string | AnthropicUserBlock[]): void {
  const last = turns[turns.length - 1];
  if (last?.role !== 'user') {
    turns.push({ role: 'user', content });
    return;
  }
  const blocks = toUserBlocks(last.content).concat(toUserBlocks(content));
  // Tool results must open the turn, in their original order, before any text or image.
  const results: AnthropicUserBlock[] = [];
  const others: AnthropicUserBlock[] = [];
  for (const block of blocks) (block.type === 'tool_result' ? results : others).push(block);
  last.content = results.length === 0 || others.length === 0 ? blocks : results.concat(others);
}

function appendAssistantTurn(turns: AnthropicMessage[], blocks: AnthropicAssistantBlock[]): void {
  const last = turns[turns.length - 1];
  if (last?.role === 'assistant') last.content.push(...blocks);
  else turns.push({ role: 'assistant', content: blocks });
}

function toUserBlocks(content: string | AnthropicUserBlock[]): AnthropicUserBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}
