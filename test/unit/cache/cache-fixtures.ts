import type { ChatResponse, NormalizedChatRequest as ChatRequest } from '../../../src/client/types.js';
import type { CacheContext } from '../../../src/cache/response-cache.js';
export { seededRandom } from '../../../src/testing/seeded-random.js';

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

