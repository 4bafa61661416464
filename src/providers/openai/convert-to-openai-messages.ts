import type { ImagePart, Message, ToolCall, UserContentPart } from '../spec/index.js';
import { InvalidArgumentError } from '../../errors/errors.js';

/** One Chat Completions message as sent on the wire. */
export type OpenAIMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly OpenAIUserContentPart[] }
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly OpenAIToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string };

export type OpenAIUserContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

export type OpenAIToolCall = {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
};

/** Chat Completions has no error flag on tool results; this prefix tells the model it failed. */
export const TOOL_ERROR_PREFIX = 'Error: ';

function isUrl(image: string): boolean {
  return image.startsWith('https:') || image.startsWith('http:') || image.startsWith('data:');
}

function convertImage(part: ImagePart, field: string): OpenAIUserContentPart {
  if (typeof part.image === 'string' && isUrl(part.image)) return { type: 'image_url', image_url: { url: part.image } };
  if (part.mediaType === undefined || part.mediaType === '') {
    throw new InvalidArgumentError(
      `${field}.mediaType`,
      `Expected \`${field}.mediaType\` to be set for an image given as bytes or base64, got undefined.`,
    );
  }
  const base64 = typeof part.image === 'string' ? part.image : Buffer.from(part.image).toString('base64');
  return { type: 'image_url', image_url: { url: `data:${part.mediaType};base64,${base64}` } };
}

function convertUserContent(
  content: string | readonly UserContentPart[],
  field: string,
): string | readonly OpenAIUserContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part, index) =>
    part.type === 'text' ? { type: 'text', text: part.text } : convertImage(part, `${field}.${index}`),
  );
}

function convertToolCall(call: ToolCall): OpenAIToolCall {
  // A call whose arguments were not valid JSON is replayed as the model sent it, so a repair
  // turn shows the model its own mistake.
  return {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.argsText ?? JSON.stringify(call.args) },
  };
}

function serializeToolResult(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === undefined) return '';
  return JSON.stringify(content);
}

/**
 * Converts normalized messages to Chat Completions messages: system stays `system`; user image
 * parts become `image_url` (bytes and base64 as `data:` URLs); assistant tool calls carry their
 * arguments as a JSON string; each tool result is its own `tool` message with JSON-serialized
 * content, prefixed with `Error: ` when `isError` is set. Assistant reasoning is not sent (Chat
 * Completions has no field for it).
 */
export function convertToOpenAIMessages(messages: readonly Message[]): OpenAIMessage[] {
  const converted: OpenAIMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as Message;
    switch (message.role) {
      case 'system':
        converted.push({ role: 'system', content: message.content });
        break;
      case 'user':
        converted.push({ role: 'user', content: convertUserContent(message.content, `messages.${index}.content`) });
        break;
      case 'assistant': {
        const content = message.content === undefined || message.content === '' ? null : message.content;
        const toolCalls = message.toolCalls;
        converted.push(
          toolCalls && toolCalls.length > 0
            ? { role: 'assistant', content, tool_calls: toolCalls.map(convertToolCall) }
            : { role: 'assistant', content: content ?? '' },
        );
        break;
      }
      case 'tool': {
        const text = serializeToolResult(message.content);
        converted.push({
          role: 'tool',
          tool_call_id: message.toolCallId,
          content: message.isError ? `${TOOL_ERROR_PREFIX}${text}` : text,
        });
        break;
      }
    }
  }
  return converted;
}
