/** The texts an embedding request asks for, per protocol. */
export function embeddingInputs(protocol: 'openai' | 'gemini', body: unknown): string[] {
  const record = (body ?? {}) as Record<string, unknown>;
  if (protocol === 'openai') {
    const input = record.input;
    if (typeof input === 'string') return [input];
    if (Array.isArray(input)) return input.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
    return [];
  }
  const textOf = (content: unknown) =>
    (((content as { parts?: { text?: unknown }[] } | undefined)?.parts ?? []) as { text?: unknown }[])
      .map((part) => (typeof part.text === 'string' ? part.text : ''))
      .join('');
  if (Array.isArray(record.requests)) return record.requests.map((request: { content?: unknown }) => textOf(request?.content));
  return [textOf(record.content)];
}

/** Requested vector length, if the request names one. */
export function embeddingDimensions(protocol: 'openai' | 'gemini', body: unknown): number | undefined {
  const record = (body ?? {}) as Record<string, unknown>;
  const first = Array.isArray(record.requests) ? (record.requests[0] as Record<string, unknown> | undefined) : record;
  const value = protocol === 'openai' ? record.dimensions : first?.outputDimensionality;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** A float32 vector as little-endian base64, as OpenAI's `encoding_format: "base64"` sends it. */
export function float32Base64(vector: readonly number[] | Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index] ?? 0, index * 4);
  return bytes.toString('base64');
}

/** OpenAI's `/v1/embeddings` reply, pretty-printed as the API does. */
export function openaiEmbeddingBody(body: unknown, vectors: readonly (readonly number[])[], model: string, inputTokens: number): string {
  const isBase64 = (body as { encoding_format?: unknown } | null)?.encoding_format === 'base64';
  return JSON.stringify(
    {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: isBase64 ? float32Base64(vector) : Array.from(vector),
      })),
      model,
      usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
    },
    null,
    2,
  );
}

/** Gemini's `embedContent` (one vector) or `batchEmbedContents` (several) reply. */
export function geminiEmbeddingBody(isBatch: boolean, vectors: readonly (readonly number[])[]): string {
  const embeddings = vectors.map((vector) => ({ values: Array.from(vector) }));
  return JSON.stringify(isBatch ? { embeddings } : { embedding: embeddings[0] ?? { values: [] } }, null, 2);
}
