import type { JsonSchema } from './json-schema.js';
import type { CacheControl } from './message.js';

/** A tool the model may call, with its arguments described by JSON Schema. */
export type ToolSpec = {
  readonly name: string;
  readonly description?: string;
  readonly parameters: JsonSchema;
  /** Ask the vendor to enforce the schema exactly (OpenAI strict mode). */
  readonly strict?: boolean;
  /** Cache the prompt up to and including this tool (Anthropic; tools come first in its prompt). */
  readonly cacheControl?: CacheControl;
};

export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };
