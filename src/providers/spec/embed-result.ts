export type EmbedResult = {
  readonly embeddings: readonly Float32Array[];
  readonly model?: string;
  readonly usage?: { readonly inputTokens: number };
};
