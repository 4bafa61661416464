import type { GenerateResult, IncompleteToolCall, ReasoningPart, ToolCall } from '../spec/index.js';
import type { AnthropicResponseBody } from './anthropic-wire-types.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

/**
 * Maps a non-streaming Messages API reply. Text blocks are joined; thinking and redacted-thinking
 * blocks become reasoning parts that keep their signature for the next turn; unknown block types
 * (server tools, citations) are skipped. When `max_tokens` cut the answer, a trailing `tool_use`
 * block is reported as incomplete, never as a valid call.
 */
export function parseAnthropicResponse(body: AnthropicResponseBody, requestId: string | undefined): GenerateResult {
  let text = '';
  const reasoning: ReasoningPart[] = [];
  const toolCalls: ToolCall[] = [];
  const incompleteToolCalls: IncompleteToolCall[] = [];
  const content = Array.isArray(body.content) ? body.content : [];
  const isCut = body.stop_reason === 'max_tokens';
  for (let index = 0; index < content.length; index++) {
    const block = content[index]!;
    switch (block.type) {
      case 'text':
        text += block.text ?? '';
        break;
      case 'thinking':
        reasoning.push(
          block.signature
            ? { type: 'reasoning', text: block.thinking ?? '', signature: block.signature, provider: 'anthropic' }
            : { type: 'reasoning', text: block.thinking ?? '', provider: 'anthropic' },
        );
        break;
      case 'redacted_thinking':
        reasoning.push({ type: 'reasoning', text: '', redactedData: block.data ?? '', provider: 'anthropic' });
        break;
      case 'tool_use': {
        const id = block.id ?? '';
        const name = block.name ?? '';
        const input = block.input;
        const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
        if (isCut && index === content.length - 1) {
          incompleteToolCalls.push({ id, name, argsText: JSON.stringify(input ?? {}) });
        } else if (isObject) {
          toolCalls.push({ id, name, args: input as Record<string, unknown> });
        } else {
          toolCalls.push({ id, name, args: {}, argsText: JSON.stringify(input) ?? '' });
        }
        break;
      }
    }
  }
  const result: GenerateResult = {
    text,
    reasoning,
    toolCalls,
    finishReason: mapAnthropicStopReason(body.stop_reason),
    usage: mapAnthropicUsage(body.usage),
  };
  return {
    ...result,
    ...(incompleteToolCalls.length > 0 ? { incompleteToolCalls } : {}),
    ...(typeof body.stop_reason === 'string' ? { rawFinishReason: body.stop_reason } : {}),
    ...(typeof body.model === 'string' ? { model: body.model } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(typeof body.id === 'string' ? { responseId: body.id } : {}),
  };
}
