import type { ChatResponse, IncompleteToolCall, ToolCall } from '../../../src/client/types.js';

/** A minimal ChatResponse as the client would return it, for driving the tool functions. */
export function fakeResponse(fields: {
  text?: string;
  toolCalls?: ToolCall[];
  incompleteToolCalls?: IncompleteToolCall[];
  usage?: { inputTokens: number; outputTokens: number };
  cost?: number;
  model?: string;
}): ChatResponse {
  const usage = fields.usage ?? { inputTokens: 10, outputTokens: 5 };
  const text = fields.text ?? '';
  const toolCalls = fields.toolCalls ?? [];
  return {
    text,
    reasoning: [],
    toolCalls,
    incompleteToolCalls: fields.incompleteToolCalls ?? [],
    finishReason: toolCalls.length > 0 ? 'tool-calls' : 'stop',
    usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
    ...(fields.cost !== undefined ? { cost: fields.cost } : {}),
    alias: 'fast',
    provider: 'mock',
    model: fields.model ?? 'mock-model',
    attempts: [
      {
        alias: 'fast',
        provider: 'mock',
        model: fields.model ?? 'mock-model',
        deploymentId: 'mock:mock-model',
        outcome: 'success',
        latencyMs: 1,
        startedAt: 0,
      },
    ],
    message: { role: 'assistant', content: text || null, ...(toolCalls.length > 0 ? { toolCalls } : {}) },
  };
}
