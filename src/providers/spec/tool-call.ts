/** A tool call as the model made it. `args` is the parsed JSON object. */
export type ToolCall<Args = Record<string, unknown>> = {
  readonly id: string;
  readonly name: string;
  readonly args: Args;
  /**
   * The raw arguments text as the model sent it, set only when it was not a JSON object (then
   * `args` is `{}`), so tool validation can detect the bad call and ask the model to repair it.
   */
  readonly argsText?: string;
  /** Opaque vendor data that must travel with the call when it is replayed (Gemini `thoughtSignature`). */
  readonly providerMetadata?: Readonly<Record<string, unknown>>;
};
