import type { ProviderStreamPart, ReasoningPart, ToolCall, Usage } from '../../../../src/client/types.js';
import { systemClock, type ProviderCallContext } from '../../../../src/providers/provider.js';
import type { Transport, TransportRequest, TransportResponse } from '../../../../src/transport/transport.js';

/** A fake Gemini key shaped like a real one, so the redaction patterns would also catch it. */
export const TEST_API_KEY = 'AIzaSyTest-gemini-key-0123456789abcdef';

export function callContext(transport: Transport, signal: AbortSignal = new AbortController().signal): ProviderCallContext {
  return { signal, transport, clock: systemClock };
}

/** Frames objects as Gemini does: `data: {json}\r\n\r\n`. */
export function geminiSse(...chunks: readonly unknown[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join('');
}

export async function collectParts(stream: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const parts: ProviderStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** Counts ids `id-1`, `id-2`, … for deterministic tool-call ids. */
export function sequentialIds(prefix = 'id'): () => string {
  let next = 0;
  return () => `${prefix}-${++next}`;
}

/**
 * An in-memory transport that answers every request with a 200 and the given body chunks, with
 * no sockets: for replaying a body hundreds of times with different splits.
 */
export class MemoryTransport implements Transport {
  readonly requests: TransportRequest[] = [];
  cancelled = 0;
  private readonly chunks: () => readonly Uint8Array[];

  constructor(chunks: () => readonly Uint8Array[]) {
    this.chunks = chunks;
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    this.requests.push(request);
    const chunks = this.chunks();
    const onCancel = () => {
      this.cancelled++;
    };
    return {
      status: 200,
      header: () => undefined,
      body: (async function* () {
        for (const chunk of chunks) yield chunk;
      })(),
      text: async () => Buffer.concat(chunks.map((chunk) => Buffer.from(chunk))).toString('utf8'),
      cancel: onCancel,
    };
  }

  async close(): Promise<void> {}
}

/** A minimal JSON object as the Gemini API returns it for one text answer. */
export function textResponse(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'resp-1',
    ...extra,
  };
}

/** What a whole stream (or one `doGenerate`) amounts to, for comparisons across transports. */
export type FoldedResult = {
  text: string;
  reasoning: ReasoningPart[];
  toolCalls: ToolCall[];
  finish: Extract<ProviderStreamPart, { type: 'finish' }> | undefined;
  metadata: Extract<ProviderStreamPart, { type: 'response-metadata' }> | undefined;
  /** The usage of every `usage` part, in order (reported before `finish`, for cut streams). */
  usageParts: Usage[];
};

/** Folds stream parts the way a client would. */
export function foldParts(parts: readonly ProviderStreamPart[]): FoldedResult {
  const folded: FoldedResult = { text: '', reasoning: [], toolCalls: [], finish: undefined, metadata: undefined, usageParts: [] };
  for (const part of parts) {
    if (part.type === 'text-delta') folded.text += part.text;
    else if (part.type === 'reasoning-part') folded.reasoning.push(part.reasoning);
    else if (part.type === 'tool-call') folded.toolCalls.push(part.toolCall);
    else if (part.type === 'finish') folded.finish = part;
    else if (part.type === 'response-metadata') folded.metadata = part;
    else if (part.type === 'usage') folded.usageParts.push(part.usage);
  }
  return folded;
}
