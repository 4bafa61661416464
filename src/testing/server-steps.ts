import type { FinishReason } from '../client/types.js';
import type { InBandErrorType } from './wire/wire-protocol.js';

/** A tool call the server answers with. Give `args` (an object) or `argsText` (raw JSON text). */
export type ServerToolCall = {
  readonly name: string;
  readonly args?: Readonly<Record<string, unknown>>;
  readonly argsText?: string;
  /** @default a vendor-style id (`call_…`, `toolu_01…`); Gemini sends none unless given */
  readonly id?: string;
};

/** A healthy answer in the vendor's own format. */
export type ReplyStep = {
  readonly text?: string;
  /** Reasoning sent before the text (Anthropic thinking, Gemini thought parts; OpenAI has none). */
  readonly reasoning?: string;
  readonly toolCalls?: readonly ServerToolCall[];
  /** Explicit text deltas (joined when `text` is omitted). */
  readonly chunks?: readonly string[];
  /** Characters per text, reasoning and argument delta. @default one word per text delta, 8 characters per argument delta */
  readonly chunkSize?: number;
  /** Delay before the response head. @default 0 */
  readonly delayMs?: number;
  /** Streams: delay before the first content chunk (headers and preamble go out at once). @default 0 */
  readonly firstChunkDelayMs?: number;
  /** Streams: delay before each later content chunk. @default 0 */
  readonly chunkDelayMs?: number;
  /** @default 'tool-calls' with tool calls, else 'stop' */
  readonly finishReason?: FinishReason;
  /** @default input: request body characters / 4; output: generated characters / 4; reasoning: reasoning characters / 4 */
  readonly usage?: { readonly inputTokens?: number; readonly outputTokens?: number; readonly reasoningTokens?: number };
  /** The model name the reply says served it. @default the requested model */
  readonly model?: string;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** For embedding requests: the vectors to return. @default hash-based vectors */
  readonly embeddings?: readonly (readonly number[])[];
};

/** A raw HTTP error reply. Without `body`, the vendor's error envelope for `status` is sent. */
export type HttpErrorStep = {
  readonly status: number;
  readonly message?: string;
  readonly body?: string | Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly delayMs?: number;
};

/** A misbehaviour to inject; build these with the helpers below. */
export type FaultStep =
  | { readonly fault: 'rate-limit'; readonly retryAfterSeconds?: number; readonly retryAfterMs?: number; readonly resetMs?: number }
  | { readonly fault: 'server-error'; readonly status: number }
  | { readonly fault: 'overloaded'; readonly status?: number }
  | { readonly fault: 'reset-before-headers' }
  | { readonly fault: 'never-answer' }
  | { readonly fault: 'cut-mid-stream'; readonly afterChunks: number; readonly reply?: ReplyStep }
  | { readonly fault: 'stall'; readonly afterChunks: number; readonly reply?: ReplyStep }
  | { readonly fault: 'malformed-chunk'; readonly afterChunks: number; readonly reply?: ReplyStep }
  | { readonly fault: 'missing-terminator'; readonly reply?: ReplyStep }
  | { readonly fault: 'context-length-exceeded' }
  | { readonly fault: 'content-policy' }
  | { readonly fault: 'reject-prefill'; readonly reply?: ReplyStep }
  | {
      readonly fault: 'down-for';
      readonly ms: number;
      readonly since: 'first-request' | 'server-start';
      readonly status: number;
      readonly reply?: ReplyStep;
    }
  | { readonly fault: 'in-band-error'; readonly afterChunks: number; readonly type: InBandErrorType; readonly reply?: ReplyStep }
  | { readonly fault: 'raw-body'; readonly json: string; readonly sse: string };

export type FaultName = FaultStep['fault'];

/** One scripted reply of the provider server. */
export type ServerStep = ReplyStep | HttpErrorStep | FaultStep;

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`Expected \`${name}\` to be a non-negative integer, got ${value}.`);
  return value;
}

/** HTTP 429 with the vendor's envelope; `Retry-After` (seconds) / `retry-after-ms` only when given (Gemini: `RetryInfo` in the body). */
export function rateLimit(options: { readonly retryAfterSeconds?: number; readonly retryAfterMs?: number; readonly resetMs?: number } = {}): FaultStep {
  return { fault: 'rate-limit', ...options };
}

/** A 5xx with the vendor's server-error envelope. */
export function serverError(status = 500): FaultStep {
  return { fault: 'server-error', status };
}

/** The vendor's overload reply: 503, or 529 `overloaded_error` for Anthropic. */
export function overloaded(options: { readonly status?: number } = {}): FaultStep {
  return { fault: 'overloaded', ...options };
}

/** Reads the request, then resets the socket before sending a single byte. */
export function resetBeforeHeaders(): FaultStep {
  return { fault: 'reset-before-headers' };
}

/** Reads the request and never answers; the socket stays open until the client gives up or the server closes. */
export function neverAnswer(): FaultStep {
  return { fault: 'never-answer' };
}

/** Headers and preamble at once, the first content chunk after `ms` (non-streaming: the reply after `ms`). */
export function slowFirstToken(ms: number, reply: ReplyStep = {}): ReplyStep {
  return { ...reply, firstChunkDelayMs: checkCount('ms', ms) };
}

/** Sends `afterChunks` content chunks, then destroys the socket mid-answer. */
export function cutMidStream(options: { readonly afterChunks: number; readonly reply?: ReplyStep }): FaultStep {
  return { fault: 'cut-mid-stream', ...options, afterChunks: checkCount('afterChunks', options.afterChunks) };
}

/** Sends `afterChunks` content chunks, then goes silent with the socket open. */
export function stall(options: { readonly afterChunks: number; readonly reply?: ReplyStep }): FaultStep {
  return { fault: 'stall', ...options, afterChunks: checkCount('afterChunks', options.afterChunks) };
}

/** Sends a chunk whose JSON is cut off after `afterChunks` content chunks (non-streaming: a truncated JSON body). */
export function malformedChunk(options: { readonly afterChunks?: number; readonly reply?: ReplyStep } = {}): FaultStep {
  return { fault: 'malformed-chunk', ...options, afterChunks: checkCount('afterChunks', options.afterChunks ?? 1) };
}

/** A complete answer without the end marker (`[DONE]`, `message_stop`); for Gemini, EOF right after the headers. */
export function missingTerminator(options: { readonly reply?: ReplyStep } = {}): FaultStep {
  return { fault: 'missing-terminator', ...options };
}

/** The vendor's real 400 for a prompt longer than the context window. */
export function contextLengthExceeded(): FaultStep {
  return { fault: 'context-length-exceeded' };
}

/** A 400 content-policy rejection in the vendor's shape. */
export function contentPolicy(): FaultStep {
  return { fault: 'content-policy' };
}

/** A 400 when the conversation ends with an assistant turn (a prefill); answers `reply` otherwise. */
export function rejectPrefill(options: { readonly reply?: ReplyStep } = {}): FaultStep {
  return { fault: 'reject-prefill', ...options };
}

/**
 * Answers 503 (the vendor's overload envelope) until `ms` after the first request that reached
 * this step (or after the server started), then answers `reply`. The script stays on this step
 * while it is down.
 */
export function downFor(
  ms: number,
  options: { readonly since?: 'first-request' | 'server-start'; readonly status?: number; readonly reply?: ReplyStep } = {},
): FaultStep {
  return {
    fault: 'down-for',
    ms: checkCount('ms', ms),
    since: options.since ?? 'first-request',
    status: options.status ?? 503,
    ...(options.reply ? { reply: options.reply } : {}),
  };
}

/**
 * A 200 stream that fails after `afterChunks` content chunks with the vendor's in-band error:
 * OpenAI `data: {"error":…}`, Anthropic `event: error` then EOF, Gemini a bare JSON object.
 * Non-streaming requests get the matching HTTP error instead.
 */
export function inBandError(options: { readonly afterChunks?: number; readonly type?: InBandErrorType; readonly reply?: ReplyStep } = {}): FaultStep {
  return {
    fault: 'in-band-error',
    afterChunks: checkCount('afterChunks', options.afterChunks ?? 1),
    type: options.type ?? 'overloaded',
    ...(options.reply ? { reply: options.reply } : {}),
  };
}

/**
 * HTTP 200 with a body of your own, as a broken gateway or proxy sends it: `json` for a
 * non-streaming request (`application/json`), `sse` for a stream (`text/event-stream`; by default
 * `json` as one `data:` event). For answers that are not answers: `'null'`, `'{}'`, an error object.
 */
export function rawBody(json: string, options: { readonly sse?: string } = {}): FaultStep {
  return { fault: 'raw-body', json, sse: options.sse ?? `data: ${json}\n\n` };
}

/** A raw HTTP error reply with the vendor's envelope for `status` (or your own body). */
export function httpError(status: number, options: Omit<HttpErrorStep, 'status'> = {}): HttpErrorStep {
  return { status, ...options };
}

export function isFaultStep(step: ServerStep): step is FaultStep {
  return 'fault' in step;
}

export function isHttpErrorStep(step: ServerStep): step is HttpErrorStep {
  return 'status' in step && !('fault' in step);
}
