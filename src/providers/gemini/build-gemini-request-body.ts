import type { ProviderRequest, ToolChoice, ToolSpec } from '../spec/index.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { convertToGeminiSchema } from './convert-to-gemini-schema.js';
import type { GeminiFunctionDeclaration, GeminiRequestBody } from './gemini-wire-types.js';

/**
 * `providerOptions.gemini` keys that belong inside `generationConfig`; given at the top level they
 * are moved there, so `{ thinkingConfig: {…} }` and `{ generationConfig: { thinkingConfig: {…} } }`
 * mean the same.
 */
const GENERATION_CONFIG_KEYS = new Set([
  'thinkingConfig',
  'responseModalities',
  'topK',
  'candidateCount',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'responseJsonSchema',
  'mediaResolution',
  'speechConfig',
  'imageConfig',
]);

/**
 * Builds the `generateContent` / `streamGenerateContent` body from a normalized request.
 * `providerOptions.gemini` is merged last: `generationConfig` (and the keys listed in
 * `GENERATION_CONFIG_KEYS`) into `generationConfig`, `tools` appended to the function
 * declarations (e.g. `[{ googleSearch: {} }]`), every other key (`safetySettings`,
 * `cachedContent`, `toolConfig`, …) set on the body, replacing what the adapter wrote.
 */
export function buildGeminiRequestBody(request: ProviderRequest): GeminiRequestBody {
  const { systemInstruction, contents } = convertToGeminiContents(request.messages, { model: request.model });
  const body: GeminiRequestBody = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  const tools: unknown[] = [];
  if (request.tools && request.tools.length > 0) tools.push({ functionDeclarations: request.tools.map(convertTool) });
  if (request.toolChoice !== undefined) body.toolConfig = { functionCallingConfig: convertToolChoice(request.toolChoice) };

  const generationConfig: Record<string, unknown> = {};
  if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
  if (request.topP !== undefined) generationConfig.topP = request.topP;
  if (request.maxTokens !== undefined) generationConfig.maxOutputTokens = request.maxTokens;
  if (request.stop !== undefined) generationConfig.stopSequences = typeof request.stop === 'string' ? [request.stop] : [...request.stop];
  if (request.seed !== undefined) generationConfig.seed = request.seed;
  const format = request.responseFormat;
  if (format && format.type !== 'text') {
    generationConfig.responseMimeType = 'application/json';
    if (format.type === 'json_schema') generationConfig.responseSchema = convertToGeminiSchema(format.schema);
  }

  const extra = request.providerOptions?.gemini;
  if (extra) {
    for (const key in extra) {
      const value = extra[key];
      if (key === 'generationConfig' && typeof value === 'object' && value !== null) Object.assign(generationConfig, value);
      else if (GENERATION_CONFIG_KEYS.has(key)) generationConfig[key] = value;
      else if (key === 'tools' && Array.isArray(value)) tools.push(...value);
      else body[key] = value;
    }
  }
  if (tools.length > 0) body.tools = tools;
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

// A frozen spec (every spec made from a `tool()` is) cannot change: its declaration, whose schema
// conversion walks the whole JSON Schema, is made once and shared by every request body.
const frozenDeclarations = new WeakMap<ToolSpec, GeminiFunctionDeclaration>();

function convertTool(tool: ToolSpec): GeminiFunctionDeclaration {
  const isFrozen = Object.isFrozen(tool);
  const cached = isFrozen ? frozenDeclarations.get(tool) : undefined;
  if (cached) return cached;
  const declaration: GeminiFunctionDeclaration = {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    parameters: convertToGeminiSchema(tool.parameters),
  };
  if (isFrozen) frozenDeclarations.set(tool, Object.freeze(declaration));
  return declaration;
}

function convertToolChoice(choice: ToolChoice): { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } {
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  return { mode: 'ANY', allowedFunctionNames: [choice.name] };
}
