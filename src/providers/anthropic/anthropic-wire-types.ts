/**
 * The subset of the Anthropic Messages API wire format this adapter writes and reads.
 * Response shapes are typed loosely (`unknown` where the vendor may add variants) because unknown
 * block, event and delta types must be skipped, not rejected.
 */

/** A prompt-cache breakpoint: the prompt up to and including this block is cached. */
export type AnthropicCacheControl = { type: 'ephemeral'; ttl?: '5m' | '1h' };

export type AnthropicTextBlock = { type: 'text'; text: string; cache_control?: AnthropicCacheControl };

export type AnthropicImageBlock = {
  type: 'image';
  source: { type: 'url'; url: string } | { type: 'base64'; media_type: string; data: string };
  cache_control?: AnthropicCacheControl;
};

export type AnthropicThinkingBlock = { type: 'thinking'; thinking: string; signature: string };

export type AnthropicRedactedThinkingBlock = { type: 'redacted_thinking'; data: string };

export type AnthropicToolUseBlock = {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: AnthropicCacheControl;
};

export type AnthropicToolResultBlock = {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
  cache_control?: AnthropicCacheControl;
};

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolResultBlock;

export type AnthropicAssistantBlock =
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicTextBlock
  | AnthropicToolUseBlock;

export type AnthropicMessage =
  | { role: 'user'; content: string | AnthropicUserBlock[] }
  | { role: 'assistant'; content: AnthropicAssistantBlock[] };

export type AnthropicTool = {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: AnthropicCacheControl;
};

export type AnthropicToolChoice = { type: 'auto' } | { type: 'any' } | { type: 'none' } | { type: 'tool'; name: string };

export type AnthropicRequestBody = {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string | AnthropicTextBlock[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  stream: boolean;
  [providerOption: string]: unknown;
};

/** `usage` on a message, on `message_start.message` and (cumulative) on `message_delta`. */
export type AnthropicUsage = {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** The cache writes split by TTL. */
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
};

/** One content block of a response; `type` may be a block type this adapter does not know. */
export type AnthropicResponseBlock = {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: unknown;
};

export type AnthropicResponseBody = {
  id?: string;
  model?: string;
  content?: AnthropicResponseBlock[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
};

/** The error envelope of a non-2xx reply and of an in-band `event: error`. */
export type AnthropicErrorEnvelope = {
  type?: string;
  error?: { type?: string; message?: string };
  request_id?: string;
};
