export type Usage = {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Input tokens served from the vendor's prompt cache (a subset of `inputTokens`). */
  readonly cachedInputTokens?: number;
  /** Output tokens spent on reasoning (a subset of `outputTokens`). */
  readonly reasoningTokens?: number;
};
