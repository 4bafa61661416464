/** How an adapter for an OpenAI API authenticates and which account it bills: shared by `openai()` and `openaiResponses()`. */
export type OpenAIAccountOptions = {
  /** The API key, sent as `Authorization: Bearer <apiKey>`. @default process.env.OPENAI_API_KEY */
  readonly apiKey?: string | undefined;
  /** Sent as `OpenAI-Organization`. */
  readonly organization?: string;
  /** Sent as `OpenAI-Project`. */
  readonly project?: string;
  /** Extra headers sent with every request (they override the defaults). */
  readonly headers?: Readonly<Record<string, string>>;
};
