import type { LanguageModelV4FilePart, LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from '@ai-sdk/provider';
import type { AssistantMessage, Message, ReasoningPart, ToolCall, UserContentPart } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { METADATA_KEY } from './metadata-key.js';

type Options = Readonly<Record<string, unknown>> | undefined;

/** Our own entry in a part's `providerOptions` (what our stream put in its `providerMetadata`). */
function ours(providerOptions: Options): Record<string, unknown> | undefined {
  const entry = providerOptions?.[METADATA_KEY];
  return typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : undefined;
}

function isDiscarded(providerOptions: Options): boolean {
  return ours(providerOptions)?.discarded === true;
}

/** An AI SDK file part as our image part (or text, for inline text files). */
function convertFile(part: LanguageModelV4FilePart, path: string): UserContentPart {
  const data = part.data;
  if (data.type === 'text') return { type: 'text', text: data.text };
  if (!part.mediaType.startsWith('image')) {
    throw new InvalidArgumentError(path, `Expected an image or a text file, got media type ${JSON.stringify(part.mediaType)}.`);
  }
  if (data.type === 'url') return { type: 'image', image: data.url.toString() };
  if (data.type === 'data') {
    if (!part.mediaType.includes('/') || part.mediaType.endsWith('/*')) {
      throw new InvalidArgumentError(path, `Expected a full image media type (e.g. "image/png") with image data, got ${JSON.stringify(part.mediaType)}.`);
    }
    return { type: 'image', image: data.data, mediaType: part.mediaType };
  }
  throw new InvalidArgumentError(path, 'Expected image data or a URL; provider file references are not supported.');
}

/** A tool result as our tool message's content and error flag. */
function convertToolOutput(output: LanguageModelV4ToolResultOutput): { content: unknown; isError: boolean } {
  switch (output.type) {
    case 'text':
    case 'json':
      return { content: output.value, isError: false };
    case 'error-text':
    case 'error-json':
      return { content: output.value, isError: true };
    case 'execution-denied':
      return { content: output.reason ?? 'The tool call was denied.', isError: true };
    case 'content': {
      const isText = output.value.every((item) => item.type === 'text');
      return { content: isText ? output.value.map((item) => (item as { text: string }).text).join('') : output.value, isError: false };
    }
  }
}

function convertAssistant(content: Extract<LanguageModelV4Prompt[number], { role: 'assistant' }>['content']): AssistantMessage {
  let text = '';
  const reasoning: ReasoningPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const part of content) {
    // Text and reasoning our stream marked discarded (a restarted answer) never go back to a model.
    if (part.type === 'text') {
      if (!isDiscarded(part.providerOptions)) text += part.text;
    } else if (part.type === 'reasoning') {
      if (isDiscarded(part.providerOptions)) continue;
      const entry = ours(part.providerOptions);
      reasoning.push({
        type: 'reasoning',
        text: part.text,
        ...(typeof entry?.signature === 'string' ? { signature: entry.signature } : {}),
        ...(typeof entry?.redactedData === 'string' ? { redactedData: entry.redactedData } : {}),
        ...(typeof entry?.provider === 'string' ? { provider: entry.provider } : {}),
      });
    } else if (part.type === 'tool-call' && part.providerExecuted !== true) {
      const input = part.input;
      const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
      const metadata = ours(part.providerOptions)?.toolCall;
      toolCalls.push({
        id: part.toolCallId,
        name: part.toolName,
        args: isObject ? (input as Record<string, unknown>) : {},
        ...(isObject ? {} : { argsText: typeof input === 'string' ? input : JSON.stringify(input) }),
        ...(typeof metadata === 'object' && metadata !== null ? { providerMetadata: metadata as Record<string, unknown> } : {}),
      });
    }
    // Files, custom parts (our reset marker) and provider-executed tool results have no place in our messages.
  }
  return {
    role: 'assistant',
    content: text,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(reasoning.length > 0 ? { reasoning } : {}),
  };
}

/** The AI SDK's prompt as our messages: system, user text and images, assistant turns with tool calls, tool results. */
export function convertFromAiSdkPrompt(prompt: LanguageModelV4Prompt): Message[] {
  const messages: Message[] = [];
  prompt.forEach((message, index) => {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user':
        messages.push({
          role: 'user',
          content: message.content.map((part, partIndex) =>
            part.type === 'text' ? { type: 'text', text: part.text } : convertFile(part, `prompt.${index}.content.${partIndex}`),
          ),
        });
        break;
      case 'assistant':
        messages.push(convertAssistant(message.content));
        break;
      case 'tool':
        for (const part of message.content) {
          if (part.type !== 'tool-result') continue;
          const { content, isError } = convertToolOutput(part.output);
          messages.push({ role: 'tool', toolCallId: part.toolCallId, toolName: part.toolName, content, ...(isError ? { isError } : {}) });
        }
        break;
    }
  });
  return messages;
}
