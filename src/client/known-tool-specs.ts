import type { NormalizedChatRequest } from './types.js';
import { validateChatRequest } from './validate-request.js';

// Frozen tool specs that passed request validation once. A frozen spec cannot change, so it is not
// validated again: every spec made from a `tool()` is frozen and reused, so a call with 50 tools
// skips 50 schema walks. Unfrozen specs (plain objects a caller may mutate) are validated each time.
const validSpecs = new WeakSet<object>();

function isKnown(tool: unknown): boolean {
  return typeof tool === 'object' && tool !== null && validSpecs.has(tool);
}

/**
 * `validateChatRequest`, skipping the tools already known valid: the same verdict and error
 * messages, without re-walking the JSON Schema of every tool on every call.
 */
export function validateRequestWithKnownTools(request: unknown): NormalizedChatRequest {
  const tools = typeof request === 'object' && request !== null ? (request as { tools?: unknown }).tools : undefined;
  if (!Array.isArray(tools) || tools.length === 0) return validateChatRequest(request);
  if (tools.every(isKnown)) {
    const { tools: _known, ...rest } = request as Record<string, unknown>;
    validateChatRequest(rest);
    return request as NormalizedChatRequest;
  }
  const validated = validateChatRequest(request);
  for (const tool of tools) if (Object.isFrozen(tool)) validSpecs.add(tool as object);
  return validated;
}
