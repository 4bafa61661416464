import type { GenerateResult, ProviderRequest, ProviderStreamPart } from '../spec/index.js';
import { InvalidArgumentError, InvalidResponseError } from '../../errors/errors.js';
import { registerSecret } from '../../errors/resilient-llm-error.js';
import { expectKnownKeys, expectObject, expectOneOf, optionKeys } from '../../policy/validate-option.js';
import { validateResponseLimits, type ResponseLimits } from '../../transport/response-limits.js';
import type { ProviderAdapter, ProviderCallContext } from '../provider.js';
import { postJson, tryParseJson } from '../shared/send.js';
import { streamAnthropicParts } from './anthropic-stream.js';
import type { AnthropicErrorEnvelope, AnthropicResponseBody } from './anthropic-wire-types.js';
import { applyAutomaticCacheBreakpoints } from './apply-automatic-cache-breakpoints.js';
import { buildAnthropicRequestBody } from './build-anthropic-request-body.js';
import { anthropicStreamError, parseAnthropicError } from './parse-anthropic-error.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';

export type AnthropicOptions = ResponseLimits & {
  /** The API key, sent as `x-api-key`. @default process.env.ANTHROPIC_API_KEY */
  readonly apiKey?: string | undefined;
  /**
   * The API origin (or a gateway's prefix) without `/v1`, as in Anthropic's SDK and
   * `ANTHROPIC_BASE_URL`; `/v1/messages` is appended. A URL that already ends in `/v1` is accepted
   * as it is. @default process.env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com'
   */
  readonly baseURL?: string;
  /** Extra headers on every request, e.g. `{ 'anthropic-beta': '…' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The `anthropic-version` header. @default '2023-06-01' */
  readonly version?: string;
  /** `max_tokens` when a request sets no `maxTokens` (the API requires one). @default 4096 */
  readonly defaultMaxTokens?: number;
  /** The provider name in errors and events. @default 'anthropic' */
  readonly name?: string;
  /**
   * Prompt caching. `cacheControl` markers on messages and tools are always sent; `'auto'` also
   * marks the longest stable prefix (earlier turns, system, tools) within Anthropic's limit of
   * four breakpoints, with the 5-minute TTL, or the TTL given as `{ mode: 'auto', ttl: '1h' }`.
   * @default 'off'
   */
  readonly promptCaching?: 'off' | 'auto' | { readonly mode: 'off' | 'auto'; readonly ttl?: '5m' | '1h' };
};

/**
 * An adapter for the Anthropic Messages API (`POST {baseURL}/messages`), streaming and not.
 * Set Anthropic-only fields (`thinking`, `metadata`, `top_k`, …) via `providerOptions.anthropic`.
 */
const ANTHROPIC_KEYS = /* @__PURE__ */ optionKeys<AnthropicOptions>()('apiKey', 'baseURL', 'headers', 'version', 'defaultMaxTokens', 'name', 'maxResponseBytes', 'maxEventBytes', 'promptCaching');

export function anthropic(options: AnthropicOptions = {}): ProviderAdapter {
  expectObject('options', options);
  expectKnownKeys(options, ANTHROPIC_KEYS, '', 'an anthropic() option');
  const apiKey = options.apiKey ?? process.env['ANTHROPIC_API_KEY'];
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new InvalidArgumentError('apiKey', 'Expected `apiKey` to be a non-empty string (or ANTHROPIC_API_KEY to be set), got nothing.');
  }
  registerSecret(apiKey);
  const defaultMaxTokens = options.defaultMaxTokens ?? 4096;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) {
    throw new InvalidArgumentError('defaultMaxTokens', `Expected \`defaultMaxTokens\` to be a positive integer, got ${defaultMaxTokens}.`);
  }
  // The origin without `/v1`, as Anthropic's SDKs and ANTHROPIC_BASE_URL name it; the versioned
  // form (this library's convention before 0.2) still works.
  const root = (options.baseURL ?? (process.env['ANTHROPIC_BASE_URL'] || 'https://api.anthropic.com')).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(root)) {
    throw new InvalidArgumentError('baseURL', `Expected \`baseURL\` to be an http(s) URL, got ${JSON.stringify(options.baseURL ?? root)}.`);
  }
  const baseURL = root.endsWith('/v1') ? root : `${root}/v1`;
  const provider = options.name ?? 'anthropic';
  const limits = validateResponseLimits(options);
  const caching = readPromptCaching(options.promptCaching);
  const buildBody = (request: ProviderRequest, isStreaming: boolean) => {
    const body = buildAnthropicRequestBody(request, defaultMaxTokens, isStreaming);
    if (caching !== undefined) applyAutomaticCacheBreakpoints(body, caching);
    return body;
  };
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
      const body = buildBody(request, false);
      const response = await postJson(context, url, jsonHeaders, body, (status, text, reply) => parseAnthropicError(status, text, reply, source), limits);
      const requestId = response.header('request-id');
      const text = await response.text();
      const parsed = tryParseJson(text);
      const details = { ...source, status: response.status, ...(requestId !== undefined ? { requestId } : {}) };
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new InvalidResponseError('response body is not a JSON object', details);
      }
      // Gateways and proxies may answer 200 with the error envelope: the error it names, not an answer.
      const envelope = parsed as AnthropicErrorEnvelope;
      if (envelope.type === 'error' || (typeof envelope.error === 'object' && envelope.error !== null)) {
        throw anthropicStreamError(envelope, { ...source, ...(requestId !== undefined ? { requestId } : {}), hasEmittedOutput: false });
      }
      // A message always has its content blocks and, once complete, a stop reason.
      const message = parsed as AnthropicResponseBody;
      if (!Array.isArray(message.content) || typeof message.stop_reason !== 'string') {
        throw new InvalidResponseError('response body is not a complete message (no content or stop_reason)', details);
      }
      return parseAnthropicResponse(message, requestId);
    },

    async doStream(request: ProviderRequest, context: ProviderCallContext): Promise<AsyncIterable<ProviderStreamPart>> {
      const source = { provider, model: request.model };
      const body = buildBody(request, true);
      const response = await postJson(context, url, streamHeaders, body, (status, text, reply) => parseAnthropicError(status, text, reply, source), limits);
      return streamAnthropicParts(response, source, limits?.maxEventBytes);
    },
  };
}

/** The TTL of automatic caching, or undefined when it is off. */
function readPromptCaching(option: AnthropicOptions['promptCaching']): '5m' | '1h' | undefined {
  if (option === undefined || option === 'off') return undefined;
  if (option === 'auto') return '5m';
  if (typeof option !== 'object' || option === null) {
    throw new InvalidArgumentError('promptCaching', `Expected \`promptCaching\` to be 'off', 'auto' or { mode, ttl }, got ${JSON.stringify(option)}.`);
  }
  expectOneOf('promptCaching.mode', option.mode, ['off', 'auto']);
  if (option.ttl !== undefined) expectOneOf('promptCaching.ttl', option.ttl, ['5m', '1h']);
  return option.mode === 'auto' ? (option.ttl ?? '5m') : undefined;
}
