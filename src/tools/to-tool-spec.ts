import type { ToolSpec } from '../client/types.js';
import { toStrictJsonSchema } from './to-strict-json-schema.js';
import type { AnyTool } from './tool.js';

export type ToToolSpecOptions = {
  /**
   * The adapter kind the spec is for (`openai`, `openai-compatible`, `anthropic`, `gemini`, …).
   * Strict mode is only sent to OpenAI-style vendors; the others get the plain schema. The Gemini
   * adapter converts the schema to its subset itself (`convertToGeminiSchema`), so the spec stays
   * standard JSON Schema here. @default undefined (any vendor: strict schemas as requested)
   */
  readonly vendor?: string;
};

const strictSchemas = new WeakMap<AnyTool, ToolSpec['parameters'] | null>();

function isStrictVendor(vendor: string | undefined): boolean {
  return vendor === undefined || vendor === 'openai' || vendor === 'openai-compatible' || vendor === 'openai-responses' || vendor === 'azure-openai';
}

/**
 * The `ToolSpec` an adapter sends for a tool. With `strict: true` (and an OpenAI-style or
 * unknown vendor), the schema is rewritten for OpenAI strict mode (see `toStrictJsonSchema`);
 * a schema that cannot be strict is sent as it is with `strict: false`.
 */
export function toToolSpec(tool: AnyTool, options: ToToolSpecOptions = {}): ToolSpec {
  const base = tool.description === undefined ? { name: tool.name } : { name: tool.name, description: tool.description };
  if (!tool.strict || !isStrictVendor(options.vendor)) return { ...base, parameters: tool.jsonSchema };
  let strict = strictSchemas.get(tool);
  if (strict === undefined) {
    strict = toStrictJsonSchema(tool.jsonSchema) ?? null;
    strictSchemas.set(tool, strict);
  }
  return strict === null ? { ...base, parameters: tool.jsonSchema, strict: false } : { ...base, parameters: strict, strict: true };
}
