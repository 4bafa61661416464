/**
 * Reasoning the model produced before answering. `signature` and `redactedData` are opaque
 * vendor tokens (Anthropic thinking signatures, Gemini thought signatures) that must be sent
 * back unchanged when the conversation continues; keep the assistant message as returned.
 */
export type ReasoningPart = {
  readonly type: 'reasoning';
  readonly text: string;
  readonly signature?: string;
  /** Set for Anthropic `redacted_thinking` blocks: encrypted reasoning with no readable text. */
  readonly redactedData?: string;
  /** Which vendor wrote the signature; a signature is only replayed to the same vendor. */
  readonly provider?: string;
  /** Opaque vendor data replayed with the reasoning (the Responses API's reasoning item id). */
  readonly providerMetadata?: Readonly<Record<string, unknown>>;
};
