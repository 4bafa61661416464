import { randomUUID } from 'node:crypto';
import { ResultAccumulator } from '../shared/result-accumulator.js';
import type { GenerateResult, ProviderRequest, ProviderStreamPart } from '../spec/index.js';
import { InvalidArgumentError, InvalidResponseError } from '../../errors/errors.js';
import { registerSecret } from '../../errors/resilient-llm-error.js';
import { expectKnownKeys, expectObject, optionKeys } from '../../policy/validate-option.js';
import { validateResponseLimits, type ResponseLimits } from '../../transport/response-limits.js';
import type { TransportResponse } from '../../transport/transport.js';
import type { ProviderAdapter, ProviderCallContext } from '../provider.js';
import { postJson, tryParseJson } from '../shared/send.js';
import { buildGeminiRequestBody } from './build-gemini-request-body.js';
import { embedWithGemini, geminiModelPath } from './gemini-embed.js';
import { GeminiResponseReader } from './gemini-response-reader.js';
import { streamGeminiParts } from './gemini-stream.js';
import type { GeminiResponse } from './gemini-wire-types.js';
import { geminiInBandError, parseGeminiError, readGeminiErrorObject, type GeminiErrorContext } from './parse-gemini-error.js';

export type GeminiOptions = ResponseLimits & {
  /**
   * A Gemini API key. Sent as the `x-goog-api-key` header, never in the URL, and scrubbed from errors.
   * @default process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY
   */
  readonly apiKey?: string | undefined;
  /**
   * The API origin (or a gateway's prefix) without the API version, as in Google's Gen AI SDK;
   * `/v1beta` is appended. A URL that already ends in a version (`/v1beta`, `/v1`) is used as it is.
   * @default process.env.GEMINI_BASE_URL ?? 'https://generativelanguage.googleapis.com'
   */
  readonly baseURL?: string;
  /** Extra headers sent with every request (a proxy's auth, tracing). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The provider name stamped on errors. @default 'gemini' */
  readonly name?: string;
  /**
   * Makes ids for tool calls the model sent without one (Gemini 2.x never sends ids).
   * @default () => `call_${crypto.randomUUID()}`
   */
  readonly generateId?: () => string;
};

const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
const DEFAULT_API_VERSION = 'v1beta';
/** A base URL that already names the API version (`…/v1beta`, `…/v1`, `…/v1alpha`). */
const VERSIONED = /\/v\d+(?:alpha|beta)?$/;
const GEMINI_KEYS = /* @__PURE__ */ optionKeys<GeminiOptions>()('apiKey', 'baseURL', 'headers', 'name', 'generateId', 'maxResponseBytes', 'maxEventBytes');

function defaultGenerateId(): string {
  return `call_${randomUUID()}`;
}

function validateOptions(options: GeminiOptions): void {
  if (typeof options?.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new InvalidArgumentError('apiKey', `Expected \`apiKey\` (or GEMINI_API_KEY) to be a non-empty string, got ${options?.apiKey === '' ? 'an empty string' : typeof options?.apiKey}.`);
  }
  if (options.baseURL !== undefined && !/^https?:\/\//.test(options.baseURL)) {
    throw new InvalidArgumentError('baseURL', `Expected \`baseURL\` to be an http(s) URL, got \`${options.baseURL}\`.`);
  }
  if (options.generateId !== undefined && typeof options.generateId !== 'function') {
    throw new InvalidArgumentError('generateId', `Expected \`generateId\` to be a function, got ${typeof options.generateId}.`);
  }
}

/**
 * The Gemini API adapter (`generateContent`, `streamGenerateContent?alt=sse`, `embedContent`,
 * `batchEmbedContents`). See docs/adapter-gemini.md for what is mapped and the quirks handled.
 *
 * @example
 * const llm = new ResilientLLM({ providers: { gemini: gemini({ apiKey: process.env.GEMINI_API_KEY! }) }, … });
 */
export function gemini(given: GeminiOptions = {}): ProviderAdapter {
  expectObject('options', given);
  expectKnownKeys(given, GEMINI_KEYS, '', 'a gemini() option');
  const apiKey = given.apiKey ?? process.env['GEMINI_API_KEY'] ?? process.env['GOOGLE_API_KEY'];
  const environmentURL = process.env['GEMINI_BASE_URL'];
  const options: GeminiOptions & { readonly apiKey: string } = {
    ...given,
    apiKey: apiKey as string,
    ...(given.baseURL === undefined && environmentURL ? { baseURL: environmentURL } : {}),
  };
  validateOptions(options);
  registerSecret(options.apiKey);
  const root = (options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const baseURL = VERSIONED.test(root) ? root : `${root}/${DEFAULT_API_VERSION}`;
  const provider = options.name ?? 'gemini';
  const generateId = options.generateId ?? defaultGenerateId;
  const limits = validateResponseLimits(options);
  const headers: Readonly<Record<string, string>> = {
    ...options.headers,
    'content-type': 'application/json',
    'x-goog-api-key': options.apiKey,
  };
  const origin = /^https?:\/\/[^/]+/.exec(baseURL)?.[0] ?? baseURL;

  const send = (request: ProviderRequest, context: ProviderCallContext, method: string): Promise<TransportResponse> => {
    const errorContext: GeminiErrorContext = { provider, model: request.model };
    return postJson(
      context,
      `${baseURL}/${geminiModelPath(request.model)}:${method}`,
      headers,
      buildGeminiRequestBody(request),
      (status, bodyText, response) => parseGeminiError(status, bodyText, response, errorContext),
      limits,
    );
  };

  return {
    specificationVersion: 'v1',
    kind: 'gemini',
    origins: [origin],
    capabilities: { tools: true, images: true, jsonOutput: true, prefill: false, embeddings: true },

    async doGenerate(request, context) {
      const errorContext: GeminiErrorContext = { provider, model: request.model };
      const response = await send(request, context, 'generateContent');
      let bodyText: string;
      try {
        bodyText = await response.text();
      } finally {
        response.cancel();
      }
      const body = tryParseJson(bodyText);
      const error = readGeminiErrorObject(body);
      if (error) throw geminiInBandError(error, errorContext, false);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new InvalidResponseError('response body is not a JSON object', errorContext);
      }
      const reader = new GeminiResponseReader(errorContext, generateId);
      const parts: ProviderStreamPart[] = [];
      reader.read(body as GeminiResponse, parts);
      if (!reader.hasCandidate) throw new InvalidResponseError('response has no candidates', errorContext);
      // As for a stream: an answer is complete only with its finishReason.
      if (reader.rawFinishReason === undefined) throw new InvalidResponseError('response has no finishReason', errorContext);
      reader.finish(parts);
      return collectResult(parts);
    },

    async doStream(request, context) {
      const errorContext: GeminiErrorContext = { provider, model: request.model };
      const response = await send(request, context, 'streamGenerateContent?alt=sse');
      return streamGeminiParts(response, new GeminiResponseReader(errorContext, generateId), errorContext, limits?.maxEventBytes);
    },

    embed(request, context) {
      return embedWithGemini({ baseURL, headers, provider, ...(limits ? { limits } : {}) }, request, context);
    },
  };
}

/** Folds the parts of one whole response into a `GenerateResult`, as the client folds a stream. */
function collectResult(parts: readonly ProviderStreamPart[]): GenerateResult {
  const accumulator = new ResultAccumulator();
  for (const part of parts) accumulator.add(part);
  return accumulator.result();
}
