/** Embedding request for adapters that support it. */
export type EmbedRequest = {
  readonly model: string;
  readonly input: readonly string[];
  readonly dimensions?: number;
  /** Wire encoding; results are always decoded to float arrays. @default 'base64' where supported */
  readonly encoding?: 'float' | 'base64';
};
