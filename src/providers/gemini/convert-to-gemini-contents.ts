import type { AssistantMessage, ImagePart, Message, UserContentPart } from '../spec/index.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import type { GeminiContent, GeminiRequestPart } from './gemini-wire-types.js';

/**
 * The documented value Gemini 3 accepts in place of a real `thoughtSignature` on a replayed
 * `functionCall` that did not come from Gemini (its validator would otherwise reject it with 400).
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/** The conversation in Gemini form. */
export type GeminiPrompt = {
  readonly systemInstruction: { readonly parts: { readonly text: string }[] } | undefined;
  readonly contents: GeminiContent[];
};

export type ConvertToGeminiContentsOptions = {
  /** The model the request goes to; Gemini 3 models need a signature on replayed calls. */
  readonly model: string;
};

/**
 * Converts normalized messages to Gemini `contents` with roles `user` and `model`:
 * - system messages, wherever they are, become `systemInstruction` parts, in order;
 * - assistant turns become `model` turns: Gemini-written reasoning first (as `thought` parts with
 *   their signatures), then the text, then one `functionCall` part per call carrying its
 *   `thoughtSignature`;
 * - consecutive tool messages become one `user` turn of `functionResponse` parts, matched to the
 *   call by id and name (the name is looked up from the call when the message has none).
 */
export function convertToGeminiContents(messages: readonly Message[], options: ConvertToGeminiContentsOptions): GeminiPrompt {
  const systemParts: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const needsSignature = isGemini3(options.model);
  let toolTurn: GeminiContent | undefined;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role !== 'tool') toolTurn = undefined;
    switch (message.role) {
      case 'system':
        systemParts.push({ text: message.content });
        break;
      case 'user':
        contents.push({
          role: 'user',
          parts:
            typeof message.content === 'string'
              ? [{ text: message.content }]
              : message.content.map((part, partIndex) => convertUserPart(part, `messages.${index}.content.${partIndex}`)),
        });
        break;
      case 'assistant': {
        for (const call of message.toolCalls ?? []) toolNames.set(call.id, call.name);
        const parts = convertAssistantMessage(message, needsSignature);
        if (parts.length > 0) contents.push({ role: 'model', parts });
        break;
      }
      case 'tool': {
        const name = message.toolName ?? toolNames.get(message.toolCallId);
        if (name === undefined) {
          throw new InvalidArgumentError(
            `messages.${index}.toolName`,
            `Expected \`messages.${index}.toolName\` or an earlier assistant call with id \`${message.toolCallId}\`: Gemini needs the tool name of every result.`,
          );
        }
        const part: GeminiRequestPart = {
          functionResponse: { name, id: message.toolCallId, response: toFunctionResponse(message.content, message.isError) },
        };
        if (toolTurn) toolTurn.parts.push(part);
        else {
          toolTurn = { role: 'user', parts: [part] };
          contents.push(toolTurn);
        }
        break;
      }
    }
  }
  return { systemInstruction: systemParts.length > 0 ? { parts: systemParts } : undefined, contents };
}

/** Whether the model validates thought signatures on replayed function calls. */
function isGemini3(model: string): boolean {
  const name = model.startsWith('models/') ? model.slice(7) : model;
  return name.startsWith('gemini-3');
}

/**
 * `functionResponse.response` must be a JSON object: an object result goes as it is, anything
 * else is wrapped as `{ return_value: … }` (what pydantic-ai sends), an error as `{ error: … }`.
 */
function toFunctionResponse(content: unknown, isError: boolean | undefined): unknown {
  if (isError) return { error: content ?? null };
  if (typeof content === 'object' && content !== null && !Array.isArray(content)) return content;
  return { return_value: content ?? null };
}

function convertAssistantMessage(message: AssistantMessage, needsSignature: boolean): GeminiRequestPart[] {
  const parts: GeminiRequestPart[] = [];
  for (const reasoning of message.reasoning ?? []) {
    // Signatures are opaque to every other vendor; only reasoning Gemini wrote goes back.
    if (reasoning.provider !== 'gemini') continue;
    if (reasoning.text === '') {
      if (reasoning.signature !== undefined) parts.push({ text: '', thoughtSignature: reasoning.signature });
    } else {
      parts.push(
        reasoning.signature === undefined
          ? { text: reasoning.text, thought: true }
          : { text: reasoning.text, thought: true, thoughtSignature: reasoning.signature },
      );
    }
  }
  if (message.content) parts.push({ text: message.content });
  const calls = message.toolCalls ?? [];
  // Gemini 3 validates only the first call of a turn; Gemini itself signs only that one for
  // parallel calls. A turn with no signature at all came from another vendor (or Gemini 2).
  const isUnsigned = needsSignature && !calls.some((call) => typeof call.providerMetadata?.thoughtSignature === 'string');
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index]!;
    const recorded = call.providerMetadata?.thoughtSignature;
    const signature = typeof recorded === 'string' ? recorded : isUnsigned && index === 0 ? SKIP_THOUGHT_SIGNATURE : undefined;
    const functionCall = { name: call.name, args: call.args, id: call.id };
    parts.push(signature === undefined ? { functionCall } : { functionCall, thoughtSignature: signature });
  }
  return parts;
}

function convertUserPart(part: UserContentPart, field: string): GeminiRequestPart {
  if (part.type === 'text') return { text: part.text };
  return convertImagePart(part, field);
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,/;

function convertImagePart(part: ImagePart, field: string): GeminiRequestPart {
  const { image, mediaType } = part;
  if (typeof image !== 'string') {
    if (mediaType === undefined) throw missingMediaType(field);
    return { inlineData: { mimeType: mediaType, data: Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString('base64') } };
  }
  if (image.startsWith('data:')) {
    const match = DATA_URL.exec(image);
    if (!match) {
      throw new InvalidArgumentError(field, `Expected \`${field}.image\` to be a base64 \`data:\` URL.`);
    }
    return { inlineData: { mimeType: mediaType ?? match[1]!, data: image.slice(match[0].length) } };
  }
  if (image.startsWith('https://') || image.startsWith('http://')) {
    return { fileData: mediaType === undefined ? { fileUri: image } : { fileUri: image, mimeType: mediaType } };
  }
  if (mediaType === undefined) throw missingMediaType(field);
  return { inlineData: { mimeType: mediaType, data: image } };
}

function missingMediaType(field: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${field}.mediaType`,
    `Expected \`${field}.mediaType\` (e.g. \`image/png\`) for an image given as bytes or base64.`,
  );
}
