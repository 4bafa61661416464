import type { EmbedRequest, EmbedResult, GenerateResult, ProviderRequest, ProviderStreamPart } from '../spec/index.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import { registerSecret } from '../../errors/resilient-llm-error.js';
import { expectKnownKeys, expectObject, expectOneOf, optionKeys } from '../../policy/validate-option.js';
import { validateResponseLimits, type ResponseLimits } from '../../transport/response-limits.js';
import type { ProviderAdapter, ProviderCallContext, ProviderCapabilities } from '../provider.js';
import type { OpenAIAccountOptions } from '../shared/openai-account-options.js';
import { postJson } from '../shared/send.js';
import { buildOpenAIRequestBody, type OpenAIBodyOptions } from './build-openai-request-body.js';
import { openAIEmbed } from './openai-embed.js';
import { openAIStream } from './openai-stream.js';
import { parseOpenAIError, type OpenAIErrorContext } from './parse-openai-error.js';
import { parseOpenAIResponse } from './parse-openai-response.js';

/** Options of `openai()`. */
export type OpenAIOptions = ResponseLimits & OpenAIAccountOptions & {
  /** The API root; `/chat/completions` and `/embeddings` are appended. @default process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1' */
  readonly baseURL?: string;
  /** The provider name in errors, and an extra `providerOptions` key merged into the body. @default 'openai' */
  readonly name?: string;
};

/** Options of `openaiCompatible()`, for any server that speaks Chat Completions. */
export type OpenAICompatibleOptions = ResponseLimits & {
  /** The API root, e.g. `https://openrouter.ai/api/v1`; `/chat/completions` and `/embeddings` are appended. */
  readonly baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>` when given. */
  readonly apiKey?: string | undefined;
  /** Extra headers sent with every request (they override the defaults). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The provider name in errors, and an extra `providerOptions` key merged into the body. @default 'openai-compatible' */
  readonly name?: string;
  /**
   * Whether a stream must end with `data: [DONE]`. Set to `false` for gateways that omit it; a
   * stream that ends after a `finish_reason` is then accepted. @default true
   */
  readonly requireDone?: boolean;
  /** The body field that carries `maxTokens`. @default 'max_tokens' */
  readonly maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** What the server supports, when it differs from the defaults (tools, images, JSON output, embeddings). */
  readonly capabilities?: ProviderCapabilities;
};

type AdapterConfig = {
  readonly kind: 'openai' | 'openai-compatible';
  readonly name: string;
  readonly baseURL: string;
  readonly apiKey: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly requireDone: boolean;
  readonly bodyOptions: OpenAIBodyOptions;
  readonly capabilities: ProviderCapabilities;
  readonly limits: ResponseLimits | undefined;
};

const DEFAULT_CAPABILITIES: ProviderCapabilities = {
  tools: true,
  images: true,
  jsonOutput: true,
  prefill: false,
  embeddings: true,
};

class OpenAIChatAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1' as const;
  readonly kind: string;
  readonly origins: readonly string[];
  readonly capabilities: ProviderCapabilities;
  private readonly name: string;
  private readonly chatURL: string;
  private readonly embeddingsURL: string;
  private readonly requireDone: boolean;
  private readonly bodyOptions: OpenAIBodyOptions;
  private readonly limits: ResponseLimits | undefined;
  // Built once per adapter, not per call.
  private readonly jsonHeaders: Readonly<Record<string, string>>;
  private readonly streamHeaders: Readonly<Record<string, string>>;

  constructor(config: AdapterConfig) {
    this.kind = config.kind;
    this.name = config.name;
    this.origins = [new URL(config.baseURL).origin];
    this.capabilities = config.capabilities;
    this.chatURL = `${config.baseURL}/chat/completions`;
    this.embeddingsURL = `${config.baseURL}/embeddings`;
    this.requireDone = config.requireDone;
    this.bodyOptions = config.bodyOptions;
    this.limits = config.limits;
    const common: Record<string, string> = { 'content-type': 'application/json' };
    if (config.apiKey !== undefined) common.authorization = `Bearer ${config.apiKey}`;
    this.jsonHeaders = { ...common, accept: 'application/json', ...config.headers };
    this.streamHeaders = { ...common, accept: 'text/event-stream', ...config.headers };
  }

  async doGenerate(request: ProviderRequest, context: ProviderCallContext): Promise<GenerateResult> {
    const errorContext: OpenAIErrorContext = { provider: this.name, model: request.model };
    const body = buildOpenAIRequestBody(request, false, this.bodyOptions);
    const response = await postJson(
      context,
      this.chatURL,
      this.jsonHeaders,
      body,
      (status, bodyText, errorResponse) => parseOpenAIError(status, bodyText, errorResponse, errorContext),
      this.limits,
    );
    const requestId = response.header('x-request-id');
    return parseOpenAIResponse(await response.text(), errorContext, requestId);
  }

  async doStream(request: ProviderRequest, context: ProviderCallContext): Promise<AsyncIterable<ProviderStreamPart>> {
    const errorContext: OpenAIErrorContext = { provider: this.name, model: request.model };
    const body = buildOpenAIRequestBody(request, true, this.bodyOptions);
    const response = await postJson(
      context,
      this.chatURL,
      this.streamHeaders,
      body,
      (status, bodyText, errorResponse) => parseOpenAIError(status, bodyText, errorResponse, errorContext),
      this.limits,
    );
    return openAIStream(response, {
      context: errorContext,
      requestId: response.header('x-request-id'),
      requireDone: this.requireDone,
      maxEventBytes: this.limits?.maxEventBytes,
    });
  }

  embed(request: EmbedRequest, context: ProviderCallContext): Promise<EmbedResult> {
    return openAIEmbed(this.embeddingsURL, this.jsonHeaders, request, context, this.name, this.limits);
  }
}

function validateBaseURL(baseURL: unknown): string {
  if (typeof baseURL === 'string') {
    try {
      const url = new URL(baseURL);
      if (url.protocol === 'http:' || url.protocol === 'https:') return baseURL.replace(/\/+$/, '');
    } catch {
      // Reported below.
    }
  }
  throw new InvalidArgumentError('baseURL', `Expected \`baseURL\` to be an http(s) URL, got ${JSON.stringify(baseURL)}.`);
}

function validateName(name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name === 'string' && name !== '') return name;
  throw new InvalidArgumentError('name', `Expected \`name\` to be a non-empty string, got ${JSON.stringify(name)}.`);
}

const OPENAI_KEYS = /* @__PURE__ */ optionKeys<OpenAIOptions>()('apiKey', 'baseURL', 'organization', 'project', 'headers', 'name', 'maxResponseBytes', 'maxEventBytes');
const COMPATIBLE_KEYS = /* @__PURE__ */ optionKeys<OpenAICompatibleOptions>()('baseURL', 'apiKey', 'headers', 'name', 'requireDone', 'maxTokensField', 'capabilities', 'maxResponseBytes', 'maxEventBytes');
const CAPABILITY_KEYS = /* @__PURE__ */ optionKeys<ProviderCapabilities>()('tools', 'images', 'jsonOutput', 'prefill', 'embeddings');

/** An adapter for the OpenAI Chat Completions and Embeddings APIs. */
export function openai(options: OpenAIOptions = {}): ProviderAdapter {
  expectObject('options', options);
  expectKnownKeys(options, OPENAI_KEYS, '', 'an openai() option');
  const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
  if (typeof apiKey !== 'string' || apiKey === '') {
    // Never echo the value: it may be a key.
    throw new InvalidArgumentError('apiKey', `Expected \`apiKey\` (or OPENAI_API_KEY) to be a non-empty string, got ${typeof apiKey}.`);
  }
  registerSecret(apiKey);
  const name = validateName(options.name, 'openai');
  const headers: Record<string, string> = {};
  if (options.organization !== undefined) headers['openai-organization'] = options.organization;
  if (options.project !== undefined) headers['openai-project'] = options.project;
  return new OpenAIChatAdapter({
    kind: 'openai',
    name,
    baseURL: validateBaseURL(options.baseURL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'),
    apiKey,
    headers: { ...headers, ...lowerCaseKeys(options.headers) },
    requireDone: true,
    bodyOptions: {
      maxTokensField: 'max_completion_tokens',
      providerOptionKeys: name === 'openai' ? ['openai'] : ['openai', name],
    },
    capabilities: DEFAULT_CAPABILITIES,
    limits: validateResponseLimits(options),
  });
}

/**
 * An adapter for any server that speaks Chat Completions: DeepSeek, OpenRouter, vLLM, Ollama, a
 * unified gateway. Sends `max_tokens` (what most of them understand) and reads
 * `reasoning_content`/`reasoning` deltas as reasoning.
 */
export function openaiCompatible(options: OpenAICompatibleOptions): ProviderAdapter {
  expectObject('options', options);
  expectKnownKeys(options, COMPATIBLE_KEYS, '', 'an openaiCompatible() option');
  if (options.capabilities !== undefined) {
    expectObject('capabilities', options.capabilities);
    expectKnownKeys(options.capabilities, CAPABILITY_KEYS, 'capabilities');
  }
  if (options.maxTokensField !== undefined) expectOneOf('maxTokensField', options.maxTokensField, ['max_tokens', 'max_completion_tokens']);
  const baseURL = validateBaseURL(options?.baseURL);
  const apiKey = options.apiKey === '' ? undefined : options.apiKey;
  registerSecret(apiKey);
  const name = validateName(options.name, 'openai-compatible');
  if (options.requireDone !== undefined && typeof options.requireDone !== 'boolean') {
    throw new InvalidArgumentError('requireDone', `Expected \`requireDone\` to be a boolean, got ${JSON.stringify(options.requireDone)}.`);
  }
  return new OpenAIChatAdapter({
    kind: 'openai-compatible',
    name,
    baseURL,
    apiKey,
    headers: lowerCaseKeys(options.headers),
    requireDone: options.requireDone ?? true,
    bodyOptions: {
      maxTokensField: options.maxTokensField ?? 'max_tokens',
      providerOptionKeys: name === 'openai-compatible' ? ['openai-compatible'] : ['openai-compatible', name],
    },
    capabilities: options.capabilities ? { ...DEFAULT_CAPABILITIES, ...options.capabilities } : DEFAULT_CAPABILITIES,
    limits: validateResponseLimits(options),
  });
}

function lowerCaseKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers) for (const [key, value] of Object.entries(headers)) result[key.toLowerCase()] = value;
  return result;
}
