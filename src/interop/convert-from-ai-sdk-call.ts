import type { LanguageModelV4CallOptions, SharedV4Warning } from '@ai-sdk/provider';
import type { CallOptions } from '../client/client-options.js';
import type { NormalizedChatRequest, ResponseFormat, ToolChoice, ToolSpec } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { convertFromAiSdkPrompt } from './convert-from-ai-sdk-prompt.js';
import type { LanguageModelCallOptions } from './language-model-options.js';
import { METADATA_KEY } from './metadata-key.js';

/** One AI SDK call as our request and call options, with warnings for what we cannot honour. */
export type ConvertedCall = {
  readonly request: NormalizedChatRequest;
  readonly options: CallOptions;
  readonly warnings: SharedV4Warning[];
};

const UNSUPPORTED_SETTINGS = ['topK', 'presencePenalty', 'frequencyPenalty'] as const;

function convertToolChoice(choice: NonNullable<LanguageModelV4CallOptions['toolChoice']>): ToolChoice {
  return choice.type === 'tool' ? { name: choice.toolName } : choice.type;
}

function convertResponseFormat(format: NonNullable<LanguageModelV4CallOptions['responseFormat']>): ResponseFormat | undefined {
  if (format.type === 'text') return undefined;
  if (format.schema === undefined) return { type: 'json' };
  return {
    type: 'json_schema',
    schema: format.schema as Record<string, unknown>,
    ...(format.name !== undefined ? { name: format.name } : {}),
    ...(format.description !== undefined ? { description: format.description } : {}),
  };
}

/** Reads `providerOptions.llmResilience`, checking each field once. */
function readCallOptions(value: unknown): LanguageModelCallOptions {
  if (value === undefined) return {};
  const field = `providerOptions.${METADATA_KEY}`;
  if (typeof value !== 'object' || value === null) throw new InvalidArgumentError(field, `Expected \`${field}\` to be an object, got ${typeof value}.`);
  const options = value as Record<string, unknown>;
  if (options.tenant !== undefined && typeof options.tenant !== 'string') {
    throw new InvalidArgumentError(`${field}.tenant`, `Expected \`${field}.tenant\` to be a string, got ${typeof options.tenant}.`);
  }
  if (options.cache !== undefined && options.cache !== false && options.cache !== 'refresh') {
    throw new InvalidArgumentError(`${field}.cache`, `Expected \`${field}.cache\` to be false or "refresh", got ${JSON.stringify(options.cache)}.`);
  }
  if (options.providerOptions !== undefined && (typeof options.providerOptions !== 'object' || options.providerOptions === null)) {
    throw new InvalidArgumentError(`${field}.providerOptions`, `Expected \`${field}.providerOptions\` to be an object keyed by adapter kind.`);
  }
  // deadlineMs and maxRetries are checked by the client, as for any call.
  return options as LanguageModelCallOptions;
}

/**
 * Converts the AI SDK's call options to our request: prompt, sampling settings, function tools,
 * tool choice and JSON output. Provider-defined tools, `topK`, penalties, reasoning levels and
 * extra headers have no vendor-neutral meaning here: they are left out with a warning.
 */
export function convertFromAiSdkCall(call: LanguageModelV4CallOptions, alias: string, defaults: Omit<CallOptions, 'signal'> | undefined): ConvertedCall {
  const warnings: SharedV4Warning[] = [];
  const tools: ToolSpec[] = [];
  for (const tool of call.tools ?? []) {
    if (tool.type === 'function') {
      tools.push({
        name: tool.name,
        parameters: tool.inputSchema as Record<string, unknown>,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      });
    } else {
      warnings.push({ type: 'unsupported', feature: `provider-defined tool ${tool.id}` });
    }
  }
  for (const setting of UNSUPPORTED_SETTINGS) {
    if (call[setting] !== undefined) warnings.push({ type: 'unsupported', feature: setting });
  }
  if (call.reasoning !== undefined && call.reasoning !== 'provider-default') {
    warnings.push({ type: 'unsupported', feature: 'reasoning', details: 'Set reasoning per vendor with providerOptions.llmResilience.providerOptions.' });
  }
  if (call.headers && Object.keys(call.headers).some((name) => name.toLowerCase() !== 'user-agent')) {
    warnings.push({ type: 'unsupported', feature: 'headers', details: 'Set headers per deployment in the client configuration.' });
  }
  const own = readCallOptions(call.providerOptions?.[METADATA_KEY]);
  const { providerOptions, ...callOptions } = own;
  const responseFormat = call.responseFormat ? convertResponseFormat(call.responseFormat) : undefined;
  const request: NormalizedChatRequest = {
    model: alias,
    messages: convertFromAiSdkPrompt(call.prompt),
    ...(tools.length > 0 ? { tools } : {}),
    ...(call.toolChoice && tools.length > 0 ? { toolChoice: convertToolChoice(call.toolChoice) } : {}),
    ...(call.maxOutputTokens !== undefined ? { maxTokens: call.maxOutputTokens } : {}),
    ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
    ...(call.topP !== undefined ? { topP: call.topP } : {}),
    ...(call.seed !== undefined ? { seed: call.seed } : {}),
    ...(call.stopSequences !== undefined && call.stopSequences.length > 0 ? { stop: call.stopSequences } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    ...(providerOptions ? { providerOptions } : {}),
  };
  const options: CallOptions = { ...defaults, ...callOptions, ...(call.abortSignal ? { signal: call.abortSignal } : {}) };
  return { request, options, warnings };
}
