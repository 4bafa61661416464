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

/** The two specs a tool can have (plain, and strict for OpenAI-style vendors), made on first use. */
type CachedSpecs = { plain?: ToolSpec; strict?: ToolSpec };

// A tool is immutable once made, so its specs depend on the tool object alone: built once, frozen,
// and handed to every call (the request validation and token estimate then cache by spec too).
const specsByTool = new WeakMap<AnyTool, CachedSpecs>();
const builtSpecs = new WeakSet<ToolSpec>();

function isStrictVendor(vendor: string | undefined): boolean {
  return vendor === undefined || vendor === 'openai' || vendor === 'openai-compatible' || vendor === 'openai-responses' || vendor === 'azure-openai';
}

function buildSpec(tool: AnyTool, isStrict: boolean): ToolSpec {
  const base = tool.description === undefined ? { name: tool.name } : { name: tool.name, description: tool.description };
  let spec: ToolSpec;
  if (!isStrict) {
    spec = { ...base, parameters: tool.jsonSchema };
  } else {
    const strict = toStrictJsonSchema(tool.jsonSchema);
    spec = strict === undefined ? { ...base, parameters: tool.jsonSchema, strict: false } : { ...base, parameters: strict, strict: true };
  }
  Object.freeze(spec);
  builtSpecs.add(spec);
  return spec;
}

/**
 * The `ToolSpec` an adapter sends for a tool. With `strict: true` (and an OpenAI-style or
 * unknown vendor), the schema is rewritten for OpenAI strict mode (see `toStrictJsonSchema`);
 * a schema that cannot be strict is sent as it is with `strict: false`. The spec is made once per
 * tool and frozen: the same object comes back on every call.
 */
export function toToolSpec(tool: AnyTool, options: ToToolSpecOptions = {}): ToolSpec {
  const isStrict = tool.strict === true && isStrictVendor(options.vendor);
  let cached = specsByTool.get(tool);
  if (cached === undefined) {
    cached = {};
    specsByTool.set(tool, cached);
  }
  if (isStrict) return (cached.strict ??= buildSpec(tool, true));
  return (cached.plain ??= buildSpec(tool, false));
}

/**
 * Whether `spec` was made by `toToolSpec` from a `tool()`: valid by construction (the tool's
 * name, description and JSON Schema were checked when it was defined) and frozen.
 */
export function isBuiltToolSpec(spec: unknown): boolean {
  return typeof spec === 'object' && spec !== null && builtSpecs.has(spec as ToolSpec);
}
