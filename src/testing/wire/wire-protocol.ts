import type { FinishReason } from '../../client/types.js';

/** The wire protocols the provider server speaks. */
export type ProviderProtocol = 'openai' | 'openai-responses' | 'anthropic' | 'gemini';

/**
 * One unit the server writes to a stream. `content` frames carry model output (text, reasoning,
 * a tool call's name or argument fragment): `afterChunks` counts them, and delays apply before
 * them. `preamble` and `structure` frames carry none; `closing` frames end the answer.
 */
export type Frame = { readonly data: string; readonly kind: 'preamble' | 'structure' | 'content' | 'closing' };

/** A tool call as the server will send it. */
export type WireToolCall = { readonly id: string; readonly name: string; readonly argsText: string; readonly argsChunks: readonly string[] };

/** Everything one scripted answer says, already split into deltas. */
export type WireContent = {
  readonly model: string;
  readonly responseId: string;
  readonly requestId: string;
  /** Unix seconds, as OpenAI's `created`. */
  readonly created: number;
  readonly textChunks: readonly string[];
  readonly reasoningChunks: readonly string[];
  readonly toolCalls: readonly WireToolCall[];
  readonly finishReason: FinishReason;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number; readonly reasoningTokens: number };
  /** OpenAI `stream_options.include_usage`: send the usage chunk. */
  readonly includeUsage: boolean;
  /** Gemini `alt=sse`; without it Gemini streams one JSON array. */
  readonly isSse: boolean;
  /** Whether the tool calls were provided with explicit ids (Gemini 2.x sends none). */
  readonly hasExplicitToolIds: boolean;
};

/** Which canned vendor error to build. */
export type WireErrorKind = 'rate-limit' | 'server' | 'overloaded' | 'context-length' | 'content-policy' | 'prefill' | 'status';

export type WireErrorOptions = {
  readonly status?: number;
  readonly message?: string;
  readonly retryAfterSeconds?: number;
  readonly retryAfterMs?: number;
  /** Rate-limit window reset, sent in the vendor's rate-limit headers. */
  readonly resetMs?: number;
  readonly model: string;
  readonly requestId: string;
};

export type WireReply = {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
};

/** The in-band error kinds a stream can carry after a 200. */
export type InBandErrorType = 'overloaded' | 'rate_limit' | 'server';

/** How one vendor's bytes look. One implementation per protocol, no shared state. */
export type WireProtocol = {
  readonly name: ProviderProtocol;
  /** Prefix of generated tool-call ids (`call_`, `toolu_01`). */
  readonly toolIdPrefix: string;
  streamHeaders(content: WireContent): Record<string, string>;
  streamFrames(content: WireContent): Frame[];
  /** The frames without the vendor's end-of-stream marker. */
  dropTerminator(frames: readonly Frame[]): Frame[];
  jsonHeaders(content: WireContent): Record<string, string>;
  jsonBody(content: WireContent): string;
  error(kind: WireErrorKind, options: WireErrorOptions): WireReply;
  /** What the vendor sends after a 200 when it fails mid-answer; the server ends the body after it. */
  inBandError(type: InBandErrorType, options: WireErrorOptions): string;
  /** A frame whose JSON is cut off. */
  malformedFrame(content: WireContent): string;
  /** Whether the request's last turn is the assistant's (an assistant prefill). */
  endsWithAssistant(body: unknown): boolean;
};

/** HTTP status an in-band error type corresponds to. */
export function inBandStatus(type: InBandErrorType, protocol: ProviderProtocol): number {
  if (type === 'rate_limit') return 429;
  if (type === 'server') return 500;
  return protocol === 'anthropic' ? 529 : 503;
}

/** The last element of a JSON array field, if any. */
export function lastOf(value: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const last: unknown = value[value.length - 1];
  return last !== null && typeof last === 'object' ? (last as Record<string, unknown>) : undefined;
}

/** Parses tool arguments for vendors that send an object; text that is not an object becomes `{}`. */
export function argsObject(argsText: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argsText);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
