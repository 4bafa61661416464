import type { JsonSchema } from './json-schema.js';

/** A tool the model may call, with its arguments described by JSON Schema. */
export type ToolSpec = {
  readonly name: string;
  readonly description?: string;
  readonly parameters: JsonSchema;
  /** Ask the vendor to enforce the schema exactly (OpenAI strict mode). */
  readonly strict?: boolean;
};

export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };
