import type { SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ReasoningPart, ToolCall } from '../client/types.js';
import { parseToolArguments } from '../providers/openai/parse-tool-arguments.js';

/**
 * A reasoning block from the wrapped model. Its provider metadata (Anthropic's signature, …) is
 * kept whole as the opaque `signature`, tagged so it is only replayed to the same model.
 */
export function reasoningFromAiSdk(text: string, providerMetadata: SharedV4ProviderMetadata | undefined, signatureTag: string): ReasoningPart {
  if (!providerMetadata || Object.keys(providerMetadata).length === 0) return { type: 'reasoning', text };
  return { type: 'reasoning', text, signature: JSON.stringify(providerMetadata), provider: signatureTag };
}

/** A tool call from the wrapped model: its JSON input parsed, its provider metadata kept for the replay. */
export function toolCallFromAiSdk(part: { toolCallId: string; toolName: string; input: string; providerMetadata?: SharedV4ProviderMetadata }): ToolCall {
  const parsed = parseToolArguments(part.input);
  return {
    id: part.toolCallId,
    name: part.toolName,
    args: parsed.args,
    ...(parsed.isValid ? {} : { argsText: parsed.argsText }),
    ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
  };
}
