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

/**
 * Marks the end of a prompt prefix the vendor should cache (Anthropic `cache_control`; ignored by
 * vendors that cache on their own). `ttl` is how long the entry lives: `'5m'` (written at 1.25×
 * the input price) or `'1h'` (2×). @default { ttl: '5m' }
 */
export type CacheControl = { readonly ttl?: '5m' | '1h' };

export type SystemMessage = { readonly role: 'system'; readonly content: string; readonly cacheControl?: CacheControl };

export type UserMessage = {
  readonly role: 'user';
  readonly content: string | readonly UserContentPart[];
  readonly cacheControl?: CacheControl;
};

export type AssistantMessage = {
  readonly role: 'assistant';
  readonly content?: string | null;
  readonly toolCalls?: readonly ToolCall[];
  readonly reasoning?: readonly ReasoningPart[];
  readonly cacheControl?: CacheControl;
  /** Opaque vendor data replayed with the turn (the Responses API's message item id and response id). */
  readonly providerMetadata?: Readonly<Record<string, unknown>>;
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
  readonly cacheControl?: CacheControl;
};

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
