import { LRUCache } from 'lru-cache';
import type { ToolSpec } from '../client/types.js';
import { tool as defineTool, type AnyTool } from './tool.js';

// Building a tool from a plain spec converts its JSON Schema to zod (`z.fromJSONSchema`), about
// 0.2 ms per tool: too much to repeat on every call. A frozen spec is cached by identity; any other
// spec by its JSON text (specs written inline are new objects on every call), bounded by an LRU.
// The cached tool is built from a copy parsed from that text, so changing the caller's object later
// can never reach it: a changed spec has a different text, hence a different tool.
const frozenSpecs = new WeakMap<ToolSpec, AnyTool>();
const specsByText = new LRUCache<string, AnyTool>({ max: 256 });

function build(spec: ToolSpec): AnyTool {
  return defineTool({
    name: spec.name,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    parameters: spec.parameters,
    ...(spec.strict !== undefined ? { strict: spec.strict } : {}),
  });
}

/** The tool validating a plain `ToolSpec` through its JSON Schema, made once per distinct spec. */
export function toolFromSpec(spec: ToolSpec): AnyTool {
  if (Object.isFrozen(spec)) {
    let cached = frozenSpecs.get(spec);
    if (cached === undefined) {
      cached = build(spec);
      frozenSpecs.set(spec, cached);
    }
    return cached;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(spec);
  } catch {
    // Not JSON (a cycle, a BigInt): built as given, uncached; validation reports what is wrong.
  }
  if (text === undefined) return build(spec);
  let cached = specsByText.get(text);
  if (cached === undefined) {
    cached = build(JSON.parse(text) as ToolSpec);
    specsByText.set(text, cached);
  }
  return cached;
}
