import type { GenerateResult, ProviderRequest, ProviderStreamPart } from '../spec/index.js';
import { InvalidArgumentError } from '../../errors/errors.js';
import { registerSecret } from '../../errors/resilient-llm-error.js';
import { expectHttpURL, expectKnownKeys, expectNonEmptyString, expectOneOf, optionKeys } from '../../policy/validate-option.js';
import { buildOpenAIRequestBody, type OpenAIBodyOptions } from '../openai/build-openai-request-body.js';
import { openAIStream } from '../openai/openai-stream.js';
import { parseOpenAIError, type OpenAIErrorContext } from '../openai/parse-openai-error.js';
import { parseOpenAIResponse } from '../openai/parse-openai-response.js';
import { createResponsesAdapter, responsesBodyOptions, type OpenAIResponsesOptions } from '../openai-responses/openai-responses-adapter.js';
import type { ProviderAdapter, ProviderCallContext, ProviderCapabilities } from '../provider.js';
import { postJson, tryParseJson } from '../shared/send.js';
import { azurePromptFilterError } from './azure-content-filter.js';

/** Options of `azureOpenAI()`. Give `resource` or `baseURL`, and `apiKey` or `getToken`. */
export type AzureOpenAIOptions = Pick<OpenAIResponsesOptions, 'reasoning' | 'encryptedReasoning' | 'store' | 'usePreviousResponseId'> & {
  /** The Azure OpenAI resource name: requests go to `https://<resource>.openai.azure.com/openai`. */
  readonly resource?: string;
  /** The API root instead of `resource`, up to and including `/openai` (a proxy, a sovereign cloud). */
  readonly baseURL?: string;
  /** The deployment name. @default the request's model (name your deployments after the models) */
  readonly deployment?: string;
  /**
   * The `api-version` query parameter, or `'v1'` for the versionless `/openai/v1/…` routes.
   * @default '2024-10-21' for Chat Completions, '2025-04-01-preview' for Responses
   */
  readonly apiVersion?: string;
  /** Which API: Chat Completions or Responses. @default 'chat' */
  readonly api?: 'chat' | 'responses';
  /** The resource key, sent as `api-key`. @default process.env.AZURE_OPENAI_API_KEY (when no `getToken`) */
  readonly apiKey?: string | undefined;
  /**
   * Returns a Microsoft Entra ID access token, sent as `Authorization: Bearer <token>` on each call,
   * e.g. `() => credential.getToken('https://cognitiveservices.azure.com/.default').then((t) => t.token)`.
   * Cache tokens in the function (the Azure identity SDK does); it is called on every request.
   */
  readonly getToken?: () => string | Promise<string>;
  /** Extra headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The provider name in errors and events. @default 'azure-openai' */
  readonly name?: string;
};

const DEFAULT_API_VERSION = { chat: '2024-10-21', responses: '2025-04-01-preview' } as const;
const CAPABILITIES: ProviderCapabilities = { tools: true, images: true, jsonOutput: true, prefill: false, embeddings: false };

const AZURE_KEYS = /* @__PURE__ */ optionKeys<AzureOpenAIOptions>()(
  'resource',
  'baseURL',
  'deployment',
  'apiVersion',
  'api',
  'apiKey',
  'getToken',
  'headers',
  'name',
  'reasoning',
  'encryptedReasoning',
  'store',
  'usePreviousResponseId',
);

/**
 * An adapter for Azure OpenAI, over Chat Completions (`/deployments/<deployment>/chat/completions`)
 * or the Responses API (`/responses`, the deployment as `model`). Authenticates with the resource
 * key (`api-key`) or an Entra ID bearer token from `getToken`. Azure's content-filter errors and a
 * `prompt_filter_results` entry marked `filtered` become `ContentFilterError`; its 429s carry
 * `retry-after-ms`, which the retry policy waits out. Keys and tokens never appear in errors.
 */
export function azureOpenAI(options: AzureOpenAIOptions): ProviderAdapter {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', `Expected \`azureOpenAI()\` options to be an object, got ${String(options)}.`);
  }
  expectKnownKeys(options, AZURE_KEYS, '', 'an azureOpenAI() option');
  const api = options.api ?? 'chat';
  expectOneOf('api', api, ['chat', 'responses']);
  if ((options.resource === undefined) === (options.baseURL === undefined)) {
    throw new InvalidArgumentError('resource', 'Expected exactly one of `resource` and `baseURL`.');
  }
  if (options.resource !== undefined && !/^[A-Za-z0-9][A-Za-z0-9-]{1,62}$/.test(options.resource)) {
    throw new InvalidArgumentError('resource', `Expected \`resource\` to be an Azure resource name, got ${JSON.stringify(options.resource)}.`);
  }
  const root = options.baseURL !== undefined ? expectHttpURL('baseURL', options.baseURL) : `https://${options.resource}.openai.azure.com/openai`;
  if (options.deployment !== undefined) expectNonEmptyString('deployment', options.deployment);
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION[api];
  expectNonEmptyString('apiVersion', apiVersion);
  const name = options.name ?? 'azure-openai';
  expectNonEmptyString('name', name);
  const headers: Record<string, string> = {};
  let authHeaders: (() => Promise<Readonly<Record<string, string>>>) | undefined;
  if (options.getToken !== undefined) {
    if (typeof options.getToken !== 'function') {
      throw new InvalidArgumentError('getToken', `Expected \`getToken\` to be a function, got ${typeof options.getToken}.`);
    }
    if (options.apiKey !== undefined) throw new InvalidArgumentError('apiKey', 'Expected one of `apiKey` and `getToken`, not both.');
    authHeaders = bearerTokens(options.getToken);
  } else {
    const apiKey = options.apiKey ?? process.env.AZURE_OPENAI_API_KEY;
    if (typeof apiKey !== 'string' || apiKey === '') {
      // Never echo the value: it may be a key.
      throw new InvalidArgumentError('apiKey', `Expected \`apiKey\` (or AZURE_OPENAI_API_KEY, or \`getToken\`) to be a non-empty string, got ${typeof apiKey}.`);
    }
    registerSecret(apiKey);
    headers['api-key'] = apiKey;
  }
  for (const [key, value] of Object.entries(options.headers ?? {})) headers[key.toLowerCase()] = value;
  const isVersionless = apiVersion === 'v1';
  const query = isVersionless ? '' : `?api-version=${encodeURIComponent(apiVersion)}`;
  const deploymentOf = (request: ProviderRequest) => options.deployment ?? request.model;
  const origin = new URL(root).origin;
  if (api === 'responses') {
    return createResponsesAdapter({
      kind: 'azure-openai',
      name,
      origin,
      url: `${root}${isVersionless ? '/v1' : ''}/responses${query}`,
      headers,
      ...(authHeaders !== undefined ? { authHeaders } : {}),
      bodyModel: deploymentOf,
      bodyOptions: responsesBodyOptions(options, name === 'azure-openai' ? ['azure-openai'] : ['azure-openai', name]),
      capabilities: CAPABILITIES,
    });
  }
  const chatURL = isVersionless
    ? () => `${root}/v1/chat/completions`
    : (deployment: string) => `${root}/deployments/${encodeURIComponent(deployment)}/chat/completions${query}`;
  return azureChatAdapter({ name, origin, headers, authHeaders, chatURL, deploymentOf });
}

/** Calls `getToken` per request and registers each new token as a secret, so it is redacted everywhere. */
function bearerTokens(getToken: () => string | Promise<string>): () => Promise<Readonly<Record<string, string>>> {
  let lastToken: string | undefined;
  let lastHeaders: Readonly<Record<string, string>> = {};
  return async () => {
    const token = await getToken();
    if (typeof token !== 'string' || token === '') {
      throw new InvalidArgumentError('getToken', `Expected \`getToken()\` to return a non-empty string, got ${typeof token}.`);
    }
    if (token !== lastToken) {
      registerSecret(token);
      lastToken = token;
      lastHeaders = { authorization: `Bearer ${token}` };
    }
    return lastHeaders;
  };
}

type AzureChatConfig = {
  readonly name: string;
  readonly origin: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly authHeaders: (() => Promise<Readonly<Record<string, string>>>) | undefined;
  readonly chatURL: (deployment: string) => string;
  readonly deploymentOf: (request: ProviderRequest) => string;
};

function azureChatAdapter(config: AzureChatConfig): ProviderAdapter {
  const bodyOptions: OpenAIBodyOptions = {
    maxTokensField: 'max_completion_tokens',
    providerOptionKeys: config.name === 'azure-openai' ? ['azure-openai'] : ['azure-openai', config.name],
  };
  const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json', ...config.headers };
  const streamHeaders = { 'content-type': 'application/json', accept: 'text/event-stream', ...config.headers };
  const send = async (request: ProviderRequest, context: ProviderCallContext, isStreaming: boolean) => {
    const errorContext: OpenAIErrorContext = { provider: config.name, model: request.model };
    const deployment = config.deploymentOf(request);
    const body = buildOpenAIRequestBody({ ...request, model: deployment }, isStreaming, bodyOptions);
    let headers = isStreaming ? streamHeaders : jsonHeaders;
    if (config.authHeaders) headers = { ...headers, ...(await config.authHeaders()) };
    const response = await postJson(context, config.chatURL(deployment), headers, body, (status, bodyText, reply) =>
      parseOpenAIError(status, bodyText, reply, errorContext),
    );
    return { response, errorContext, requestId: response.header('x-request-id') ?? response.header('apim-request-id') };
  };
  return {
    specificationVersion: 'v1',
    kind: 'azure-openai',
    origins: [config.origin],
    capabilities: CAPABILITIES,
    async doGenerate(request: ProviderRequest, context: ProviderCallContext): Promise<GenerateResult> {
      const { response, errorContext, requestId } = await send(request, context, false);
      const bodyText = await response.text();
      // Parsed twice only when a filter fired: the common answer pays one regex test.
      if (/"filtered"\s*:\s*true/.test(bodyText)) {
        const error = azurePromptFilterError(tryParseJson(bodyText), errorContext, { requestId, hasEmittedOutput: false });
        if (error) throw error;
      }
      return parseOpenAIResponse(bodyText, errorContext, requestId);
    },
    async doStream(request: ProviderRequest, context: ProviderCallContext): Promise<AsyncIterable<ProviderStreamPart>> {
      const { response, errorContext, requestId } = await send(request, context, true);
      return openAIStream(response, {
        context: errorContext,
        requestId,
        requireDone: true,
        inspectChunk: (chunk) => {
          const error = azurePromptFilterError(chunk, errorContext, { requestId, hasEmittedOutput: false });
          if (error) throw error;
        },
      });
    },
  };
}
