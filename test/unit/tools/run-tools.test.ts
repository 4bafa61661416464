import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { NormalizedChatRequest as ChatRequest, ChatResponse } from '../../../src/client/types.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import { runTools } from '../../../src/tools/run-tools.js';
import { tool } from '../../../src/tools/tool.js';
import { fakeResponse } from './fake-response.js';

function scripted(responses: ChatResponse[]) {
  const requests: ChatRequest[] = [];
  const call = async (request: ChatRequest) => {
    requests.push(request);
    return responses[Math.min(requests.length - 1, responses.length - 1)]!;
  };
  return { requests, call };
}

const messages = [{ role: 'user' as const, content: 'Weather in Paris and Oslo?' }];

describe('runTools', () => {
  it('runs the calls of a turn concurrently with validated arguments and sends the results back', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const weather = tool({
      name: 'get_weather',
      parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
      execute: async ({ city, unit }) => {
        started.push(city);
        // Both calls must have started before either finishes: they run concurrently.
        if (started.length === 2) release();
        await gate;
        return { city, unit, temperature: city === 'Paris' ? 21 : 4 };
      },
    });
    const { requests, call } = scripted([
      fakeResponse({ toolCalls: [{ id: 'a', name: 'get_weather', args: { city: 'Paris' } }, { id: 'b', name: 'get_weather', args: { city: 'Oslo' } }] }),
      fakeResponse({ text: 'Paris 21°C, Oslo 4°C.' }),
    ]);
    const result = await runTools({ messages, tools: [weather], request: { model: 'fast' }, call });
    expect(result.stopReason).toBe('final-answer');
    expect(result.response.text).toBe('Paris 21°C, Oslo 4°C.');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.executions.map((execution) => execution.result)).toEqual([
      { city: 'Paris', unit: 'c', temperature: 21 },
      { city: 'Oslo', unit: 'c', temperature: 4 },
    ]);
    expect(requests[1]!.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        toolCalls: [
          { id: 'a', name: 'get_weather', args: { city: 'Paris', unit: 'c' } },
          { id: 'b', name: 'get_weather', args: { city: 'Oslo', unit: 'c' } },
        ],
      },
      { role: 'tool', toolCallId: 'a', toolName: 'get_weather', content: { city: 'Paris', unit: 'c', temperature: 21 } },
      { role: 'tool', toolCallId: 'b', toolName: 'get_weather', content: { city: 'Oslo', unit: 'c', temperature: 4 } },
    ]);
    expect(result.messages).toHaveLength(5);
    expect(result.usage).toEqual({ inputTokens: 20, outputTokens: 10, totalTokens: 30 });
  });

  it('returns a thrown tool error to the model as an error result', async () => {
    const failing = tool({
      name: 'lookup',
      parameters: z.object({ id: z.string() }),
      execute: async () => {
        throw new RangeError('no such id');
      },
    });
    const { requests, call } = scripted([fakeResponse({ toolCalls: [{ id: 'a', name: 'lookup', args: { id: 'x' } }] }), fakeResponse({ text: 'Not found.' })]);
    const result = await runTools({ messages, tools: [failing], request: { model: 'fast' }, call });
    expect(requests[1]!.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'a', toolName: 'lookup', content: 'RangeError: no such id', isError: true });
    expect(result.steps[0]!.executions[0]).toMatchObject({ isError: true, result: 'RangeError: no such id' });
    expect(result.stopReason).toBe('final-answer');
  });

  it('repairs invalid arguments before executing anything', async () => {
    const seen: unknown[] = [];
    const echo = tool({ name: 'echo', parameters: z.object({ n: z.number() }), execute: (args) => seen.push(args) });
    const { requests, call } = scripted([
      fakeResponse({ toolCalls: [{ id: 'a', name: 'echo', args: { n: 'one' } }] }),
      fakeResponse({ toolCalls: [{ id: 'b', name: 'echo', args: { n: 1 } }] }),
      fakeResponse({ text: 'done' }),
    ]);
    const result = await runTools({ messages, tools: [echo], request: { model: 'fast' }, call });
    expect(seen).toEqual([{ n: 1 }]);
    expect(requests).toHaveLength(3);
    expect(result.steps).toHaveLength(2);
  });

  it('stops at maxSteps without running the last turn\'s calls', async () => {
    let runs = 0;
    const loop = tool({ name: 'again', parameters: z.object({}), execute: () => ++runs });
    const { requests, call } = scripted([fakeResponse({ toolCalls: [{ id: 'a', name: 'again', args: {} }] })]);
    const result = await runTools({ messages, tools: [loop], request: { model: 'fast' }, call, maxSteps: 3 });
    expect(result.stopReason).toBe('max-steps');
    expect(requests).toHaveLength(3);
    expect(runs).toBe(2);
  });

  it('stops when a called tool has no execute, handing the call to the caller', async () => {
    const manual = tool({ name: 'approve', parameters: z.object({ amount: z.number() }) });
    const { call } = scripted([fakeResponse({ toolCalls: [{ id: 'a', name: 'approve', args: { amount: 5 } }] })]);
    const result = await runTools({ messages, tools: [manual], request: { model: 'fast' }, call });
    expect(result.stopReason).toBe('tool-without-execute');
    expect(result.response.toolCalls).toEqual([{ id: 'a', name: 'approve', args: { amount: 5 } }]);
  });

  it('rejects with the abort reason while a tool runs, and passes the signal to the tool', async () => {
    const controller = new AbortController();
    let toolSignal: AbortSignal | undefined;
    const slow = tool({
      name: 'slow',
      parameters: z.object({}),
      execute: (_args, context) => {
        toolSignal = context.signal;
        controller.abort(new Error('user cancelled'));
        return new Promise(() => {});
      },
    });
    const { call } = scripted([fakeResponse({ toolCalls: [{ id: 'a', name: 'slow', args: {} }] })]);
    await expect(runTools({ messages, tools: [slow], request: { model: 'fast' }, call, signal: controller.signal })).rejects.toThrow('user cancelled');
    expect(toolSignal?.aborted).toBe(true);
  });

  it('rejects with the abort reason while the model call runs', async () => {
    const controller = new AbortController();
    const call = () => {
      controller.abort(new Error('stop now'));
      return new Promise<ChatResponse>(() => {});
    };
    await expect(runTools({ messages, tools: [], request: { model: 'fast' }, call, signal: controller.signal })).rejects.toThrow('stop now');
  });

  it('checks maxSteps eagerly', async () => {
    await expect(runTools({ messages, tools: [], request: { model: 'fast' }, call: async () => fakeResponse({}), maxSteps: 0 })).rejects.toThrow(InvalidArgumentError);
  });
});
