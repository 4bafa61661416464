import type { JSONObject, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ChatResponse, ReasoningPart, ToolCall } from '../client/types.js';
import { METADATA_KEY } from './metadata-key.js';

/**
 * What served the answer, for `providerMetadata.llmResilience`: the alias, provider, model and
 * deployment, every attempt (failed ones included), cost, cache hit and route.
 */
export function convertToAiSdkMetadata(response: ChatResponse): SharedV4ProviderMetadata {
  let deploymentId: string | undefined = response.cached ? 'cache' : undefined;
  const attempts: JSONObject[] = [];
  for (const attempt of response.attempts) {
    if (attempt.outcome === 'success') deploymentId = attempt.deploymentId;
    attempts.push({
      alias: attempt.alias,
      provider: attempt.provider,
      model: attempt.model,
      deploymentId: attempt.deploymentId,
      outcome: attempt.outcome,
      errorCode: attempt.errorCode,
      status: attempt.status,
      latencyMs: attempt.latencyMs,
      timeToFirstTokenMs: attempt.timeToFirstTokenMs,
      cost: attempt.cost,
    });
  }
  const { cached, route } = response;
  return {
    [METADATA_KEY]: {
      alias: response.alias,
      provider: response.provider,
      model: response.model,
      deploymentId,
      requestId: response.requestId,
      attempts,
      cost: response.cost,
      cached: cached ? { tier: cached.tier, similarity: cached.similarity, ageMs: cached.ageMs } : undefined,
      route: route ? { tier: route.tier, reason: route.reason, source: route.source } : undefined,
      refusal: response.refusal,
    },
  };
}

/** A reasoning part's signature, kept in `providerMetadata` so the AI SDK sends it back with the conversation. */
export function reasoningMetadata(part: ReasoningPart | undefined): SharedV4ProviderMetadata | undefined {
  if (!part || (part.signature === undefined && part.redactedData === undefined)) return undefined;
  return { [METADATA_KEY]: { signature: part.signature, redactedData: part.redactedData, provider: part.provider } };
}

/** A tool call's vendor data (Gemini thought signatures), kept for the same round trip. */
export function toolCallMetadata(toolCall: ToolCall): SharedV4ProviderMetadata | undefined {
  return toolCall.providerMetadata ? { [METADATA_KEY]: { toolCall: toolCall.providerMetadata as JSONObject } } : undefined;
}

/** A tool call's input as the JSON text the AI SDK expects. */
export function toolCallInput(toolCall: ToolCall): string {
  return toolCall.argsText ?? JSON.stringify(toolCall.args);
}
