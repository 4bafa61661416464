import type { CallOptions } from '../client/client-options.js';

/**
 * What a stream from `llm.languageModel()` does when the client restarts the answer (a mid-stream
 * fallback or a tool repair) after output already reached the AI SDK, which cannot take it back:
 * - `'error'`: the stream ends with an `error` part (`StreamInterruptedError`, with the partial
 *   text) and the call stops. Failures before the first token still fail over unseen.
 * - `'surface'`: open blocks end with `providerMetadata.llmResilience.discarded: true`, a `custom`
 *   part of kind `llm-resilience.reset` marks the restart, and the new answer streams in new blocks.
 *   A tool call already handed over cannot be withdrawn: then the stream errors as with `'error'`.
 * - `'buffer'`: nothing is forwarded until the answer is final, so a restart is never seen; the
 *   answer arrives at once.
 */
export type RestartMode = 'error' | 'surface' | 'buffer';

/** Options of `llm.languageModel(alias, options)`. */
export type LanguageModelOptions = {
  /** How a restarted stream reaches the AI SDK. @default 'error' */
  readonly onRestart?: RestartMode;
  /** Options for every call through this model; a call's `providerOptions.llmResilience` overrides them. */
  readonly callOptions?: Omit<CallOptions, 'signal'>;
};

/**
 * What a call may pass in `providerOptions.llmResilience`. `providerOptions` here is ours: body
 * fields keyed by adapter kind (`{ anthropic: { … } }`), merged into the vendor request.
 */
export type LanguageModelCallOptions = Pick<CallOptions, 'tenant' | 'deadlineMs' | 'maxRetries' | 'cache' | 'metadata'> & {
  readonly providerOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};
