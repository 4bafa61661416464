import type { EmbedRequest, EmbedResult } from '../spec/index.js';
import { InvalidResponseError } from '../../errors/errors.js';
import { embeddingResponseLimit, type ResponseLimits } from '../../transport/response-limits.js';
import type { ProviderCallContext } from '../provider.js';
import { postJson } from '../shared/send.js';
import { openAIInBandError, parseOpenAIError, readOpenAIErrorObject, type OpenAIErrorContext } from './parse-openai-error.js';

/** Decodes a base64 string of little-endian float32 values. */
export function decodeFloat32Base64(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.byteLength >>> 2);
  for (let index = 0; index < values.length; index++) values[index] = view.getFloat32(index * 4, true);
  return values;
}

type WireEmbedding = { readonly index?: unknown; readonly embedding?: unknown };

/**
 * `POST /embeddings`. Asks for base64 by default (about a quarter of the bytes of a float array)
 * and decodes either encoding to `Float32Array`, ordered by `data[].index`.
 */
export async function openAIEmbed(
  url: string,
  headers: Readonly<Record<string, string>>,
  request: EmbedRequest,
  context: ProviderCallContext,
  provider: string,
  limits?: ResponseLimits,
): Promise<EmbedResult> {
  const errorContext: OpenAIErrorContext = { provider, model: request.model };
  const encoding = request.encoding ?? 'base64';
  const body: Record<string, unknown> = { model: request.model, input: request.input, encoding_format: encoding };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  const response = await postJson(
    context,
    url,
    headers,
    body,
    (status, bodyText, errorResponse) => parseOpenAIError(status, bodyText, errorResponse, errorContext),
    { maxResponseBytes: embeddingResponseLimit(limits?.maxResponseBytes, request.input.length, request.dimensions, encoding === 'base64' ? 5.4 : 32) },
  );
  const requestId = response.header('x-request-id');
  const details = { ...errorContext, ...(requestId !== undefined ? { requestId } : {}) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await response.text());
  } catch (error) {
    throw new InvalidResponseError('embeddings body is not JSON', { ...details, cause: error });
  }
  const inBandError = readOpenAIErrorObject(parsed);
  if (inBandError) throw openAIInBandError(inBandError, errorContext, { requestId, hasEmittedOutput: false });
  const wire = parsed as { data?: unknown; model?: unknown; usage?: { prompt_tokens?: unknown } | null };
  if (!Array.isArray(wire.data) || wire.data.length !== request.input.length) {
    throw new InvalidResponseError(`expected ${request.input.length} embeddings`, details);
  }
  const embeddings = new Array<Float32Array>(request.input.length);
  for (let position = 0; position < wire.data.length; position++) {
    const item = wire.data[position] as WireEmbedding;
    const index = typeof item.index === 'number' ? item.index : position;
    const vector = item.embedding;
    if (index < 0 || index >= embeddings.length || embeddings[index] !== undefined) {
      throw new InvalidResponseError(`embedding index ${index} is out of range or repeated`, details);
    }
    if (typeof vector === 'string') embeddings[index] = decodeFloat32Base64(vector);
    else if (Array.isArray(vector)) embeddings[index] = Float32Array.from(vector as number[]);
    else throw new InvalidResponseError(`embedding ${index} is neither a float array nor base64`, details);
  }
  const inputTokens = wire.usage?.prompt_tokens;
  return {
    embeddings,
    ...(typeof wire.model === 'string' ? { model: wire.model } : {}),
    ...(typeof inputTokens === 'number' ? { usage: { inputTokens } } : {}),
  };
}
