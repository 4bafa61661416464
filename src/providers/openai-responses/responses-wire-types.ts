/**
 * The Responses API fields this adapter reads, loosely typed: every field may be missing or of
 * another type, and unknown item and event types are skipped.
 */

/** `usage` of a response: cached tokens are inside `input_tokens`, reasoning inside `output_tokens`. */
export type ResponsesUsage = {
  readonly input_tokens?: unknown;
  readonly output_tokens?: unknown;
  readonly input_tokens_details?: { readonly cached_tokens?: unknown; readonly cache_write_tokens?: unknown } | null;
  readonly output_tokens_details?: { readonly reasoning_tokens?: unknown } | null;
};

/** One output item: `message`, `function_call`, `reasoning`, or a type this adapter skips. */
export type ResponsesOutputItem = {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly status?: unknown;
  /** message */
  readonly role?: unknown;
  readonly phase?: unknown;
  readonly content?: readonly { readonly type?: unknown; readonly text?: unknown; readonly refusal?: unknown }[] | null;
  /** function_call */
  readonly call_id?: unknown;
  readonly name?: unknown;
  readonly arguments?: unknown;
  /** reasoning */
  readonly summary?: readonly { readonly type?: unknown; readonly text?: unknown }[] | null;
  readonly encrypted_content?: unknown;
};

/** The `error` of a failed response and the payload of an in-stream `error` event. */
export type ResponsesError = { readonly code?: unknown; readonly message?: unknown; readonly type?: unknown; readonly param?: unknown };

/** A response object (non-streaming body, and the snapshot in `response.*` lifecycle events). */
export type ResponsesResponse = {
  readonly id?: unknown;
  readonly model?: unknown;
  readonly status?: unknown;
  readonly output?: readonly ResponsesOutputItem[] | null;
  readonly usage?: ResponsesUsage | null;
  readonly error?: ResponsesError | null;
  readonly incomplete_details?: { readonly reason?: unknown } | null;
};

/** One streamed event; `type` names it (and equals the SSE `event:` name). */
export type ResponsesStreamEvent = {
  readonly type?: unknown;
  readonly response?: ResponsesResponse | null;
  readonly item?: ResponsesOutputItem | null;
  readonly item_id?: unknown;
  readonly output_index?: unknown;
  readonly delta?: unknown;
  readonly arguments?: unknown;
  /** In-stream `error` event fields. */
  readonly code?: unknown;
  readonly message?: unknown;
  readonly param?: unknown;
  readonly error?: ResponsesError | null;
};
