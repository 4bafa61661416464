import type { CacheLookup } from '../cache/response-cache.js';
import type { ChatResponse, RouteInfo, StreamPart } from './types.js';

/**
 * Turns a cache hit into this call's response: no attempts, no usage or cost, `cached` set; and,
 * for a stream, the parts a live answer would have produced. The response, its message and its
 * lists are the caller's own; the items in them are the entry's, frozen (`SemanticCache` freezes
 * what it stores), so no caller can change what a later hit returns.
 */
export function replayCached(hit: CacheLookup, route: RouteInfo | undefined, onPart: ((part: StreamPart) => void) | undefined): ChatResponse {
  const stored = hit.response;
  const response: ChatResponse = {
    ...stored,
    reasoning: [...stored.reasoning],
    toolCalls: [...stored.toolCalls],
    incompleteToolCalls: [...stored.incompleteToolCalls],
    message: copyMessage(stored.message),
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    attempts: [],
    cached: { tier: hit.tier, similarity: hit.similarity, ageMs: hit.ageMs },
    ...(route ? { route } : {}),
  };
  delete (response as { cost?: number }).cost;
  if (onPart) {
    onPart({ type: 'start', alias: response.alias, provider: response.provider, model: response.model, deploymentId: 'cache' });
    for (const reasoning of response.reasoning) if (reasoning.text) onPart({ type: 'reasoning-delta', text: reasoning.text });
    if (response.text) onPart({ type: 'text-delta', text: response.text });
    for (const toolCall of response.toolCalls) onPart({ type: 'tool-call', toolCall });
  }
  return response;
}

function copyMessage(message: ChatResponse['message']): ChatResponse['message'] {
  const copy = { ...message };
  if (message.toolCalls) copy.toolCalls = [...message.toolCalls];
  if (message.reasoning) copy.reasoning = [...message.reasoning];
  return copy;
}
