import type { AssistantMessage, CacheControl, ImagePart, Message, UserContentPart } from '../spec/index.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import type {
  AnthropicAssistantBlock,
  AnthropicCacheControl,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicUserBlock,
} from './anthropic-wire-types.js';

/** The conversation in Messages API form: the system prompt apart, strictly alternating turns. */
export type AnthropicPrompt = {
  /** A string, or text blocks when a system message carries `cacheControl`. */
  readonly system: string | AnthropicTextBlock[] | undefined;
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
 *   (a signature from another vendor would be rejected);
 * - a message's `cacheControl` becomes `cache_control` on its last block (a string is turned into
 *   a text block to carry it; thinking blocks cannot carry one), so the prompt up to it is cached.
 */
export function convertToAnthropicMessages(messages: readonly Message[]): AnthropicPrompt {
  let system: string | undefined;
  let hasSystemMarker = false;
  const turns: AnthropicMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    switch (message.role) {
      case 'system':
        system = system === undefined ? message.content : `${system}\n\n${message.content}`;
        if (message.cacheControl !== undefined) hasSystemMarker = true;
        break;
      case 'user': {
        const content =
          typeof message.content === 'string' ? message.content : message.content.map((part, partIndex) => convertUserPart(part, index, partIndex));
        appendUserTurn(turns, message.cacheControl ? markLast(toUserBlocks(content), message.cacheControl) : content);
        break;
      }
      case 'assistant': {
        const blocks = convertAssistantMessage(message);
        if (blocks.length > 0) appendAssistantTurn(turns, markLast(blocks, message.cacheControl));
        break;
      }
      case 'tool':
        appendUserTurn(turns, markLast([convertToolResult(message.toolCallId, message.content, message.isError)], message.cacheControl));
        break;
    }
  }
  return { system: hasSystemMarker ? systemBlocksOf(messages) : system, messages: turns };
}

/** One text block per system message, each carrying its own cache marker. */
function systemBlocksOf(messages: readonly Message[]): AnthropicTextBlock[] {
  const blocks: AnthropicTextBlock[] = [];
  for (const message of messages) {
    if (message.role === 'system') blocks.push(markLast<AnthropicTextBlock>([{ type: 'text', text: message.content }], message.cacheControl)[0]!);
  }
  return blocks;
}

/** The wire form of a cache marker: the 5-minute TTL is the API's default and is not spelled out. */
export function toAnthropicCacheControl(cacheControl: CacheControl): AnthropicCacheControl {
  return cacheControl.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
}

/** Sets `cache_control` on the last block that can carry one (not thinking); returns `blocks`. */
function markLast<Block extends { type: string; cache_control?: AnthropicCacheControl }>(blocks: Block[], cacheControl: CacheControl | undefined): Block[] {
  if (cacheControl === undefined) return blocks;
  for (let index = blocks.length - 1; index >= 0; index--) {
    const block = blocks[index]!;
    if (block.type === 'thinking' || block.type === 'redacted_thinking') continue;
    block.cache_control = toAnthropicCacheControl(cacheControl);
    break;
  }
  return blocks;
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
