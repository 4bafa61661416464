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
