import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { StreamPart } from '../../../src/client/types.js';
import { mockProvider } from '../../../src/testing/mock-provider.js';
import { tool } from '../../../src/tools/tool.js';

const weather = tool({
  name: 'get_weather',
  description: 'Current weather',
  parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
  execute: async ({ city, unit }) => `${city}: 21°${unit}`,
});

function client(steps: Parameters<typeof mockProvider>[0]) {
  const provider = mockProvider(steps);
  const llm = new ResilientLLM({ providers: { mock: provider }, models: { main: { provider: 'mock', model: 'm' } } });
  return { llm, provider };
}

const ask = [{ role: 'user' as const, content: 'Weather in Paris?' }];

describe('tools through ResilientLLM', () => {
  it('chat() sends invalid arguments back and returns typed, validated arguments', async () => {
    const { llm, provider } = client([
      { toolCalls: [{ name: 'get_weather', args: { city: 42 } }] },
      { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] },
    ]);
    const repairs: number[] = [];
    llm.on('tool-repair', (event) => repairs.push(event.repair));
    const response = await llm.chat({ model: 'main', messages: ask, tools: [weather], maxToolRepairs: 2 });
    const call = response.toolCalls[0]!;
    expect(call.args).toEqual({ city: 'Paris', unit: 'c' });
    expect(repairs).toEqual([1]);
    expect(provider.calls).toHaveLength(2);
    const second = provider.calls[1]!.request.messages;
    const toolMessage = second.find((message) => message.role === 'tool');
    expect(toolMessage).toMatchObject({ role: 'tool', isError: true });
    expect(String((toolMessage as { content: unknown }).content)).toMatch(/city: expected string/);
    expect(response.attempts.map((attempt) => attempt.toolRepair)).toEqual([undefined, 1]);
  });

  it('stream() emits a reset and the corrected call when the first call is invalid', async () => {
    const { llm } = client([
      { toolCalls: [{ name: 'get_weather', args: { town: 'Paris' } }] },
      { toolCalls: [{ name: 'get_weather', args: { city: 'Paris', unit: 'f' } }] },
    ]);
    const parts: StreamPart[] = [];
    const stream = llm.stream({ model: 'main', messages: ask, tools: [weather] });
    for await (const part of stream) parts.push(part);
    const calls = parts.filter((part) => part.type === 'tool-call');
    expect(calls).toEqual([{ type: 'tool-call', toolCall: expect.objectContaining({ args: { city: 'Paris', unit: 'f' } }) }]);
    const resetAt = parts.findIndex((part) => part.type === 'reset');
    expect(resetAt).toBeGreaterThan(-1);
    expect(parts.findIndex((part) => part.type === 'tool-call')).toBeGreaterThan(resetAt);
    expect((await stream.response).toolCalls[0]!.args).toEqual({ city: 'Paris', unit: 'f' });
  });

  it('chat({ schema }) returns a validated object', async () => {
    const { llm } = client([{ text: '{"name":"Ada","age":"x"}' }, { text: '{"name":"Ada","age":36}' }]);
    const response = await llm.chat({ model: 'main', messages: ask, schema: z.object({ name: z.string(), age: z.number() }) });
    expect(response.object).toEqual({ name: 'Ada', age: 36 });
  });

  it('runTools() executes the tool and returns the final answer with every step', async () => {
    const { llm, provider } = client([{ toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] }, { text: 'It is 21°C in Paris.' }]);
    const result = await llm.runTools({ model: 'main', messages: ask, tools: [weather], maxSteps: 3 });
    expect(result.response.text).toBe('It is 21°C in Paris.');
    expect(result.steps).toHaveLength(2);
    const toolResult = provider.calls[1]!.request.messages.find((message) => message.role === 'tool');
    expect(toolResult).toMatchObject({ content: 'Paris: 21°c' });
  });
});
