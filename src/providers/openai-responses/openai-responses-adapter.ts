import type { GenerateResult, ProviderRequest, ProviderStreamPart } from '../spec/index.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import { registerSecret } from '../../errors/resilient-llm-error.js';
import { expectBoolean, expectHttpURL, expectKnownKeys, expectNonEmptyString, expectObject, expectOneOf, optionKeys } from '../../policy/validate-option.js';
import type { ProviderAdapter, ProviderCallContext, ProviderCapabilities } from '../provider.js';
import { parseOpenAIError, type OpenAIErrorContext } from '../openai/parse-openai-error.js';
import type { OpenAIAccountOptions } from '../shared/openai-account-options.js';
import { postJson } from '../shared/send.js';
import { buildResponsesRequestBody, type ResponsesBodyOptions } from './build-responses-request-body.js';
import { parseResponsesResponse } from './parse-responses-response.js';
import { responsesStream } from './responses-stream.js';

/** `reasoning` sent with every request: how hard reasoning models think and whether they summarize. */
export type ResponsesReasoningOptions = {
  readonly effort?: 'minimal' | 'low' | 'medium' | 'high';
  readonly summary?: 'auto' | 'concise' | 'detailed';
};

/** Options of `openaiResponses()`. */
export type OpenAIResponsesOptions = OpenAIAccountOptions & {
  /** The API root; `/responses` is appended. @default process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1' */
  readonly baseURL?: string;
  /** The provider name in errors, and an extra `providerOptions` key merged into the body. @default 'openai-responses' */
  readonly name?: string;
  /** `reasoning` sent with every request (per-request: `providerOptions['openai-responses'].reasoning`). */
  readonly reasoning?: ResponsesReasoningOptions;
  /**
   * Ask for `reasoning.encrypted_content`, kept in the returned message and sent back next turn, so
   * reasoning carries over without server-side storage. @default true when `reasoning` is set
   */
  readonly encryptedReasoning?: boolean;
  /** Sent as `store` (whether OpenAI keeps the response). Unset, the API's default applies. */
  readonly store?: boolean;
  /**
   * Opt-in: when the conversation's last assistant turn came from this API, send its id as
   * `previous_response_id` and only the turns after it. Needs `store` not `false`, and the same
   * organization on every deployment of the chain (another one has no such response). @default false
   */
  readonly usePreviousResponseId?: boolean;
};

/** How a Responses deployment is reached; shared with `azureOpenAI()`. */
export type ResponsesAdapterConfig = {
  readonly kind: string;
  readonly name: string;
  readonly origin: string;
  /** The full `…/responses` URL, query included. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Per-call auth headers (a bearer token from a user function); undefined when `headers` carry the key. */
  readonly authHeaders?: () => Promise<Readonly<Record<string, string>>>;
  /** The body's `model`, when it is not the request's (an Azure deployment name). */
  readonly bodyModel?: (request: ProviderRequest) => string;
  readonly bodyOptions: ResponsesBodyOptions;
  readonly capabilities: ProviderCapabilities;
};

const CAPABILITIES: ProviderCapabilities = { tools: true, images: true, jsonOutput: true, prefill: false, embeddings: false };

/** The Responses adapter behind `openaiResponses()` and `azureOpenAI({ api: 'responses' })`. */
export function createResponsesAdapter(config: ResponsesAdapterConfig): ProviderAdapter {
  const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json', ...config.headers };
  const streamHeaders = { 'content-type': 'application/json', accept: 'text/event-stream', ...config.headers };
  const send = async (request: ProviderRequest, context: ProviderCallContext, isStreaming: boolean) => {
    const errorContext: OpenAIErrorContext = { provider: config.name, model: request.model };
    const wireRequest = config.bodyModel ? { ...request, model: config.bodyModel(request) } : request;
    const body = buildResponsesRequestBody(wireRequest, isStreaming, config.bodyOptions);
    let headers = isStreaming ? streamHeaders : jsonHeaders;
    if (config.authHeaders) headers = { ...headers, ...(await config.authHeaders()) };
    const response = await postJson(context, config.url, headers, body, (status, bodyText, reply) =>
      parseOpenAIError(status, bodyText, reply, errorContext),
    );
    return { response, errorContext };
  };
  return {
    specificationVersion: 'v1',
    kind: config.kind,
    origins: [config.origin],
    capabilities: config.capabilities,
    async doGenerate(request: ProviderRequest, context: ProviderCallContext): Promise<GenerateResult> {
      const { response, errorContext } = await send(request, context, false);
      return parseResponsesResponse(await response.text(), errorContext, response.header('x-request-id'));
    },
    async doStream(request: ProviderRequest, context: ProviderCallContext): Promise<AsyncIterable<ProviderStreamPart>> {
      const { response, errorContext } = await send(request, context, true);
      return responsesStream(response, { context: errorContext, requestId: response.header('x-request-id') });
    },
  };
}

/** Validates the Responses-only options shared by `openaiResponses()` and `azureOpenAI()`. */
export function responsesBodyOptions(
  options: Pick<OpenAIResponsesOptions, 'reasoning' | 'encryptedReasoning' | 'store' | 'usePreviousResponseId'>,
  providerOptionKeys: readonly string[],
): ResponsesBodyOptions {
  if (options.reasoning !== undefined) {
    if (typeof options.reasoning !== 'object' || options.reasoning === null) {
      throw new InvalidArgumentError('reasoning', `Expected \`reasoning\` to be an object, got ${JSON.stringify(options.reasoning)}.`);
    }
    if (options.reasoning.effort !== undefined) expectOneOf('reasoning.effort', options.reasoning.effort, ['minimal', 'low', 'medium', 'high']);
    if (options.reasoning.summary !== undefined) expectOneOf('reasoning.summary', options.reasoning.summary, ['auto', 'concise', 'detailed']);
  }
  if (options.encryptedReasoning !== undefined) expectBoolean('encryptedReasoning', options.encryptedReasoning);
  if (options.store !== undefined) expectBoolean('store', options.store);
  if (options.usePreviousResponseId !== undefined) expectBoolean('usePreviousResponseId', options.usePreviousResponseId);
  return {
    providerOptionKeys,
    store: options.store,
    usePreviousResponseId: options.usePreviousResponseId ?? false,
    reasoning: options.reasoning,
    includeEncryptedReasoning: options.encryptedReasoning ?? options.reasoning !== undefined,
  };
}

const RESPONSES_KEYS = /* @__PURE__ */ optionKeys<OpenAIResponsesOptions>()(
  'apiKey',
  'baseURL',
  'organization',
  'project',
  'headers',
  'name',
  'reasoning',
  'encryptedReasoning',
  'store',
  'usePreviousResponseId',
);

/**
 * An adapter for the OpenAI Responses API (`POST {baseURL}/responses`), streaming and not: text,
 * images, function tools, structured output (`text.format`), reasoning summaries and encrypted
 * reasoning carried between turns, and `previous_response_id` as an opt-in. A factory of its own
 * rather than an `openai()` option: its options (reasoning, store, previous response ids) and its
 * conversation state differ from Chat Completions, and a chain can hold both side by side.
 */
export function openaiResponses(options: OpenAIResponsesOptions = {}): ProviderAdapter {
  expectObject('options', options);
  expectKnownKeys(options, RESPONSES_KEYS, '', 'an openaiResponses() option');
  const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
  if (typeof apiKey !== 'string' || apiKey === '') {
    // Never echo the value: it may be a key.
    throw new InvalidArgumentError('apiKey', `Expected \`apiKey\` (or OPENAI_API_KEY) to be a non-empty string, got ${typeof apiKey}.`);
  }
  registerSecret(apiKey);
  const name = options.name ?? 'openai-responses';
  expectNonEmptyString('name', name);
  const baseURL = expectHttpURL('baseURL', options.baseURL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1');
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
  if (options.organization !== undefined) headers['openai-organization'] = options.organization;
  if (options.project !== undefined) headers['openai-project'] = options.project;
  for (const [key, value] of Object.entries(options.headers ?? {})) headers[key.toLowerCase()] = value;
  return createResponsesAdapter({
    kind: 'openai-responses',
    name,
    origin: new URL(baseURL).origin,
    url: `${baseURL}/responses`,
    headers,
    bodyOptions: responsesBodyOptions(options, name === 'openai-responses' ? ['openai-responses'] : ['openai-responses', name]),
    capabilities: CAPABILITIES,
  });
}
