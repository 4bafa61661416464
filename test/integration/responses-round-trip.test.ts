import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import type { Message } from '../../src/client/types.js';
import { openaiResponses } from '../../src/providers/openai-responses/openai-responses-adapter.js';
import { drain } from './helpers/fault-harness.js';
import { serverForTest } from './helpers/server-for-test.js';

describe('Responses API through the client: response.message carries what the next turn needs', () => {
  it.each(['chat', 'stream'] as const)('%s(): reasoning, message id and tool call go back on the next turn', async (mode) => {
    const { server, track } = await serverForTest({
      'gpt-5': [
        { reasoning: 'Check the tool first.', text: 'Looking it up.', toolCalls: [{ name: 'lookup', args: { city: 'Lisbon' } }] },
        { text: 'It is sunny in Lisbon.' },
      ],
    });
    const llm = track(
      new ResilientLLM({
        providers: { responses: openaiResponses({ apiKey: 'sk-test-round-trip', baseURL: server.baseURL('openai-responses'), reasoning: { summary: 'auto' } }) },
        models: { main: { provider: 'responses', model: 'gpt-5' } },
      }),
    );
    const tools = [{ name: 'lookup', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    const ask = async (messages: Message[]) => {
      if (mode === 'chat') return llm.chat({ model: 'main', messages, tools });
      const outcome = await drain(llm.stream({ model: 'main', messages, tools }));
      if (outcome.error !== undefined) throw outcome.error;
      return outcome.response!;
    };
    const question: Message = { role: 'user', content: 'Weather in Lisbon?' };
    const first = await ask([question]);
    expect(first.reasoning[0]).toMatchObject({ text: 'Check the tool first.', provider: 'openai-responses' });
    expect(first.message.providerMetadata).toMatchObject({ openaiResponseId: expect.stringMatching(/^resp_/), openaiItemId: expect.stringMatching(/^msg_/) });
    const call = first.toolCalls[0]!;
    const second = await ask([question, first.message, { role: 'tool', toolCallId: call.id, content: 'sunny' }]);
    expect(second.text).toBe('It is sunny in Lisbon.');
    const sent = server.requests[1]!.body as { input: Record<string, unknown>[]; include?: string[] };
    expect(sent.include).toEqual(['reasoning.encrypted_content']);
    expect(sent.input.map((item) => item.type ?? item.role)).toEqual(['user', 'reasoning', 'message', 'function_call', 'function_call_output']);
    expect(sent.input[1]).toMatchObject({ id: expect.stringMatching(/^rs_/), encrypted_content: expect.stringMatching(/^gAAAA/), summary: [{ type: 'summary_text', text: 'Check the tool first.' }] });
    expect(sent.input[2]).toMatchObject({ id: first.message.providerMetadata!.openaiItemId, content: [{ type: 'output_text', text: 'Looking it up.' }] });
    expect(sent.input[3]).toMatchObject({ call_id: call.id, name: 'lookup', arguments: '{"city":"Lisbon"}', id: expect.stringMatching(/^fc_/) });
  });
});

describe('Responses and Azure deployments get OpenAI strict schemas', () => {
  it('sends a zod schema as a strict json_schema text.format, and tool({ strict: true }) as a strict tool', async () => {
    const { z } = await import('zod');
    const { tool } = await import('../../src/tools/tool.js');
    const { server, track } = await serverForTest({ 'gpt-5': [{ text: '{"city":"Lisbon","sunny":true}' }, { toolCalls: [{ name: 'lookup', args: { city: 'Lisbon' } }] }] });
    const llm = track(
      new ResilientLLM({
        providers: { responses: openaiResponses({ apiKey: 'sk-test-round-trip', baseURL: server.baseURL('openai-responses') }) },
        models: { main: { provider: 'responses', model: 'gpt-5' } },
      }),
    );
    const response = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Weather?' }], schema: z.object({ city: z.string(), sunny: z.boolean().optional() }) });
    expect(response.object).toEqual({ city: 'Lisbon', sunny: true });
    const format = (server.requests[0]!.body as { text: { format: Record<string, unknown> } }).text.format;
    expect(format).toMatchObject({ type: 'json_schema', strict: true });
    // Strict mode: every property required, optional ones made nullable.
    expect((format.schema as { required: string[] }).required).toEqual(['city', 'sunny']);
    await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Look it up.' }], tools: [tool({ name: 'lookup', parameters: z.object({ city: z.string(), units: z.string().optional() }), strict: true })] });
    const sentTool = (server.requests[1]!.body as { tools: Record<string, unknown>[] }).tools[0]!;
    expect(sentTool).toMatchObject({ type: 'function', name: 'lookup', strict: true });
    expect((sentTool.parameters as { required: string[] }).required).toEqual(['city', 'units']);
  });
});
