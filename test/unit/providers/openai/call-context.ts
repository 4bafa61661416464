import type { ProviderStreamPart } from '../../../../src/client/types.js';
import { systemClock, type ProviderCallContext } from '../../../../src/providers/provider.js';
import type { Transport } from '../../../../src/transport/transport.js';

/** A call context over `transport` with a fresh signal unless one is given. */
export function callContext(transport: Transport, signal: AbortSignal = new AbortController().signal): ProviderCallContext {
  return { signal, transport, clock: systemClock };
}

/** Reads a whole adapter stream into an array. */
export async function collectParts(stream: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const parts: ProviderStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** One SSE event line for a Chat Completions chunk. */
export function sseData(value: unknown): string {
  return `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
}

/** A minimal Chat Completions chunk for choice 0. */
export function chunk(delta: Record<string, unknown>, finishReason: string | null = null, index = 0): Record<string, unknown> {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    model: 'gpt-test',
    choices: [{ index, delta, finish_reason: finishReason }],
  };
}

export const USAGE_CHUNK = {
  id: 'chatcmpl-test',
  model: 'gpt-test',
  choices: [],
  usage: {
    prompt_tokens: 10,
    completion_tokens: 5,
    total_tokens: 15,
    prompt_tokens_details: { cached_tokens: 4 },
    completion_tokens_details: { reasoning_tokens: 2 },
  },
};
