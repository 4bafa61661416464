import { afterEach, describe, expect, it } from 'vitest';
import { errorFromHttp } from '../../../src/errors/error-from-http.js';
import {
  contextLengthExceeded,
  createProviderServer,
  overloaded,
  rateLimit,
  rejectPrefill,
  serverError,
  type ProviderServer,
} from '../../../src/testing/index.js';
import { decodeSse, type SseEvent } from '../../../src/transport/sse.js';
import { readFixture } from '../../helpers/fixtures.js';
import { createWireClient, readSse, shapeOf } from './wire-client.js';

let server: ProviderServer | undefined;
let client: ReturnType<typeof createWireClient> | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function start(options: Parameters<typeof createProviderServer>[0]) {
  server = await createProviderServer(options);
  client = createWireClient();
  return { server, client };
}

/** `event/type[/block or delta type]`, with runs of the same step collapsed, for comparing sequences. */
function sequence(events: readonly SseEvent[]): string[] {
  const steps: string[] = [];
  for (const event of events) {
    const data = JSON.parse(event.data);
    const detail = data.content_block?.type ?? data.delta?.type ?? '';
    const step = `${event.event}/${data.type}${detail ? `/${detail}` : ''}`;
    if (steps.at(-1) !== step) steps.push(step);
  }
  return steps;
}

async function fixtureEvents(path: string): Promise<SseEvent[]> {
  async function* bytes() {
    yield Buffer.from(readFixture(path));
  }
  const events: SseEvent[] = [];
  for await (const event of decodeSse(bytes())) events.push(event);
  return events;
}

const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];

describe('createProviderServer: Anthropic Messages', () => {
  it('streams text then tool_use with the recorded event sequence, ping included, and event names equal to data.type', async () => {
    const { server, client } = await start({
      script: {
        'claude-x': [
          { text: "I'll check the current weather in Paris for you.", toolCalls: [{ name: 'get_weather', args: { location: 'Paris' } }] },
        ],
      },
    });
    const response = await client.post(`${server.baseURL('anthropic')}/messages`, { model: 'claude-x', max_tokens: 100, stream: true, messages });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['request-id']).toMatch(/^req_011C/);
    const { raw, events } = await readSse(response.body);
    expect(raw).toContain('event: ping\ndata: {"type": "ping"}\n\n');
    expect(raw.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    for (const event of events) expect(JSON.parse(event.data).type).toBe(event.event);
    const recorded = await fixtureEvents('anthropic/anthropic-sdk-ts__tool_use_response.sse');
    expect(sequence(events)).toEqual(sequence(recorded));

    const payloads = events.map((event) => JSON.parse(event.data));
    expect(shapeOf(payloads[0])).toEqual(shapeOf(JSON.parse(recorded[0]!.data)));
    const text = payloads.filter((data) => data.delta?.type === 'text_delta').map((data) => data.delta.text).join('');
    expect(text).toBe("I'll check the current weather in Paris for you.");
    const toolStart = payloads.find((data) => data.content_block?.type === 'tool_use');
    expect(toolStart.index).toBe(1);
    expect(toolStart.content_block).toMatchObject({ name: 'get_weather', input: {} });
    expect(toolStart.content_block.id).toMatch(/^toolu_01/);
    const partial = payloads.filter((data) => data.delta?.type === 'input_json_delta');
    expect(partial[0].delta.partial_json).toBe('');
    expect(JSON.parse(partial.map((data) => data.delta.partial_json).join(''))).toEqual({ location: 'Paris' });
    const delta = payloads.find((data) => data.type === 'message_delta');
    expect(delta.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams thinking with a signature_delta before the text', async () => {
    const { server, client } = await start({ script: { default: [{ reasoning: 'Let me think.', text: 'Done.' }] } });
    const response = await client.post(`${server.url}/v1/messages`, { model: 'claude-x', max_tokens: 100, stream: true, messages });
    const payloads = (await readSse(response.body)).events.map((event) => JSON.parse(event.data));
    const deltas = payloads.filter((data) => data.type === 'content_block_delta').map((data) => [data.index, data.delta.type]);
    expect(deltas).toEqual([
      [0, 'thinking_delta'],
      [0, 'thinking_delta'],
      [0, 'thinking_delta'],
      [0, 'signature_delta'],
      [1, 'text_delta'],
    ]);
    expect(payloads[1].content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
  });

  it('leaves the tool_use block open and stops with max_tokens when the reply is cut by length', async () => {
    const { server, client } = await start({
      script: { default: [{ toolCalls: [{ name: 'write', argsText: '{"text": "once upon a ti' }], finishReason: 'length' }] },
    });
    const response = await client.post(`${server.url}/v1/messages`, { model: 'c', max_tokens: 5, stream: true, messages });
    const payloads = (await readSse(response.body)).events.map((event) => JSON.parse(event.data));
    expect(payloads.some((data) => data.type === 'content_block_stop')).toBe(false);
    expect(payloads.find((data) => data.type === 'message_delta').delta.stop_reason).toBe('max_tokens');
    expect(payloads.at(-1).type).toBe('message_stop');
  });

  it('answers a non-streaming request with a message whose fields match the recorded response', async () => {
    const { server, client } = await start({
      script: { default: [{ text: 'Looking.', toolCalls: [{ name: 'retrieve_entity_info', args: { name: 'Alice' } }], usage: { inputTokens: 9, outputTokens: 4 } }] },
    });
    const response = await client.post(`${server.url}/v1/messages`, { model: 'claude-haiku', max_tokens: 100, messages });
    expect(response.headers['content-type']).toBe('application/json');
    const body = (await response.body.json()) as Record<string, any>;
    expect(body.content).toEqual([
      { type: 'text', text: 'Looking.' },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_01/), name: 'retrieve_entity_info', input: { name: 'Alice' } },
    ]);
    expect(body).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-haiku', stop_reason: 'tool_use' });
    expect(body.usage).toMatchObject({ input_tokens: 9, output_tokens: 4 });
    const recorded = JSON.parse(readFixture('anthropic/pydantic-ai/nonstream-parallel-tool-use.0.response.json'));
    expect(Object.keys(body).sort()).toEqual(Object.keys(recorded).sort());
    for (const key of Object.keys(body.usage)) expect(recorded.usage).toHaveProperty(key);
  });

  it('replies with the Anthropic error envelope: 429 with retry-after, 529 overloaded, 500 api_error, 400 prompt too long', async () => {
    const { server, client } = await start({
      script: { default: [rateLimit({ retryAfterSeconds: 3, resetMs: 5_000 }), overloaded(), serverError(), contextLengthExceeded()] },
    });
    const replies = [];
    for (let index = 0; index < 4; index++) {
      const response = await client.post(`${server.url}/v1/messages`, { model: 'c', max_tokens: 5, stream: true, messages });
      replies.push({ status: response.statusCode, headers: response.headers, body: (await response.body.json()) as Record<string, any> });
    }
    expect(replies.map((reply) => reply.status)).toEqual([429, 529, 500, 400]);
    expect(replies.map((reply) => reply.body.error.type)).toEqual(['rate_limit_error', 'overloaded_error', 'api_error', 'invalid_request_error']);
    for (const reply of replies) {
      expect(reply.body.type).toBe('error');
      expect(reply.body.request_id).toBe(reply.headers['request-id']);
    }
    expect(replies[0]?.headers['retry-after']).toBe('3');
    const reset = Date.parse(String(replies[0]?.headers['anthropic-ratelimit-requests-reset']));
    expect(reset - Date.now()).toBeGreaterThan(3_000);
    const kinds = replies.map(
      (reply) => errorFromHttp({ status: reply.status, message: reply.body.error.message, providerCode: reply.body.error.type }).code,
    );
    expect(kinds).toEqual(['RLLM_RATE_LIMITED', 'RLLM_OVERLOADED', 'RLLM_SERVER_ERROR', 'RLLM_CONTEXT_WINDOW_EXCEEDED']);
  });

  it('rejects an assistant prefill with a 400 and answers a conversation that ends with the user', async () => {
    const { server, client } = await start({ script: { default: [rejectPrefill({ reply: { text: 'Sure.' } })] } });
    const prefilled = await client.post(`${server.url}/v1/messages`, {
      model: 'c',
      max_tokens: 5,
      messages: [...messages, { role: 'assistant', content: 'The weather is' }],
    });
    expect(prefilled.statusCode).toBe(400);
    const error = (await prefilled.body.json()) as { error: { type: string; message: string } };
    expect(error.error.type).toBe('invalid_request_error');
    expect(error.error.message).toMatch(/prefill/);
    const normal = await client.post(`${server.url}/v1/messages`, { model: 'c', max_tokens: 5, messages });
    expect(normal.statusCode).toBe(200);
    expect(((await normal.body.json()) as { content: unknown[] }).content).toEqual([{ type: 'text', text: 'Sure.' }]);
  });
});
