/** What an adapter can do; checked when a fallback chain is built. */
export type ProviderCapabilities = {
  readonly tools?: boolean;
  readonly images?: boolean;
  readonly jsonOutput?: boolean;
  /** Whether a trailing assistant message is continued by the model (assistant prefill). */
  readonly prefill?: boolean;
  readonly embeddings?: boolean;
};
