import type { EmbedRequest, EmbedResult } from '../spec/index.js';
import { InvalidResponseError } from '../../errors/errors.js';
import { embeddingResponseLimit, type ResponseLimits } from '../../transport/response-limits.js';
import type { ProviderCallContext } from '../provider.js';
import { postJson, tryParseJson } from '../shared/send.js';
import { parseGeminiError, type GeminiErrorContext } from './parse-gemini-error.js';

/** Where and how to send an embedding call. */
export type GeminiEmbedTarget = {
  /** The versioned API root, `https://…/v1beta`, without a trailing slash. */
  readonly baseURL: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly provider: string;
  readonly limits?: ResponseLimits;
};

/** `gemini-embedding-001` → `models/gemini-embedding-001`; `tunedModels/x` stays as it is. */
export function geminiModelPath(model: string): string {
  return model.includes('/') ? model : `models/${model}`;
}

function toFloat32(values: unknown, context: GeminiErrorContext): Float32Array {
  if (!Array.isArray(values) || values.some((value) => typeof value !== 'number')) {
    throw new InvalidResponseError('embedding without numeric `values`', context);
  }
  return Float32Array.from(values as number[]);
}

/**
 * Embeds texts: one input goes to `:embedContent`, several to `:batchEmbedContents` (one request
 * per input, answered in order). Returns one `Float32Array` per input, in input order.
 */
export async function embedWithGemini(target: GeminiEmbedTarget, request: EmbedRequest, context: ProviderCallContext): Promise<EmbedResult> {
  const errorContext: GeminiErrorContext = { provider: target.provider, model: request.model };
  if (request.input.length === 0) return { embeddings: [], model: request.model };
  const modelPath = geminiModelPath(request.model);
  const dimensions = request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {};
  const parseError = (status: number, bodyText: string, response: Parameters<typeof parseGeminiError>[2]) =>
    parseGeminiError(status, bodyText, response, errorContext);
  const isSingle = request.input.length === 1;
  const body = isSingle
    ? { content: { parts: [{ text: request.input[0] }] }, ...dimensions }
    : { requests: request.input.map((text) => ({ model: modelPath, content: { parts: [{ text }] }, ...dimensions })) };
  const url = `${target.baseURL}/${modelPath}:${isSingle ? 'embedContent' : 'batchEmbedContents'}`;
  const maxResponseBytes = embeddingResponseLimit(target.limits?.maxResponseBytes, request.input.length, request.dimensions, 32);
  const response = await postJson(context, url, target.headers, body, parseError, { maxResponseBytes });
  const parsed = tryParseJson(await response.text()) as
    | { embedding?: { values?: unknown }; embeddings?: readonly ({ values?: unknown } | null)[] }
    | undefined;
  if (isSingle) {
    return { embeddings: [toFloat32(parsed?.embedding?.values, errorContext)], model: request.model };
  }
  const embeddings = parsed?.embeddings;
  if (!Array.isArray(embeddings) || embeddings.length !== request.input.length) {
    throw new InvalidResponseError(
      `expected ${request.input.length} embeddings, got ${Array.isArray(embeddings) ? embeddings.length : 'none'}`,
      errorContext,
    );
  }
  return { embeddings: embeddings.map((embedding) => toFloat32(embedding?.values, errorContext)), model: request.model };
}
