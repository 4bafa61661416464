import type { IncompleteToolCall, ProviderStreamPart, ReasoningPart, ToolCall } from '../../../../src/client/types.js';
import { systemClock, type ProviderCallContext } from '../../../../src/providers/provider.js';
import type { Transport, TransportRequest, TransportResponse } from '../../../../src/transport/transport.js';

export const TEST_API_KEY = 'sk-ant-test-0123456789abcdefghij';

/** A call context over `transport` with a fresh signal unless one is given. */
export function callContext(
  transport: Transport,
  signal: AbortSignal = new AbortController().signal,
  headers?: Readonly<Record<string, string>>,
): ProviderCallContext {
  return headers ? { signal, transport, clock: systemClock, headers } : { signal, transport, clock: systemClock };
}

/** Reads a whole adapter stream into an array. */
export async function collectParts(stream: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const parts: ProviderStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** One SSE event as Anthropic frames it: `event:` name, then the JSON `data:` line. */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export function messageStart(usage: Record<string, number> = { input_tokens: 10, output_tokens: 1 }): string {
  return sseEvent('message_start', {
    type: 'message_start',
    message: { id: 'msg_test', type: 'message', role: 'assistant', content: [], model: 'claude-test', stop_reason: null, usage },
  });
}

export function blockStart(index: number, contentBlock: Record<string, unknown>): string {
  return sseEvent('content_block_start', { type: 'content_block_start', index, content_block: contentBlock });
}

export function blockDelta(index: number, delta: Record<string, unknown>): string {
  return sseEvent('content_block_delta', { type: 'content_block_delta', index, delta });
}

export function blockStop(index: number): string {
  return sseEvent('content_block_stop', { type: 'content_block_stop', index });
}

export function messageDelta(stopReason: string, usage: Record<string, number> = { output_tokens: 5 }): string {
  return sseEvent('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage });
}

export const MESSAGE_STOP = sseEvent('message_stop', { type: 'message_stop' });
export const PING = sseEvent('ping', { type: 'ping' });

/** A complete one-block text stream. */
export function textStream(text: string): string[] {
  return [messageStart(), blockStart(0, { type: 'text', text: '' }), blockDelta(0, { type: 'text_delta', text }), blockStop(0), messageDelta('end_turn'), MESSAGE_STOP];
}

/** What a stream produced, folded into one value that is easy to compare. */
export type StreamSummary = {
  text: string;
  reasoningText: string;
  reasoning: ReasoningPart[];
  toolCalls: ToolCall[];
  incompleteToolCalls: IncompleteToolCall[];
  toolArgsText: Record<string, string>;
  finish: Extract<ProviderStreamPart, { type: 'finish' }> | undefined;
  metadata: Extract<ProviderStreamPart, { type: 'response-metadata' }> | undefined;
};

export function summarizeParts(parts: readonly ProviderStreamPart[]): StreamSummary {
  const summary: StreamSummary = {
    text: '',
    reasoningText: '',
    reasoning: [],
    toolCalls: [],
    incompleteToolCalls: [],
    toolArgsText: {},
    finish: undefined,
    metadata: undefined,
  };
  for (const part of parts) {
    switch (part.type) {
      case 'text-delta':
        summary.text += part.text;
        break;
      case 'reasoning-delta':
        summary.reasoningText += part.text;
        break;
      case 'reasoning-part':
        summary.reasoning.push(part.reasoning);
        break;
      case 'tool-call-delta':
        summary.toolArgsText[part.id] = (summary.toolArgsText[part.id] ?? '') + part.argsTextDelta;
        break;
      case 'tool-call':
        summary.toolCalls.push(part.toolCall);
        break;
      case 'tool-call-incomplete':
        summary.incompleteToolCalls.push(part.toolCall);
        break;
      case 'finish':
        summary.finish = part;
        break;
      case 'response-metadata':
        summary.metadata = part;
        break;
    }
  }
  return summary;
}

/** A scripted in-memory reply. */
export type MemoryReply = {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly chunks: readonly (string | Uint8Array)[];
};

/** An in-memory `Transport` (no sockets) for fast re-chunking runs: scripted replies, recorded requests. */
export function memoryTransport(reply: (request: TransportRequest, index: number) => MemoryReply): Transport & {
  readonly requests: TransportRequest[];
} {
  const requests: TransportRequest[] = [];
  const encoder = new TextEncoder();
  return {
    requests,
    async request(request: TransportRequest): Promise<TransportResponse> {
      const scripted = reply(request, requests.length);
      requests.push(request);
      const headers = scripted.headers ?? {};
      let isCancelled = false;
      async function* iterate(): AsyncGenerator<Uint8Array> {
        for (const chunk of scripted.chunks) {
          if (isCancelled) return;
          yield typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
        }
      }
      return {
        status: scripted.status ?? 200,
        header: (name) => headers[name],
        body: iterate(),
        text: async () => scripted.chunks.map((chunk) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))).join(''),
        cancel: () => {
          isCancelled = true;
        },
      };
    },
    async close() {},
  };
}
