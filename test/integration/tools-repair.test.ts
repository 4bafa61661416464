import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { NormalizedChatRequest as ChatRequest, ChatResponse } from '../../src/client/types.js';
import { ToolRepairError } from '../../src/errors/errors.js';
import type { ServerStep } from '../../src/testing/index.js';
import { runWithToolRepairs, type ToolRepairEvent } from '../../src/tools/run-with-tool-repairs.js';
import { tool } from '../../src/tools/tool.js';
import { vendorClientForTest, type Vendor } from './helpers/server-for-test.js';

const MODELS: Record<Vendor, string> = { openai: 'gpt-x', anthropic: 'claude-x', gemini: 'gemini-x' };

/** The tool results a request carried, read back from the vendor's own wire shape. */
type WireToolResult = { readonly toolName?: string; readonly callId?: string; readonly text: string; readonly isError: boolean };

function toolResultsOnWire(vendor: Vendor, body: unknown): WireToolResult[] {
  const results: WireToolResult[] = [];
  if (vendor === 'openai') {
    for (const message of (body as { messages: Record<string, unknown>[] }).messages) {
      // Chat Completions has no error flag: the adapter prefixes the text with "Error: ".
      if (message.role === 'tool') {
        const text = String(message.content);
        results.push({ callId: String(message.tool_call_id), text: text.replace(/^Error: /, ''), isError: text.startsWith('Error: ') });
      }
    }
  } else if (vendor === 'anthropic') {
    for (const message of (body as { messages: { role: string; content: unknown }[] }).messages) {
      if (message.role !== 'user' || !Array.isArray(message.content)) continue;
      for (const block of message.content as Record<string, unknown>[]) {
        if (block.type === 'tool_result') results.push({ callId: String(block.tool_use_id), text: String(block.content), isError: block.is_error === true });
      }
    }
  } else {
    for (const content of (body as { contents: { role: string; parts: Record<string, unknown>[] }[] }).contents) {
      for (const part of content.parts) {
        const response = part.functionResponse as { name: string; response: Record<string, unknown> } | undefined;
        if (!response) continue;
        const isError = 'error' in response.response;
        results.push({ toolName: response.name, text: String(isError ? response.response.error : JSON.stringify(response.response)), isError });
      }
    }
  }
  return results;
}

/** The assistant tool calls a request replayed, as name + arguments, from the vendor's wire shape. */
function replayedCallsOnWire(vendor: Vendor, body: unknown): { name: string; args: unknown }[] {
  if (vendor === 'openai') {
    return (body as { messages: { role: string; tool_calls?: { function: { name: string; arguments: string } }[] }[] }).messages
      .flatMap((message) => message.tool_calls ?? [])
      .map((call) => ({ name: call.function.name, args: call.function.arguments }));
  }
  if (vendor === 'anthropic') {
    return (body as { messages: { role: string; content: unknown }[] }).messages
      .filter((message) => message.role === 'assistant' && Array.isArray(message.content))
      .flatMap((message) => (message.content as Record<string, unknown>[]).filter((block) => block.type === 'tool_use'))
      .map((block) => ({ name: String(block.name), args: block.input }));
  }
  return (body as { contents: { role: string; parts: Record<string, unknown>[] }[] }).contents
    .filter((content) => content.role === 'model')
    .flatMap((content) => content.parts.filter((part) => part.functionCall))
    .map((part) => {
      const call = part.functionCall as { name: string; args: unknown };
      return { name: call.name, args: call.args };
    });
}

const weather = tool({
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
});
const order = tool({
  name: 'place_order',
  description: 'Order items',
  parameters: z.strictObject({ sku: z.string(), qty: z.number().int().positive() }),
});

const question: ChatRequest = { model: 'main', messages: [{ role: 'user', content: 'What is the weather in Paris?' }] };

async function setup(vendor: Vendor, steps: readonly ServerStep[]) {
  const { server, llm: client } = await vendorClientForTest(vendor, MODELS[vendor], steps);
  const events: { repair: number }[] = [];
  client.on('tool-repair', (event) => events.push(event));
  // Through the public API: `chat()` (and `stream()`) run the repair loop themselves.
  const run = (options: { tools?: Parameters<typeof runWithToolRepairs>[0]['tools']; schema?: z.ZodType; isStream?: boolean; maxToolRepairs?: number }) => {
    const request = {
      ...question,
      tools: options.tools ?? [weather],
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.maxToolRepairs !== undefined ? { maxToolRepairs: options.maxToolRepairs } : {}),
    };
    return options.isStream ? client.stream(request).response : client.chat(request);
  };
  return { server, run, events };
}

const paris: ServerStep = { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] };

describe.each(['openai', 'anthropic', 'gemini'] as const)('tool repair over the %s wire format', (vendor) => {
  it('repairs a wrong type: the second request carries the call and the error as a tool result', async () => {
    const { server, run, events } = await setup(vendor, [{ toolCalls: [{ name: 'get_weather', args: { city: 42 } }] }, paris]);
    const response = await run({});
    expect(response.toolCalls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris', unit: 'c' } })]);
    expect(server.requests).toHaveLength(2);
    const second = server.requests[1]!.body;
    expect(replayedCallsOnWire(vendor, second)).toEqual([{ name: 'get_weather', args: vendor === 'openai' ? '{"city":42}' : { city: 42 } }]);
    expect(toolResultsOnWire(vendor, second)).toEqual([
      expect.objectContaining({
        isError: true,
        text: 'Invalid arguments for tool "get_weather"; the call was not executed. Fix these and call it again:\n- city: expected string, received number 42',
      }),
    ]);
    expect(events.map((event) => event.repair)).toEqual([1]);
    expect(response.attempts.map((attempt) => attempt.toolRepair)).toEqual([undefined, 1]);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.totalTokens).toBe(response.attempts.reduce((sum, attempt) => sum + (attempt.usage?.totalTokens ?? 0), 0));
  });

  it('repairs a missing field', async () => {
    const { server, run } = await setup(vendor, [{ toolCalls: [{ name: 'get_weather', args: { unit: 'f' } }] }, paris]);
    const response = await run({});
    expect(response.toolCalls[0]!.args).toEqual({ city: 'Paris', unit: 'c' });
    expect(toolResultsOnWire(vendor, server.requests[1]!.body)[0]!.text).toContain('- city: expected string, received nothing (the field is missing)');
  });

  it('repairs an extra field under a strict schema', async () => {
    const { server, run } = await setup(vendor, [
      { toolCalls: [{ name: 'place_order', args: { sku: 'A1', qty: 2, gift: true } }] },
      { toolCalls: [{ name: 'place_order', args: { sku: 'A1', qty: 2 } }] },
    ]);
    const response = await run({ tools: [order] });
    expect(response.toolCalls[0]!.args).toEqual({ sku: 'A1', qty: 2 });
    expect(toolResultsOnWire(vendor, server.requests[1]!.body)[0]!.text).toContain('- gift: expected no property "gift" (it is not in the schema; remove it), received boolean true');
  });

  it('repairs a call to an unknown tool', async () => {
    const { server, run } = await setup(vendor, [{ toolCalls: [{ name: 'get_forecast', args: { city: 'Paris' } }] }, paris]);
    const response = await run({});
    expect(response.toolCalls[0]!.name).toBe('get_weather');
    const [result] = toolResultsOnWire(vendor, server.requests[1]!.body);
    expect(result!.isError).toBe(true);
    expect(result!.text).toContain('- (whole value): expected the name of an available tool: "get_weather", received a call to unknown tool "get_forecast"');
    if (vendor === 'gemini') expect(result!.toolName).toBe('get_forecast');
  });

  it('succeeds after two repairs, the third request carrying both failed turns', async () => {
    const { server, run, events } = await setup(vendor, [
      { toolCalls: [{ name: 'get_weather', args: { city: 1 } }] },
      { toolCalls: [{ name: 'get_weather', args: { city: 'Paris', unit: 'kelvin' } }] },
      paris,
    ]);
    const response = await run({});
    expect(response.toolCalls[0]!.args).toEqual({ city: 'Paris', unit: 'c' });
    expect(events.map((event) => event.repair)).toEqual([1, 2]);
    const results = toolResultsOnWire(vendor, server.requests[2]!.body);
    expect(results.map((result) => result.text.split('\n')[1])).toEqual([
      '- city: expected string, received number 1',
      '- unit: expected one of "c", "f", received string "kelvin"',
    ]);
    expect(response.attempts.map((attempt) => attempt.toolRepair)).toEqual([undefined, 1, 2]);
  });

  it('throws ToolRepairError with every attempt when the model never gets it right', async () => {
    const { server, run } = await setup(vendor, [{ toolCalls: [{ name: 'get_weather', args: { city: false } }] }]);
    const error = await run({ maxToolRepairs: 2 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolRepairError);
    const repairError = error as ToolRepairError;
    expect(repairError.repairAttempts).toHaveLength(3);
    expect(repairError.attempts).toHaveLength(3);
    expect(repairError.repairAttempts.every((attempt) => attempt.errors[0]!.issues[0]!.received === 'boolean false')).toBe(true);
    expect(server.requests).toHaveLength(3);
    expect(toolResultsOnWire(vendor, server.requests[2]!.body)).toHaveLength(2);
  });

  it('returns a typed object from structured output after one repair', async () => {
    const Movie = z.object({ title: z.string(), year: z.number().int() });
    const steps: ServerStep[] =
      vendor === 'anthropic'
        ? [{ toolCalls: [{ name: 'response', args: { title: 'Dune', year: '1965' } }] }, { toolCalls: [{ name: 'response', args: { title: 'Dune', year: 1965 } }] }]
        : [{ text: '{"title": "Dune", "year": "1965"}' }, { text: '{"title": "Dune", "year": 1965}' }];
    const { server, run } = await setup(vendor, steps);
    const response = await run({ tools: [], schema: Movie });
    expect(response.object).toEqual({ title: 'Dune', year: 1965 });
    const [first, second] = server.requests.map((request) => request.body as Record<string, unknown>);
    const expectedIssue = '- year: expected number, received string "1965"';
    if (vendor === 'openai') {
      expect(first!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'response', strict: true, schema: { required: ['title', 'year'], additionalProperties: false } } });
      expect((second!.messages as { role: string; content: string }[]).at(-1)).toEqual({ role: 'user', content: expect.stringContaining(expectedIssue) });
    } else if (vendor === 'gemini') {
      expect(first!.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseSchema: { type: 'object', required: ['title', 'year'] } });
      const contents = second!.contents as { role: string; parts: { text?: string }[] }[];
      expect(contents.at(-1)).toEqual({ role: 'user', parts: [{ text: expect.stringContaining(expectedIssue) }] });
    } else {
      expect(first!.tool_choice).toEqual({ type: 'tool', name: 'response' });
      expect(first!.tools).toEqual([expect.objectContaining({ name: 'response', input_schema: expect.objectContaining({ required: ['title', 'year'] }) })]);
      expect(toolResultsOnWire(vendor, second)).toEqual([expect.objectContaining({ isError: true, text: expect.stringContaining(expectedIssue) })]);
    }
  });
});

// Gemini sends arguments as an object, so only OpenAI (a string) and Anthropic (streamed JSON deltas) can carry broken JSON.
describe.each([
  ['openai', false],
  ['anthropic', true],
] as const)('unparseable arguments over the %s wire format', (vendor, isStream) => {
  it('sends the parse error back and returns the corrected call', async () => {
    const { server, run } = await setup(vendor, [{ toolCalls: [{ name: 'get_weather', argsText: '{"city": Paris}' }] }, paris]);
    const response = await run({ isStream });
    expect(response.toolCalls[0]!.args).toEqual({ city: 'Paris', unit: 'c' });
    const [result] = toolResultsOnWire(vendor, server.requests[1]!.body);
    expect(result!.isError).toBe(true);
    expect(result!.text).toMatch(/- \(whole value\): expected a JSON object of arguments, received text that is not valid JSON \(.+\): "\{\\"city\\": Paris\}"/);
  });

  it('repairs a trailing comma locally without asking the model again', async () => {
    const { server, run, events } = await setup(vendor, [{ toolCalls: [{ name: 'get_weather', argsText: '{"city": "Paris", "unit": "f",}' }] }]);
    const response = await run({ isStream });
    expect(response.toolCalls[0]!.args).toEqual({ city: 'Paris', unit: 'f' });
    expect(server.requests).toHaveLength(1);
    expect(events).toEqual([]);
  });
});
