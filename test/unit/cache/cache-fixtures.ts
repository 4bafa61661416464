import type { ChatResponse, NormalizedChatRequest as ChatRequest } from '../../../src/client/types.js';
import type { CacheContext } from '../../../src/cache/response-cache.js';

/** A complete, successful answer as the client would pass it to `store`. */
export function answer(text: string, overrides: Partial<ChatResponse> = {}): ChatResponse {
  return {
    text,
    reasoning: [],
    toolCalls: [],
    incompleteToolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    alias: 'fast',
    provider: 'openai',
    model: 'gpt-4o-mini',
    attempts: [],
    message: { role: 'assistant', content: text },
    ...overrides,
  };
}

export function ask(question: string, overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'fast',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: question },
    ],
    temperature: 0,
    ...overrides,
  };
}

export function contextFor(namespace?: string, signal = new AbortController().signal): CacheContext {
  return { requestId: 'request-1', signal, ...(namespace === undefined ? {} : { namespace }) };
}

/** mulberry32: a small seeded generator for reproducible vectors. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
