import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../../../src/client/types.js';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';
import { openai, openaiCompatible } from '../../../../src/providers/openai/openai-adapter.js';
import { systemClock } from '../../../../src/providers/provider.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
import { startReplayServer, type ReplayServer } from '../../../helpers/replay-server.js';
import { callContext, chunk, collectParts, sseData } from './call-context.js';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  model: 'gpt-test',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

let server: ReplayServer | undefined;
let transport: UndiciTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

async function start(): Promise<{ server: ReplayServer; transport: UndiciTransport }> {
  server = await startReplayServer([{ status: 200, headers: { 'content-type': 'application/json' }, chunks: [COMPLETION] }]);
  transport = new UndiciTransport();
  return { server, transport };
}

function sentBody(replay: ReplayServer, index = 0): Record<string, unknown> {
  return JSON.parse(replay.requests[index]!.body) as Record<string, unknown>;
}

describe('openai() request mapping', () => {
  it('maps every message kind to Chat Completions messages', async () => {
    const { server, transport } = await start();
    const adapter = openai({ apiKey: 'sk-test-request-body', baseURL: `${server.url}/v1` });
    const request: ProviderRequest = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', image: 'https://example.test/cat.png' },
            { type: 'image', image: 'data:image/gif;base64,R0lG' },
            { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/png' },
            { type: 'image', image: 'iVBORw0KGgo=', mediaType: 'image/jpeg' },
          ],
        },
        { role: 'assistant', content: 'Let me check.' },
        {
          role: 'assistant',
          content: null,
          toolCalls: [
            { id: 'call_1', name: 'get_weather', args: { city: 'Paris' } },
            { id: 'call_2', name: 'get_time', args: {}, argsText: '{"zone": Europe/Paris' },
          ],
          reasoning: [{ type: 'reasoning', text: 'not sent to Chat Completions' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: 'Sunny' },
        { role: 'tool', toolCallId: 'call_2', content: { error: 'bad zone' }, isError: true },
        { role: 'tool', toolCallId: 'call_3', content: { hour: 12, zone: 'CET' } },
      ],
    };
    await adapter.doGenerate(request, callContext(transport));
    expect(sentBody(server)).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'https://example.test/cat.png' } },
            { type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lG' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AQID' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,iVBORw0KGgo=' } },
          ],
        },
        { role: 'assistant', content: 'Let me check.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"zone": Europe/Paris' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: 'Error: {"error":"bad zone"}' },
        { role: 'tool', tool_call_id: 'call_3', content: '{"hour":12,"zone":"CET"}' },
      ],
    });
    expect(server.requests[0]!.url).toBe('/v1/chat/completions');
    expect(server.requests[0]!.method).toBe('POST');
  });

  it('maps tools, tool choice, sampling options and response formats', async () => {
    const { server, transport } = await start();
    const adapter = openai({ apiKey: 'sk-test-request-body', baseURL: `${server.url}/v1` });
    const base: ProviderRequest = {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
        { name: 'ping', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { name: 'get_weather' },
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 256,
      stop: ['END', 'STOP'],
      seed: 7,
      responseFormat: { type: 'json_schema', schema: { type: 'object' }, strict: true },
    };
    const context = callContext(transport);
    await adapter.doGenerate(base, context);
    await adapter.doGenerate({ ...base, toolChoice: 'required', responseFormat: { type: 'json' }, stop: 'END' }, context);
    await adapter.doGenerate(
      {
        ...base,
        toolChoice: 'none',
        responseFormat: { type: 'json_schema', name: 'weather', description: 'A report', schema: { type: 'object' } },
      },
      context,
    );
    await adapter.doGenerate({ ...base, toolChoice: 'auto', responseFormat: { type: 'text' } }, context);
    expect(sentBody(server, 0)).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'ping', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 256,
      stop: ['END', 'STOP'],
      seed: 7,
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' }, strict: true } },
    });
    expect(sentBody(server, 1)).toMatchObject({ tool_choice: 'required', response_format: { type: 'json_object' }, stop: 'END' });
    expect(sentBody(server, 2)).toMatchObject({
      tool_choice: 'none',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weather', description: 'A report', schema: { type: 'object' } },
      },
    });
    expect((sentBody(server, 2).response_format as { json_schema: object }).json_schema).not.toHaveProperty('strict');
    expect(sentBody(server, 3)).toMatchObject({ tool_choice: 'auto', response_format: { type: 'text' } });
    expect(sentBody(server, 0)).not.toHaveProperty('stream');
    expect(sentBody(server, 0)).not.toHaveProperty('max_tokens');
  });

  it('merges providerOptions.openai and providerOptions[name] last, over mapped fields', async () => {
    const { server, transport } = await start();
    const adapter = openai({ apiKey: 'sk-test-request-body', baseURL: `${server.url}/v1`, name: 'azure-east' });
    await adapter.doGenerate(
      {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Hi' }],
        temperature: 1,
        providerOptions: {
          openai: { logprobs: true, temperature: 0.5 },
          'azure-east': { temperature: 0.1, user: 'u-1' },
          anthropic: { thinking: { type: 'enabled' } },
        },
      },
      callContext(transport),
    );
    expect(sentBody(server)).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.1,
      logprobs: true,
      user: 'u-1',
    });
  });

  it('asks a stream for usage with stream_options.include_usage', async () => {
    server = await startReplayServer([
      { chunks: [sseData(chunk({ content: 'hi' }, 'stop')), sseData('[DONE]')] },
    ]);
    transport = new UndiciTransport();
    const adapter = openai({ apiKey: 'sk-test-request-body', baseURL: `${server.url}/v1` });
    await collectParts(await adapter.doStream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }, callContext(transport)));
    expect(sentBody(server)).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(server.requests[0]!.headers.accept).toBe('text/event-stream');
  });

  it('sends the auth, organization, project, custom and per-call headers', async () => {
    const { server, transport } = await start();
    const adapter = openai({
      apiKey: 'sk-test-header-key',
      baseURL: `${server.url}/v1/`,
      organization: 'org-1',
      project: 'proj-1',
      headers: { 'X-Custom': 'yes' },
    });
    await adapter.doGenerate(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] },
      { ...callContext(transport), headers: { 'x-trace-id': 'trace-1' } },
    );
    const headers = server.requests[0]!.headers;
    expect(server.requests[0]!.url).toBe('/v1/chat/completions');
    expect(headers.authorization).toBe('Bearer sk-test-header-key');
    expect(headers['content-type']).toBe('application/json');
    expect(headers.accept).toBe('application/json');
    expect(headers['openai-organization']).toBe('org-1');
    expect(headers['openai-project']).toBe('proj-1');
    expect(headers['x-custom']).toBe('yes');
    expect(headers['x-trace-id']).toBe('trace-1');
  });

  it('rejects an image given as bytes without a mediaType before sending anything', async () => {
    const { server, transport } = await start();
    const adapter = openai({ apiKey: 'sk-test-request-body', baseURL: `${server.url}/v1` });
    const call = adapter.doGenerate(
      { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'image', image: new Uint8Array([1]) }] }] },
      callContext(transport),
    );
    await expect(call).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(call).rejects.toMatchObject({ field: 'messages.0.content.0.mediaType' });
    expect(server.requests).toHaveLength(0);
  });

  it('describes itself: kind, origins and capabilities', () => {
    const adapter = openai({ apiKey: 'sk-test-request-body' });
    expect(adapter.kind).toBe('openai');
    expect(adapter.specificationVersion).toBe('v1');
    expect(adapter.origins).toEqual(['https://api.openai.com']);
    expect(adapter.capabilities).toEqual({ tools: true, images: true, jsonOutput: true, prefill: false, embeddings: true });
  });

  it('rejects invalid options eagerly with a field name', () => {
    expect(() => openai({ apiKey: '' })).toThrow(/Expected `apiKey`/);
    expect(() => openai({ apiKey: 'sk-test-request-body', baseURL: 'ftp://example.test' })).toThrow(
      'Expected `baseURL` to be an http(s) URL, got "ftp://example.test".',
    );
    expect(() => openaiCompatible({ baseURL: 'not a url' })).toThrow(InvalidArgumentError);
    expect(() => openai({ apiKey: 'sk-test-request-body', name: '' })).toThrow(/Expected `name`/);
  });
});

describe('openaiCompatible() request mapping', () => {
  it('sends max_tokens, merges its providerOptions keys and omits auth without a key', async () => {
    const { server, transport } = await start();
    const adapter = openaiCompatible({ baseURL: `${server.url}/api/v1`, name: 'vllm' });
    expect(adapter.kind).toBe('openai-compatible');
    expect(adapter.origins).toEqual([server.url]);
    await adapter.doGenerate(
      {
        model: 'llama',
        messages: [{ role: 'user', content: 'Hi' }],
        maxTokens: 64,
        providerOptions: {
          openai: { ignored: true },
          'openai-compatible': { top_k: 40, repetition_penalty: 1.1 },
          vllm: { top_k: 20 },
        },
      },
      { signal: new AbortController().signal, transport, clock: systemClock },
    );
    expect(server.requests[0]!.url).toBe('/api/v1/chat/completions');
    expect(sentBody(server)).toEqual({
      model: 'llama',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 64,
      top_k: 20,
      repetition_penalty: 1.1,
    });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('sends the bearer key when one is given', async () => {
    const { server, transport } = await start();
    const adapter = openaiCompatible({ baseURL: `${server.url}/v1`, apiKey: 'gateway-key-123456' });
    await adapter.doGenerate({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, callContext(transport));
    expect(server.requests[0]!.headers.authorization).toBe('Bearer gateway-key-123456');
  });
});
