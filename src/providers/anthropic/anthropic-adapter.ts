import type { GenerateResult, ProviderRequest, ProviderStreamPart } from '../../client/types.js';
import { InvalidArgumentError, InvalidResponseError } from '../../errors/errors.js';
import { registerSecret } from '../../errors/resilient-llm-error.js';
import { validateResponseLimits, type ResponseLimits } from '../../transport/response-limits.js';
import type { ProviderAdapter, ProviderCallContext } from '../provider.js';
import { postJson, tryParseJson } from '../shared/send.js';
import { streamAnthropicParts } from './anthropic-stream.js';
import type { AnthropicResponseBody } from './anthropic-wire-types.js';
import { buildAnthropicRequestBody } from './build-anthropic-request-body.js';
import { parseAnthropicError } from './parse-anthropic-error.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';

export type AnthropicOptions = ResponseLimits & {
  /** The API key, sent as `x-api-key`. @default process.env.ANTHROPIC_API_KEY */
  readonly apiKey?: string | undefined;
  /** The API root including `/v1`; `/messages` is appended. @default `${process.env.ANTHROPIC_BASE_URL}/v1`, else 'https://api.anthropic.com/v1' */
  readonly baseURL?: string;
  /** Extra headers on every request, e.g. `{ 'anthropic-beta': '…' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The `anthropic-version` header. @default '2023-06-01' */
  readonly version?: string;
  /** `max_tokens` when a request sets no `maxTokens` (the API requires one). @default 4096 */
  readonly defaultMaxTokens?: number;
  /** The provider name in errors and events. @default 'anthropic' */
  readonly name?: string;
};

/**
 * An adapter for the Anthropic Messages API (`POST {baseURL}/messages`), streaming and not.
 * Set Anthropic-only fields (`thinking`, `metadata`, `top_k`, …) via `providerOptions.anthropic`.
 */
export function anthropic(options: AnthropicOptions = {}): ProviderAdapter {
  const apiKey = options.apiKey ?? process.env['ANTHROPIC_API_KEY'];
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new InvalidArgumentError('apiKey', 'Expected `apiKey` to be a non-empty string (or ANTHROPIC_API_KEY to be set), got nothing.');
  }
  registerSecret(apiKey);
  const defaultMaxTokens = options.defaultMaxTokens ?? 4096;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) {
    throw new InvalidArgumentError('defaultMaxTokens', `Expected \`defaultMaxTokens\` to be a positive integer, got ${defaultMaxTokens}.`);
  }
  // ANTHROPIC_BASE_URL names the API root without `/v1`, as in Anthropic's own SDKs.
  const environmentRoot = process.env['ANTHROPIC_BASE_URL']?.replace(/\/+$/, '');
  const baseURL = (options.baseURL ?? (environmentRoot ? `${environmentRoot}/v1` : 'https://api.anthropic.com/v1')).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseURL)) {
    throw new InvalidArgumentError('baseURL', `Expected \`baseURL\` to be an http(s) URL, got ${JSON.stringify(options.baseURL)}.`);
  }
  const provider = options.name ?? 'anthropic';
  const limits = validateResponseLimits(options);
  const url = `${baseURL}/messages`;
  const commonHeaders = {
    'x-api-key': apiKey,
    'anthropic-version': options.version ?? '2023-06-01',
    'content-type': 'application/json',
  };
  const jsonHeaders = { ...commonHeaders, accept: 'application/json', ...options.headers };
  const streamHeaders = { ...commonHeaders, accept: 'text/event-stream', ...options.headers };

  return {
    specificationVersion: 'v1',
    kind: 'anthropic',
    origins: [new URL(baseURL).origin],
    capabilities: { tools: true, images: true, jsonOutput: true, prefill: true, embeddings: false },

    async doGenerate(request: ProviderRequest, context: ProviderCallContext): Promise<GenerateResult> {
      const source = { provider, model: request.model };
      const body = buildAnthropicRequestBody(request, defaultMaxTokens, false);
      const response = await postJson(context, url, jsonHeaders, body, (status, text, reply) => parseAnthropicError(status, text, reply, source), limits);
      const requestId = response.header('request-id');
      const text = await response.text();
      const parsed = tryParseJson(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new InvalidResponseError('response body is not a JSON object', {
          ...source,
          status: response.status,
          ...(requestId !== undefined ? { requestId } : {}),
        });
      }
      return parseAnthropicResponse(parsed as AnthropicResponseBody, requestId);
    },

    async doStream(request: ProviderRequest, context: ProviderCallContext): Promise<AsyncIterable<ProviderStreamPart>> {
      const source = { provider, model: request.model };
      const body = buildAnthropicRequestBody(request, defaultMaxTokens, true);
      const response = await postJson(context, url, streamHeaders, body, (status, text, reply) => parseAnthropicError(status, text, reply, source), limits);
      return streamAnthropicParts(response, source, limits?.maxEventBytes);
    },
  };
}
