import type { ReasoningPart } from './reasoning-part.js';
import type { ToolCall } from './tool-call.js';

export type TextPart = { readonly type: 'text'; readonly text: string };

/**
 * An image in a user turn: an `https:` URL, a `data:` URL, raw bytes, or base64 text.
 * `mediaType` is required for bytes and base64 (e.g. `image/png`).
 */
export type ImagePart = {
  readonly type: 'image';
  readonly image: string | Uint8Array;
  readonly mediaType?: string;
};

export type UserContentPart = TextPart | ImagePart;

export type SystemMessage = { readonly role: 'system'; readonly content: string };

export type UserMessage = { readonly role: 'user'; readonly content: string | readonly UserContentPart[] };

export type AssistantMessage = {
  readonly role: 'assistant';
  readonly content?: string | null;
  readonly toolCalls?: readonly ToolCall[];
  readonly reasoning?: readonly ReasoningPart[];
};

/** The result of one tool call, answering the assistant turn before it. */
export type ToolMessage = {
  readonly role: 'tool';
  readonly toolCallId: string;
  /** The tool's name; looked up from the matching call when omitted (Gemini needs it). */
  readonly toolName?: string;
  /** A string, or any JSON value (serialized for vendors that take text). */
  readonly content: unknown;
  /** Marks the result as an error the model should react to. */
  readonly isError?: boolean;
};

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
