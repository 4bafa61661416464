import type { LanguageModelV3, LanguageModelV4, LanguageModelV4CallOptions } from '@ai-sdk/provider';
import type { GenerateResult, ProviderRequest, ProviderStreamPart } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';
import type { ProviderAdapter, ProviderCallContext, ProviderCapabilities } from '../providers/provider.js';
import { convertFromAiSdkResult } from './convert-from-ai-sdk-result.js';
import { convertFromAiSdkStream } from './convert-from-ai-sdk-stream.js';
import { convertToAiSdkCall, type AiSdkTarget } from './convert-to-ai-sdk-call.js';
import { mapAiSdkError, type AiSdkErrorSource } from './map-ai-sdk-error.js';

/** Options of `aiSdkModel()`. */
export type AiSdkModelOptions = {
  /**
   * What the wrapped model supports, checked when a fallback chain is built. Prefill is off: AI SDK
   * providers differ in whether a trailing assistant message is continued.
   * @default { tools: true, images: true, jsonOutput: true }
   */
  readonly capabilities?: ProviderCapabilities;
};

const KIND = 'ai-sdk';
const DEFAULT_CAPABILITIES: ProviderCapabilities = { tools: true, images: true, jsonOutput: true };

type AnyModel = LanguageModelV4 | LanguageModelV3;

function callOptions(request: ProviderRequest, context: ProviderCallContext, target: AiSdkTarget): LanguageModelV4CallOptions {
  return { ...convertToAiSdkCall(request, target), abortSignal: context.signal, ...(context.headers ? { headers: { ...context.headers } } : {}) };
}

function reportHeaders(context: ProviderCallContext, headers: Record<string, string> | undefined): void {
  if (headers && context.onResponseHeaders) context.onResponseHeaders((name) => headers[name.toLowerCase()] ?? headers[name]);
}

/**
 * Wraps a model of any AI SDK provider package (Bedrock, Vertex, Azure, Mistral, Groq, …) as an
 * adapter, so it can serve a deployment in pools and fallback chains beside the native adapters:
 * `providers: { bedrock: aiSdkModel(bedrock('anthropic.claude-sonnet-4-5-…')) }`. The wrapped
 * model's own id is used; the deployment's `model` names it for prices, health and events.
 * Failures map to the error taxonomy (status, Retry-After, in-stream errors); watchdogs and
 * aborts reach the model through its `abortSignal`.
 */
export function aiSdkModel(model: AnyModel, options: AiSdkModelOptions = {}): ProviderAdapter {
  const version = (model as { specificationVersion?: unknown } | null)?.specificationVersion;
  if (version !== 'v4' && version !== 'v3') {
    throw new InvalidArgumentError('model', `Expected an AI SDK language model (specificationVersion "v4" or "v3"), got ${JSON.stringify(version)}.`);
  }
  const wrapped = model as LanguageModelV4;
  const source: AiSdkErrorSource = { provider: wrapped.provider, model: wrapped.modelId };
  const target: AiSdkTarget = { version, kind: KIND, signatureTag: `${KIND}:${wrapped.provider}` };
  return {
    specificationVersion: 'v1',
    kind: KIND,
    capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,

    async doGenerate(request: ProviderRequest, context: ProviderCallContext): Promise<GenerateResult> {
      let result;
      try {
        result = await wrapped.doGenerate(callOptions(request, context, target));
      } catch (error) {
        throw mapAiSdkError(error, source);
      }
      reportHeaders(context, result.response?.headers);
      return convertFromAiSdkResult(result, target.signatureTag, source);
    },

    async doStream(request: ProviderRequest, context: ProviderCallContext): Promise<AsyncIterable<ProviderStreamPart>> {
      let result;
      try {
        result = await wrapped.doStream(callOptions(request, context, target));
      } catch (error) {
        throw mapAiSdkError(error, source);
      }
      reportHeaders(context, result.response?.headers);
      return convertFromAiSdkStream(result.stream, target.signatureTag, source);
    },
  };
}
