import { afterEach, describe, expect, it } from 'vitest';
import { anthropic, gemini, openai, ResilientLLM } from '../../src/index.js';
import type { ChatResponse, Message, ProviderAdapter, StreamPart, ToolSpec } from '../../src/index.js';
import { createProviderServer, type ProviderServer, type ProviderServerRequest } from '../../src/testing/index.js';

/**
 * One conversation (user → tool call → tool result → answer) through all three adapters, over the
 * default undici transport against the provider server. The only line that differs per vendor is
 * the adapter; the normalized responses must have the same shape.
 */

type Vendor = {
  readonly name: 'openai' | 'anthropic' | 'gemini';
  readonly model: string;
  readonly adapter: (server: ProviderServer) => ProviderAdapter;
};

const VENDORS: readonly Vendor[] = [
  { name: 'openai', model: 'gpt-4o-mini', adapter: (server) => openai({ apiKey: 'sk-test', baseURL: server.baseURL('openai') }) },
  { name: 'anthropic', model: 'claude-sonnet-4-5', adapter: (server) => anthropic({ apiKey: 'sk-ant-test', baseURL: server.baseURL('anthropic') }) },
  { name: 'gemini', model: 'gemini-2.5-flash', adapter: (server) => gemini({ apiKey: 'gemini-test', baseURL: server.baseURL('gemini') }) },
];

const WEATHER_TOOL: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['city', 'unit'],
    additionalProperties: false,
  },
};

const QUESTION: Message = { role: 'user', content: 'What is the weather in Paris?' };
const TOOL_ARGS = { city: 'Paris', unit: 'c' };
const ANSWER = 'It is 18 °C and sunny in Paris.';

/**
 * The keys every ChatResponse of this conversation has, whichever vendor served it. `requestId` and
 * `responseId` are left out: they are the vendor's own ids, which not every vendor sends.
 */
const RESPONSE_KEYS = [
  'alias',
  'attempts',
  'cost',
  'finishReason',
  'incompleteToolCalls',
  'message',
  'model',
  'provider',
  'rawFinishReason',
  'reasoning',
  'text',
  'toolCalls',
  'usage',
];

function scriptFor(model: string) {
  return {
    [model]: [{ toolCalls: [{ name: 'get_weather', args: TOOL_ARGS }] }, { text: ANSWER, chunkSize: 6 }],
  };
}

function responseKeys(response: ChatResponse): string[] {
  return Object.keys(response)
    .filter((key) => key !== 'requestId' && key !== 'responseId')
    .sort();
}

function expectUsage(response: ChatResponse): void {
  const { inputTokens, outputTokens, totalTokens } = response.usage;
  expect(inputTokens).toBeGreaterThan(0);
  expect(outputTokens).toBeGreaterThan(0);
  expect(totalTokens).toBe(inputTokens + outputTokens);
}

/** Checks the normalized tool-call turn, the same for every vendor. */
function expectToolCallTurn(response: ChatResponse, vendor: Vendor): string {
  expect(responseKeys(response)).toEqual(RESPONSE_KEYS);
  expect(response.finishReason).toBe('tool-calls');
  expect(response.text).toBe('');
  expect(response.provider).toBe(vendor.name);
  expect(response.alias).toBe('assistant');
  expect(response.model).toBe(vendor.model);
  expect(response.toolCalls).toHaveLength(1);
  const [call] = response.toolCalls;
  expect(call!.name).toBe('get_weather');
  expect(call!.args).toEqual(TOOL_ARGS);
  expect(call!.id).toMatch(/\S/);
  expect(response.incompleteToolCalls).toEqual([]);
  expectUsage(response);
  if (vendor.name !== 'gemini') expect(response.requestId).toMatch(/^req_/);
  expect(response.cost).toBeGreaterThan(0);
  expect(response.attempts).toHaveLength(1);
  expect(response.attempts[0]).toMatchObject({ outcome: 'success', provider: vendor.name, model: vendor.model });
  expect(response.message).toEqual({ role: 'assistant', content: null, toolCalls: response.toolCalls });
  return call!.id;
}

function expectAnswerTurn(response: ChatResponse, vendor: Vendor): void {
  expect(responseKeys(response)).toEqual(RESPONSE_KEYS);
  expect(response.finishReason).toBe('stop');
  expect(response.text).toBe(ANSWER);
  expect(response.toolCalls).toEqual([]);
  expect(response.provider).toBe(vendor.name);
  expectUsage(response);
  expect(response.message).toEqual({ role: 'assistant', content: ANSWER });
}

/** Asserts the second request carried the assistant's call and the tool result in the vendor's own shape. */
function expectToolResultOnWire(vendor: Vendor, request: ProviderServerRequest, callId: string, result: unknown): void {
  const body = request.body as Record<string, unknown>;
  if (vendor.name === 'openai') {
    const messages = body['messages'] as Record<string, unknown>[];
    expect(messages).toHaveLength(3);
    expect(messages[0]).toEqual({ role: 'user', content: QUESTION.content });
    expect(messages[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather' } }],
    });
    const toolCalls = messages[1]!['tool_calls'] as { function: { arguments: string } }[];
    expect(JSON.parse(toolCalls[0]!.function.arguments)).toEqual(TOOL_ARGS);
    expect(messages[2]).toEqual({ role: 'tool', tool_call_id: callId, content: typeof result === 'string' ? result : JSON.stringify(result) });
    expect((body['tools'] as { function: { name: string } }[])[0]!.function.name).toBe('get_weather');
  } else if (vendor.name === 'anthropic') {
    const messages = body['messages'] as { role: string; content: Record<string, unknown>[] }[];
    expect(messages).toHaveLength(3);
    expect(messages[1]!.role).toBe('assistant');
    expect(messages[1]!.content).toEqual([{ type: 'tool_use', id: callId, name: 'get_weather', input: TOOL_ARGS }]);
    expect(messages[2]!.role).toBe('user');
    // The tool_result block opens the user turn that follows the tool_use.
    expect(messages[2]!.content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: callId,
      content: typeof result === 'string' ? result : JSON.stringify(result),
    });
    expect(typeof body['max_tokens']).toBe('number');
    expect((body['tools'] as { name: string }[])[0]!.name).toBe('get_weather');
  } else {
    const contents = body['contents'] as { role: string; parts: Record<string, unknown>[] }[];
    expect(contents).toHaveLength(3);
    expect(contents[1]!.role).toBe('model');
    expect(contents[1]!.parts[0]!['functionCall']).toMatchObject({ name: 'get_weather', args: TOOL_ARGS });
    expect(contents[2]!.role).toBe('user');
    const functionResponse = contents[2]!.parts[0]!['functionResponse'] as { name: string; response: unknown };
    expect(functionResponse.name).toBe('get_weather');
    // Gemini takes an object only: a string result is wrapped, an object goes as it is.
    expect(functionResponse.response).toEqual(typeof result === 'string' ? { return_value: result } : result);
    expect(request.path).toContain(`/models/${vendor.model}:`);
  }
}

describe('cross-vendor tool round trip', () => {
  let server: ProviderServer | undefined;
  let llm: ResilientLLM | undefined;

  afterEach(async () => {
    await llm?.close();
    await server?.close();
    llm = undefined;
    server = undefined;
  });

  async function setUp(vendor: Vendor): Promise<{ server: ProviderServer; llm: ResilientLLM }> {
    server = await createProviderServer({ script: scriptFor(vendor.model) });
    // Swapping vendors is this one line: the adapter behind the alias.
    llm = new ResilientLLM({ providers: { [vendor.name]: vendor.adapter(server) }, models: { assistant: { provider: vendor.name, model: vendor.model } } });
    return { server, llm };
  }

  for (const vendor of VENDORS) {
    it(`runs user → tool call → tool result → answer through ${vendor.name} with chat()`, async () => {
      const { server, llm } = await setUp(vendor);
      const messages: Message[] = [QUESTION];

      const first = await llm.chat({ model: 'assistant', messages, tools: [WEATHER_TOOL] });
      const callId = expectToolCallTurn(first, vendor);

      const toolResult = '18 °C, sunny';
      messages.push(first.message, { role: 'tool', toolCallId: callId, content: toolResult });
      const second = await llm.chat({ model: 'assistant', messages, tools: [WEATHER_TOOL] });
      expectAnswerTurn(second, vendor);

      const requests = server.requestsFor(vendor.model);
      expect(requests.map((request) => [request.protocol, request.isStream])).toEqual([
        [vendor.name, false],
        [vendor.name, false],
      ]);
      expectToolResultOnWire(vendor, requests[1]!, callId, toolResult);
    });

    it(`runs the same round trip through ${vendor.name} with stream(), parts and response alike`, async () => {
      const { server, llm } = await setUp(vendor);
      const messages: Message[] = [QUESTION];

      const firstParts: StreamPart[] = [];
      const firstStream = llm.stream({ model: 'assistant', messages, tools: [WEATHER_TOOL] });
      for await (const part of firstStream) firstParts.push(part);
      const first = await firstStream.response;
      const callId = expectToolCallTurn(first, vendor);
      expect(firstParts[0]).toMatchObject({ type: 'start', provider: vendor.name, model: vendor.model });
      const toolCallParts = firstParts.filter((part) => part.type === 'tool-call');
      expect(toolCallParts).toEqual([{ type: 'tool-call', toolCall: first.toolCalls[0] }]);
      expect(firstParts.at(-1)).toEqual({ type: 'finish', response: first });

      const toolResult = { temperature: 18, unit: 'c', sky: 'sunny' };
      messages.push(first.message, { role: 'tool', toolCallId: callId, content: toolResult });
      const secondStream = llm.stream({ model: 'assistant', messages, tools: [WEATHER_TOOL] });
      const deltas: string[] = [];
      for await (const text of secondStream.textStream) deltas.push(text);
      const second = await secondStream.response;
      expectAnswerTurn(second, vendor);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(ANSWER);

      const requests = server.requestsFor(vendor.model);
      expect(requests.map((request) => [request.protocol, request.isStream])).toEqual([
        [vendor.name, true],
        [vendor.name, true],
      ]);
      expectToolResultOnWire(vendor, requests[1]!, callId, toolResult);
    });
  }

  for (const [index, first] of VENDORS.entries()) {
    const next = VENDORS[(index + 1) % VENDORS.length]!;
    it(`continues a conversation whose tool call came from ${first.name} on ${next.name}`, async () => {
      server = await createProviderServer({
        script: { [first.model]: [{ toolCalls: [{ name: 'get_weather', args: TOOL_ARGS }] }], [next.model]: [{ text: ANSWER }] },
      });
      llm = new ResilientLLM({
        providers: { [first.name]: first.adapter(server), [next.name]: next.adapter(server) },
        models: { first: { provider: first.name, model: first.model }, next: { provider: next.name, model: next.model } },
      });
      const messages: Message[] = [QUESTION];
      const call = await llm.chat({ model: 'first', messages, tools: [WEATHER_TOOL] });
      const callId = call.toolCalls[0]!.id;
      const toolResult = '18 °C, sunny';
      messages.push(call.message, { role: 'tool', toolCallId: callId, content: toolResult });

      const answer = await llm.chat({ model: 'next', messages, tools: [WEATHER_TOOL] });

      expect(answer.text).toBe(ANSWER);
      expect(answer.provider).toBe(next.name);
      expectToolResultOnWire(next, server.requestsFor(next.model)[0]!, callId, toolResult);
    });
  }

  it('gives every vendor the same response shape and the same tool call, apart from ids and token counts', async () => {
    const shapes: unknown[] = [];
    for (const vendor of VENDORS) {
      const current = await setUp(vendor);
      const response = await current.llm.chat({ model: 'assistant', messages: [QUESTION], tools: [WEATHER_TOOL] });
      shapes.push({
        keys: responseKeys(response),
        finishReason: response.finishReason,
        toolCalls: response.toolCalls.map((call) => ({ name: call.name, args: call.args, keys: Object.keys(call).sort() })),
        usage: [response.usage.inputTokens > 0, response.usage.outputTokens > 0, response.usage.totalTokens === response.usage.inputTokens + response.usage.outputTokens],
        messageKeys: Object.keys(response.message).sort(),
      });
      await current.llm.close();
      await current.server.close();
      llm = undefined;
      server = undefined;
    }
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
  });
});
