import type { ZodType } from 'zod';
import type { AnyTool } from '../tools/tool.js';

/**
 * The normalized, vendor-neutral shapes that `chat()` and `stream()` take and return.
 * Adapters translate these to and from each vendor's wire format.
 */

/** A JSON Schema object, as sent to a vendor for tools and structured output. */
export type JsonSchema = { readonly [key: string]: unknown };

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

/**
 * Reasoning the model produced before answering. `signature` and `redactedData` are opaque
 * vendor tokens (Anthropic thinking signatures, Gemini thought signatures) that must be sent
 * back unchanged when the conversation continues; keep the assistant message as returned.
 */
export type ReasoningPart = {
  readonly type: 'reasoning';
  readonly text: string;
  readonly signature?: string;
  /** Set for Anthropic `redacted_thinking` blocks: encrypted reasoning with no readable text. */
  readonly redactedData?: string;
  /** Which vendor wrote the signature; a signature is only replayed to the same vendor. */
  readonly provider?: string;
  /** Opaque vendor data replayed with the reasoning (the Responses API's reasoning item id). */
  readonly providerMetadata?: Readonly<Record<string, unknown>>;
};

/** A tool call as the model made it. `args` is the parsed JSON object. */
export type ToolCall<Args = Record<string, unknown>> = {
  readonly id: string;
  readonly name: string;
  readonly args: Args;
  /**
   * The raw arguments text as the model sent it, set only when it was not a JSON object (then
   * `args` is `{}`), so tool validation can detect the bad call and ask the model to repair it.
   */
  readonly argsText?: string;
  /** Opaque vendor data that must travel with the call when it is replayed (Gemini `thoughtSignature`). */
  readonly providerMetadata?: Readonly<Record<string, unknown>>;
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

/** A tool the model may call, with its arguments described by JSON Schema. */
export type ToolSpec = {
  readonly name: string;
  readonly description?: string;
  readonly parameters: JsonSchema;
  /** Ask the vendor to enforce the schema exactly (OpenAI strict mode). */
  readonly strict?: boolean;
  /** Cache the prompt up to and including this tool (Anthropic; tools come first in its prompt). */
  readonly cacheControl?: CacheControl;
};

export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json' }
  | {
      readonly type: 'json_schema';
      readonly schema: JsonSchema;
      readonly name?: string;
      readonly description?: string;
      readonly strict?: boolean;
    };

/**
 * A request after normalization: tools are JSON Schema `ToolSpec`s. Adapters, the cache, the router
 * and the tool loop work on this shape; callers pass a `ChatRequest`.
 */
export type NormalizedChatRequest = {
  /** A model alias from the client's `models`, or `'auto'` for the router. */
  readonly model: string;
  readonly messages: readonly Message[];
  readonly tools?: readonly ToolSpec[];
  readonly toolChoice?: ToolChoice;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  readonly stop?: string | readonly string[];
  readonly seed?: number;
  readonly responseFormat?: ResponseFormat;
  /**
   * Vendor-specific fields merged into the request body, keyed by adapter kind:
   * `{ openai: { logprobs: true }, anthropic: { thinking: {…} }, gemini: {…} }`.
   */
  readonly providerOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};

/** What a caller passes to `chat()` and `stream()`: tools may be `tool()` objects with zod schemas. */
export type ChatRequest<TObject = unknown> = Omit<NormalizedChatRequest, 'tools'> & {
  /** Tools as `tool({ … })` (zod or JSON Schema), or plain `ToolSpec`s. */
  readonly tools?: readonly (AnyTool | ToolSpec)[];
  /** A zod schema: the answer is parsed and validated into `response.object`. */
  readonly schema?: ZodType<TObject>;
  /** The name sent with the schema. @default 'response' */
  readonly schemaName?: string;
  /** How many times invalid tool arguments (or an invalid object) are sent back to be fixed. @default 2 */
  readonly maxToolRepairs?: number;
  /** When repairs run out, start over once on the next alias of the fallback chain. @default false */
  readonly escalate?: boolean;
};

/** The request an adapter receives: the alias already resolved to the deployment's model id. */
export type ProviderRequest = Omit<NormalizedChatRequest, 'model'> & { readonly model: string };

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export type Usage = {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Input tokens read from the vendor's prompt cache (a subset of `inputTokens`). */
  readonly cachedInputTokens?: number;
  /**
   * Input tokens written to the vendor's prompt cache (a subset of `inputTokens`, disjoint from
   * `cachedInputTokens`): Anthropic `cache_creation_input_tokens`, OpenAI `cache_write_tokens`.
   */
  readonly cacheWriteInputTokens?: number;
  /** Of `cacheWriteInputTokens`, those written with Anthropic's 1-hour TTL (priced higher). */
  readonly cacheWrite1hInputTokens?: number;
  /** Output tokens spent on reasoning (a subset of `outputTokens`). */
  readonly reasoningTokens?: number;
};

/** A tool call that the stream cut before its arguments were complete; never a valid call. */
export type IncompleteToolCall = {
  readonly id: string;
  readonly name: string;
  readonly argsText: string;
};

/** What one adapter call produced, before the client adds accounting. */
export type GenerateResult = {
  readonly text: string;
  readonly reasoning: readonly ReasoningPart[];
  readonly toolCalls: readonly ToolCall[];
  readonly incompleteToolCalls?: readonly IncompleteToolCall[];
  readonly refusal?: string;
  readonly finishReason: FinishReason;
  /** The vendor's own finish reason, unmapped. */
  readonly rawFinishReason?: string;
  readonly usage: Usage;
  /** The model name the vendor says served the call. */
  readonly model?: string;
  readonly requestId?: string;
  readonly responseId?: string;
  /** Vendor data the returned assistant message carries (`AssistantMessage.providerMetadata`). */
  readonly messageMetadata?: Readonly<Record<string, unknown>>;
};

export type AttemptOutcome = 'success' | 'error' | 'aborted' | 'skipped';

/** One try against one deployment. */
export type Attempt = {
  readonly alias: string;
  readonly provider: string;
  readonly model: string;
  readonly deploymentId: string;
  readonly outcome: AttemptOutcome;
  readonly errorCode?: string;
  readonly status?: number;
  readonly latencyMs: number;
  readonly timeToFirstTokenMs?: number;
  readonly usage?: Usage;
  readonly cost?: number;
  readonly startedAt: number;
  /** Set on the attempts of a tool-repair call: 1 for the first repair, 2 for the second, … */
  readonly toolRepair?: number;
};

export type CacheInfo = {
  readonly tier: 'exact' | 'semantic';
  readonly similarity: number;
  readonly ageMs: number;
};

export type RouteInfo = {
  readonly tier: string;
  readonly reason: string;
  /** Which classifier decided: your function, the LLM classifier or the built-in heuristic. */
  readonly source: string;
  /** USD of the LLM classifier's call, when one was made for this request (not on a cached label) and its price is known. */
  readonly classifierCost?: number;
  /** Tokens of the LLM classifier's call, when one was made for this request. */
  readonly classifierUsage?: Usage;
};

/** What `chat()` resolves to, and what a stream's `response` promise resolves to. */
export type ChatResponse<TObject = unknown> = {
  readonly text: string;
  readonly reasoning: readonly ReasoningPart[];
  readonly toolCalls: readonly ToolCall[];
  readonly incompleteToolCalls: readonly IncompleteToolCall[];
  readonly refusal?: string;
  readonly object?: TObject;
  readonly finishReason: FinishReason;
  readonly rawFinishReason?: string;
  readonly usage: Usage;
  /** Cost in USD of every attempt of this call, failed ones included, when prices are known. */
  readonly cost?: number;
  /** The alias, provider name and model that actually served the answer. */
  readonly alias: string;
  readonly provider: string;
  readonly model: string;
  readonly requestId?: string;
  /** The vendor's id of the answer (`chatcmpl-…`, `msg_…`), when it sent one. */
  readonly responseId?: string;
  readonly attempts: readonly Attempt[];
  readonly cached?: CacheInfo;
  /** For `model: 'auto'`: the tier the router chose and why. */
  readonly route?: RouteInfo;
  /** The assistant turn to append to `messages` to continue the conversation (keeps signatures). */
  readonly message: AssistantMessage;
};

/** A fragment of a tool call's argument text, keyed by the call's position in the answer. */
export type ToolCallDeltaPart = {
  readonly type: 'tool-call-delta';
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly argsTextDelta: string;
};

/** One part of a stream. `<noun>-<verb>` names, discriminated on `type`. */
export type StreamPart =
  | {
      readonly type: 'start';
      readonly alias: string;
      readonly provider: string;
      readonly model: string;
      readonly deploymentId: string;
    }
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'reasoning-delta'; readonly text: string }
  | ToolCallDeltaPart
  | { readonly type: 'tool-call'; readonly toolCall: ToolCall }
  /** The structured object parsed so far (with `schema`); each part carries the whole object, not yet validated. */
  | { readonly type: 'partial-object'; readonly object: unknown }
  | { readonly type: 'reset'; readonly reason: string; readonly errorCode?: string }
  | { readonly type: 'finish'; readonly response: ChatResponse };

/** What an adapter's stream yields; the client turns these into `StreamPart`s. */
export type ProviderStreamPart =
  | {
      readonly type: 'response-metadata';
      readonly model?: string;
      readonly requestId?: string;
      readonly responseId?: string;
      /** Vendor data for the returned assistant message; a later part's value replaces an earlier one. */
      readonly messageMetadata?: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'reasoning-delta'; readonly text: string }
  | { readonly type: 'reasoning-part'; readonly reasoning: ReasoningPart }
  | ToolCallDeltaPart
  | { readonly type: 'tool-call'; readonly toolCall: ToolCall }
  | { readonly type: 'tool-call-incomplete'; readonly toolCall: IncompleteToolCall }
  | { readonly type: 'refusal-delta'; readonly text: string }
  /**
   * Usage known so far (Anthropic's `message_start`, OpenAI's usage chunk). Optional: it lets a
   * stream that fails before `finish` still account for the tokens it was billed.
   */
  | { readonly type: 'usage'; readonly usage: Usage }
  | {
      readonly type: 'finish';
      readonly finishReason: FinishReason;
      readonly rawFinishReason?: string;
      readonly usage: Usage;
    };

/** Embedding request for adapters that support it. */
export type EmbedRequest = {
  readonly model: string;
  readonly input: readonly string[];
  readonly dimensions?: number;
  /** Wire encoding; results are always decoded to float arrays. @default 'base64' where supported */
  readonly encoding?: 'float' | 'base64';
};

export type EmbedResult = {
  readonly embeddings: readonly Float32Array[];
  readonly model?: string;
  readonly usage?: { readonly inputTokens: number };
};
