import type { Message } from './message.js';
import type { ResponseFormat } from './response-format.js';
import type { ToolChoice, ToolSpec } from './tool-spec.js';

/** The request an adapter receives: vendor-neutral, tools as JSON Schema, `model` the deployment's model id. */
export type ProviderRequest = {
  /** The deployment's model id (the client resolved the alias). */
  readonly model: string;
  readonly messages: readonly Message[];
  readonly tools?: readonly ToolSpec[];
  readonly toolChoice?: ToolChoice;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  readonly stop?: string | readonly string[];
  readonly seed?: number;
  readonly responseFormat?: ResponseFormat;
  /**
   * Vendor-specific fields merged into the request body, keyed by adapter kind:
   * `{ openai: { logprobs: true }, anthropic: { thinking: {…} }, gemini: {…} }`.
   */
  readonly providerOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};
