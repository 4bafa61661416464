import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { NormalizedChatRequest as ChatRequest, ChatResponse } from '../../../src/client/types.js';
import { InvalidArgumentError, ToolRepairError } from '../../../src/errors/errors.js';
import { NOT_EXECUTED_TEXT } from '../../../src/tools/check-response.js';
import { runWithToolRepairs, type ToolRepairCallInfo, type ToolRepairEvent } from '../../../src/tools/run-with-tool-repairs.js';
import { tool } from '../../../src/tools/tool.js';
import { fakeResponse } from './fake-response.js';

const weather = tool({
  name: 'get_weather',
  description: 'Current weather',
  parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
});
const time = tool({ name: 'get_time', parameters: z.object({ zone: z.string() }) });

const request: ChatRequest = { model: 'fast', messages: [{ role: 'user', content: 'Weather in Paris?' }] };

/** A scripted `call` that records what it was asked. */
function scripted(responses: ChatResponse[]) {
  const calls: { request: ChatRequest; info: ToolRepairCallInfo }[] = [];
  const call = async (next: ChatRequest, info: ToolRepairCallInfo) => {
    calls.push({ request: next, info });
    const response = responses[Math.min(calls.length - 1, responses.length - 1)]!;
    return response;
  };
  return { calls, call };
}

const bad = (id = 'call_1') => fakeResponse({ toolCalls: [{ id, name: 'get_weather', args: { city: 7 } }], usage: { inputTokens: 10, outputTokens: 4 }, cost: 0.001 });
const good = (id = 'call_2') => fakeResponse({ toolCalls: [{ id, name: 'get_weather', args: { city: 'Paris' } }], usage: { inputTokens: 30, outputTokens: 6 }, cost: 0.002 });

describe('runWithToolRepairs', () => {
  it('sends the tools as specs and returns typed, defaulted arguments when the first answer is valid', async () => {
    const { calls, call } = scripted([good()]);
    const response = await runWithToolRepairs({ request, tools: [weather, time], call });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.info).toEqual({ repair: 0 });
    expect(calls[0]!.request.tools).toEqual([
      { name: 'get_weather', description: 'Current weather', parameters: weather.jsonSchema },
      { name: 'get_time', parameters: time.jsonSchema },
    ]);
    expect(response.toolCalls).toEqual([{ id: 'call_2', name: 'get_weather', args: { city: 'Paris', unit: 'c' } }]);
    expect(response.message.toolCalls).toEqual(response.toolCalls);
    const first = response.toolCalls[0]!;
    if (first.name === 'get_weather') expectTypeOf(first.args).toEqualTypeOf<{ city: string; unit: 'c' | 'f' }>();
  });

  it('sends the call and a precise error back, then returns the corrected call with usage, cost and attempts summed', async () => {
    const { calls, call } = scripted([bad(), good()]);
    const events: ToolRepairEvent[] = [];
    const response = await runWithToolRepairs({ request, tools: [weather], call, onRepair: (event) => events.push(event) });
    expect(calls.map((entry) => entry.info)).toEqual([{ repair: 0 }, { repair: 1 }]);
    const repairMessages = calls[1]!.request.messages.slice(1);
    expect(repairMessages).toEqual([
      { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', args: { city: 7 } }] },
      {
        role: 'tool',
        toolCallId: 'call_1',
        toolName: 'get_weather',
        isError: true,
        content: 'Invalid arguments for tool "get_weather"; the call was not executed. Fix these and call it again:\n- city: expected string, received number 7',
      },
    ]);
    expect(response.toolCalls[0]!.args).toEqual({ city: 'Paris', unit: 'c' });
    expect(response.usage).toEqual({ inputTokens: 40, outputTokens: 10, totalTokens: 50 });
    expect(response.cost).toBeCloseTo(0.003);
    expect(response.attempts.map((attempt) => attempt.toolRepair)).toEqual([undefined, 1]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ repair: 1, isEscalated: false, toolNames: ['get_weather'], issues: 'get_weather: city: expected string, received number 7' });
  });

  it('tells a valid sibling call it was not executed, so the model repeats it', async () => {
    const mixed = fakeResponse({
      toolCalls: [
        { id: 'a', name: 'get_time', args: { zone: 'UTC' } },
        { id: 'b', name: 'get_weather', args: {} },
      ],
    });
    const { calls, call } = scripted([mixed, good()]);
    await runWithToolRepairs({ request, tools: [weather, time], call });
    const results = calls[1]!.request.messages.filter((message) => message.role === 'tool');
    expect(results).toEqual([
      { role: 'tool', toolCallId: 'a', toolName: 'get_time', isError: true, content: NOT_EXECUTED_TEXT },
      expect.objectContaining({ toolCallId: 'b', isError: true, content: expect.stringContaining('- city: expected string, received nothing (the field is missing)') }),
    ]);
  });

  it('accumulates the conversation over two repairs', async () => {
    const { calls, call } = scripted([bad('c1'), bad('c2'), good('c3')]);
    const response = await runWithToolRepairs({ request, tools: [weather], call });
    expect(calls[2]!.request.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(response.attempts.map((attempt) => attempt.toolRepair)).toEqual([undefined, 1, 2]);
  });

  it('throws ToolRepairError with every call once maxToolRepairs is spent', async () => {
    const { calls, call } = scripted([bad()]);
    const error = await runWithToolRepairs({ request, tools: [weather], call, maxToolRepairs: 2 }).catch((caught: unknown) => caught);
    expect(calls).toHaveLength(3);
    expect(error).toBeInstanceOf(ToolRepairError);
    const repairError = error as ToolRepairError;
    expect(repairError.code).toBe('RLLM_TOOL_REPAIR_EXHAUSTED');
    expect(repairError.reason).toBe('repairs-exhausted');
    expect(repairError.repairAttempts.map((attempt) => attempt.repair)).toEqual([0, 1, 2]);
    expect(repairError.repairAttempts[2]!.errors[0]!.issues[0]!.path).toBe('city');
    expect(repairError.attempts).toHaveLength(3);
    expect(repairError.toJSON()).toMatchObject({ code: 'RLLM_TOOL_REPAIR_EXHAUSTED', reason: 'repairs-exhausted' });
  });

  it('escalates once to the next alias with a fresh conversation when asked', async () => {
    const { calls, call } = scripted([bad(), bad(), good()]);
    const events: ToolRepairEvent[] = [];
    const response = await runWithToolRepairs({ request, tools: [weather], call, maxToolRepairs: 1, escalate: true, onRepair: (event) => events.push(event) });
    expect(calls.map((entry) => entry.info)).toEqual([{ repair: 0 }, { repair: 1 }, { repair: 2, escalateTo: 'next' }]);
    expect(calls[2]!.request.messages).toEqual(request.messages);
    expect(events.map((event) => event.isEscalated)).toEqual([false, true]);
    expect(response.toolCalls[0]!.args).toEqual({ city: 'Paris', unit: 'c' });
  });

  it('stops repairing once the deadline has passed', async () => {
    let now = 0;
    const call = async () => {
      now += 100;
      return bad();
    };
    const error = await runWithToolRepairs({ request, tools: [weather], call, deadlineAt: 150, deadlineMs: 150, clock: { now: () => now } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolRepairError);
    expect((error as ToolRepairError).reason).toBe('deadline');
    expect((error as ToolRepairError).repairAttempts).toHaveLength(2);
  });

  it('passes errors of the call itself through unchanged', async () => {
    const failure = new Error('boom');
    await expect(runWithToolRepairs({ request, tools: [weather], call: () => Promise.reject(failure) })).rejects.toBe(failure);
  });

  it('checks maxToolRepairs eagerly', async () => {
    await expect(runWithToolRepairs({ request, tools: [weather], call: async () => good(), maxToolRepairs: -1 })).rejects.toThrow(InvalidArgumentError);
  });

  it('validates plain ToolSpec tools through their JSON Schema', async () => {
    const spec = { name: 'lookup', parameters: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } };
    const { calls, call } = scripted([
      fakeResponse({ toolCalls: [{ id: 'x', name: 'lookup', args: { id: '12' } }] }),
      fakeResponse({ toolCalls: [{ id: 'y', name: 'lookup', args: { id: 12 } }] }),
    ]);
    const response = await runWithToolRepairs({ request, tools: [spec], call });
    expect(calls[1]!.request.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringContaining('- id: expected number, received string "12"') });
    expect(response.toolCalls[0]!.args).toEqual({ id: 12 });
  });
});

describe('runWithToolRepairs with a schema', () => {
  const Movie = z.object({ title: z.string(), year: z.number().int(), tags: z.array(z.string()).optional() });

  it('asks OpenAI for a strict json_schema response format and returns the typed object', async () => {
    const { calls, call } = scripted([fakeResponse({ text: '{"title":"Dune","year":1965,"tags":null}' })]);
    const response = await runWithToolRepairs({ request, schema: Movie, vendorKind: 'openai', call });
    expect(calls[0]!.request.responseFormat).toEqual({
      type: 'json_schema',
      name: 'response',
      strict: true,
      schema: {
        type: 'object',
        properties: { title: { type: 'string' }, year: expect.objectContaining({ type: 'integer' }), tags: { type: ['array', 'null'], items: { type: 'string' } } },
        required: ['title', 'year', 'tags'],
        additionalProperties: false,
      },
    });
    expect(response.object).toEqual({ title: 'Dune', year: 1965 });
    expectTypeOf(response.object).toEqualTypeOf<{ title: string; year: number; tags?: string[] | undefined } | undefined>();
  });

  it('gives Gemini the plain schema (its adapter converts it to responseSchema)', async () => {
    const { calls, call } = scripted([fakeResponse({ text: '{"title":"Dune","year":1965}' })]);
    await runWithToolRepairs({ request, schema: Movie, vendorKind: 'gemini', call });
    expect(calls[0]!.request.responseFormat).toMatchObject({ type: 'json_schema', strict: false, schema: { required: ['title', 'year'] } });
  });

  it('repairs a bad text answer with a user message quoting the issues', async () => {
    const { calls, call } = scripted([fakeResponse({ text: '```json\n{"title": "Dune", "year": "1965"}\n```' }), fakeResponse({ text: '{"title":"Dune","year":1965}' })]);
    const response = await runWithToolRepairs({ request, schema: Movie, vendorKind: 'openai', call });
    expect(calls[1]!.request.messages.slice(1)).toEqual([
      { role: 'assistant', content: '```json\n{"title": "Dune", "year": "1965"}\n```' },
      {
        role: 'user',
        content: 'Your answer does not match the required JSON schema "response". Fix these and answer again with only the corrected JSON:\n- year: expected number, received string "1965"',
      },
    ]);
    expect(response.object).toEqual({ title: 'Dune', year: 1965 });
  });

  it('forces a tool on Anthropic, reads the object from its input and repairs it with a tool_result error', async () => {
    const { calls, call } = scripted([
      fakeResponse({ toolCalls: [{ id: 'toolu_1', name: 'movie', args: { title: 'Dune' } }] }),
      fakeResponse({ toolCalls: [{ id: 'toolu_2', name: 'movie', args: { title: 'Dune', year: 1965 } }] }),
    ]);
    const response = await runWithToolRepairs({ request, schema: Movie, schemaName: 'movie', vendorKind: 'anthropic', call });
    expect(calls[0]!.request.tools).toEqual([{ name: 'movie', description: 'Give your final answer as the input of this tool.', parameters: expect.objectContaining({ type: 'object' }) }]);
    expect(calls[0]!.request.toolChoice).toEqual({ name: 'movie' });
    expect(calls[1]!.request.messages.at(-1)).toEqual({
      role: 'tool',
      toolCallId: 'toolu_1',
      toolName: 'movie',
      isError: true,
      content: 'Your answer does not match the required JSON schema "movie". Fix these and answer again with only the corrected JSON:\n- year: expected number, received nothing (the field is missing)',
    });
    expect(response.object).toEqual({ title: 'Dune', year: 1965 });
    expect(response.toolCalls).toEqual([]);
    expect(response.text).toBe('{"title":"Dune","year":1965}');
    expect(response.finishReason).toBe('stop');
    expect(response.message).toEqual({ role: 'assistant', content: '{"title":"Dune","year":1965}' });
  });

  it('instructs a model of unknown kind in the prompt as well', async () => {
    const { calls, call } = scripted([fakeResponse({ text: '{"title":"Dune","year":1965}' })]);
    await runWithToolRepairs({ request, schema: Movie, call });
    expect(calls[0]!.request.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Answer with only a JSON value that matches this JSON Schema') });
    expect(calls[0]!.request.responseFormat).toMatchObject({ type: 'json_schema' });
  });

  it('refuses a schema name that collides with a tool', async () => {
    await expect(runWithToolRepairs({ request, tools: [weather], schema: Movie, schemaName: 'get_weather', call: async () => good() })).rejects.toThrow(/differ from every tool name/);
  });
});
