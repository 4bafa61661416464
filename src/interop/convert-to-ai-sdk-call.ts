import type {
  LanguageModelV4CallOptions,
  LanguageModelV4FilePart,
  LanguageModelV4Message,
  LanguageModelV4ToolCallPart,
  LanguageModelV4ToolResultPart,
  SharedV4ProviderOptions,
} from '@ai-sdk/provider';
import type { ImagePart, Message, ProviderRequest, ToolMessage } from '../client/types.js';

/** What the wrapped model is: V3 models take file data untagged (`Uint8Array | string | URL`). */
export type AiSdkTarget = { readonly version: 'v3' | 'v4'; readonly kind: string; readonly signatureTag: string };

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

function convertImage(part: ImagePart, target: AiSdkTarget): LanguageModelV4FilePart {
  const image = part.image;
  let mediaType = part.mediaType ?? 'image';
  let data: LanguageModelV4FilePart['data'];
  if (typeof image !== 'string') data = { type: 'data', data: image };
  else if (image.startsWith('https:') || image.startsWith('http:')) data = { type: 'url', url: new URL(image) };
  else {
    const match = DATA_URL.exec(image);
    if (match) mediaType = match[1]!;
    data = { type: 'data', data: match ? match[2]! : image };
  }
  if (target.version === 'v3') {
    // V3 file parts take the bare value; the cast is the one place the two versions differ.
    const bare = data.type === 'url' ? data.url : (data as { data: Uint8Array | string }).data;
    return { type: 'file', mediaType, data: bare } as unknown as LanguageModelV4FilePart;
  }
  return { type: 'file', mediaType, data };
}

function toolResult(message: ToolMessage, toolName: string): LanguageModelV4ToolResultPart {
  const isError = message.isError === true;
  const output =
    typeof message.content === 'string'
      ? { type: isError ? ('error-text' as const) : ('text' as const), value: message.content }
      : { type: isError ? ('error-json' as const) : ('json' as const), value: (message.content ?? null) as never };
  return { type: 'tool-result', toolCallId: message.toolCallId, toolName, output };
}

/** Our messages as an AI SDK prompt; consecutive tool results form one tool message. */
function convertMessages(messages: readonly Message[], target: AiSdkTarget): LanguageModelV4Message[] {
  const prompt: LanguageModelV4Message[] = [];
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        prompt.push({ role: 'system', content: message.content });
        break;
      case 'user':
        prompt.push({
          role: 'user',
          content:
            typeof message.content === 'string'
              ? [{ type: 'text', text: message.content }]
              : message.content.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : convertImage(part, target))),
        });
        break;
      case 'assistant': {
        const content: Extract<LanguageModelV4Message, { role: 'assistant' }>['content'] = [];
        for (const part of message.reasoning ?? []) {
          // A signature is only replayed to the model that wrote it (it is that model's provider metadata).
          const providerOptions =
            part.provider === target.signatureTag && part.signature !== undefined ? (JSON.parse(part.signature) as SharedV4ProviderOptions) : undefined;
          if (part.text.length > 0 || providerOptions) content.push({ type: 'reasoning', text: part.text, ...(providerOptions ? { providerOptions } : {}) });
        }
        if (message.content) content.push({ type: 'text', text: message.content });
        for (const call of message.toolCalls ?? []) {
          toolNames.set(call.id, call.name);
          const part: LanguageModelV4ToolCallPart = { type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.args };
          if (call.providerMetadata) part.providerOptions = call.providerMetadata as SharedV4ProviderOptions;
          content.push(part);
        }
        prompt.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const part = toolResult(message, message.toolName ?? toolNames.get(message.toolCallId) ?? '');
        const last = prompt[prompt.length - 1];
        if (last?.role === 'tool') last.content.push(part);
        else prompt.push({ role: 'tool', content: [part] });
        break;
      }
    }
  }
  return prompt;
}

/**
 * Our request as the AI SDK's call options. Body fields for the wrapped model go in
 * `providerOptions[kind]` (`{ 'ai-sdk': { anthropic: { … } } }`) and are passed on as its
 * `providerOptions`.
 */
export function convertToAiSdkCall(request: ProviderRequest, target: AiSdkTarget): LanguageModelV4CallOptions {
  const format = request.responseFormat;
  const providerOptions = request.providerOptions?.[target.kind] as SharedV4ProviderOptions | undefined;
  const choice = request.toolChoice;
  return {
    prompt: convertMessages(request.messages, target),
    ...(request.maxTokens !== undefined ? { maxOutputTokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.stop !== undefined ? { stopSequences: typeof request.stop === 'string' ? [request.stop] : [...request.stop] } : {}),
    ...(format && format.type !== 'text'
      ? {
          responseFormat:
            format.type === 'json'
              ? { type: 'json' as const }
              : {
                  type: 'json' as const,
                  schema: format.schema as never,
                  ...(format.name !== undefined ? { name: format.name } : {}),
                  ...(format.description !== undefined ? { description: format.description } : {}),
                },
        }
      : {}),
    ...(request.tools
      ? {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            name: tool.name,
            inputSchema: tool.parameters as never,
            ...(tool.description !== undefined ? { description: tool.description } : {}),
            ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
          })),
        }
      : {}),
    ...(choice !== undefined ? { toolChoice: typeof choice === 'string' ? { type: choice } : { type: 'tool' as const, toolName: choice.name } } : {}),
    ...(providerOptions ? { providerOptions } : {}),
  };
}
