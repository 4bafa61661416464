import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import { ConnectionError, TimeoutError } from '../../src/errors/errors.js';
import { openai } from '../../src/providers/openai/openai-adapter.js';
import { anthropic } from '../../src/providers/anthropic/anthropic-adapter.js';
import { UndiciTransport } from '../../src/transport/undici-transport.js';
import { AbortToken } from '../../src/transport/abort-token.js';
import { listenOnLoopback } from '../helpers/listen-on-loopback.js';

type Counting = { url: string; connections: () => number; requests: () => number; close: () => Promise<void> };

/** A loopback server that counts TCP connections and answers OpenAI or Anthropic streams. */
async function countingServer(): Promise<Counting> {
  let connections = 0;
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      if (request.method === 'GET') {
        response.writeHead(404, { 'content-length': '0' }).end();
        return;
      }
      if (request.url?.endsWith('/messages')) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const events = [
          ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude-x', usage: { input_tokens: 3, output_tokens: 1 } } }],
          ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
          ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi there' } }],
          ['content_block_stop', { type: 'content_block_stop', index: 0 }],
          ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }],
          ['message_stop', { type: 'message_stop' }],
        ] as const;
        for (const [name, data] of events) response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
        response.end();
        return;
      }
      const isStream = body.includes('"stream":true');
      if (isStream) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, finish: string | null = null) =>
          `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'gpt-x', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        response.write(chunk({ role: 'assistant', content: 'hi' }));
        response.write(chunk({ content: ' there' }));
        response.write(chunk({}, 'stop'));
        response.write(`data: ${JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n`);
        response.end('data: [DONE]\n\n');
      } else {
        const json = JSON.stringify({ id: 'c', model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: 'hi there' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
        response.writeHead(200, { 'content-type': 'application/json' }).end(json);
      }
    });
  });
  const { url, close } = await listenOnLoopback(server, () => connections++);
  return { url, connections: () => connections, requests: () => requests, close };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup() {
  const server = await countingServer();
  const llm = new ResilientLLM({
    providers: {
      oa: openai({ apiKey: 'sk-test-transport-key', baseURL: `${server.url}/v1` }),
      an: anthropic({ apiKey: 'sk-ant-test-transport-key', baseURL: `${server.url}/v1` }),
    },
    models: { gpt: { provider: 'oa', model: 'gpt-x' }, claude: { provider: 'an', model: 'claude-x' } },
  });
  cleanups.push(() => server.close(), () => llm.close());
  return { server, llm };
}

describe('undici transport', () => {
  it('reuses one keep-alive connection for sequential calls and streams', async () => {
    const { server, llm } = await setup();
    // undici's pool marks a connection free one tick after its body resolves; wait that tick, so
    // a new connection could only come from a socket the library closed.
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < 3; index++) {
      expect((await llm.chat({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] })).text).toBe('hi there');
      await tick();
      expect((await llm.stream({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] }).response).text).toBe('hi there');
      await tick();
      expect((await llm.stream({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }).response).text).toBe('hi there');
      await tick();
    }
    expect(server.requests()).toBe(9);
    expect(server.connections()).toBe(1);
  });

  it('opens connections ahead of the first request with warmup()', async () => {
    const { server, llm } = await setup();
    await llm.warmup();
    expect(server.connections()).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    await llm.chat({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] });
    expect(server.connections()).toBe(1);
  });

  it('refuses calls after close() and releases its sockets', async () => {
    const { llm } = await setup();
    await llm.chat({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] });
    await llm.close();
    await expect(llm.chat({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(/closed/);
  });

  it('maps a refused connection to ConnectionError', async () => {
    const server = await countingServer();
    const url = server.url;
    await server.close();
    const transport = new UndiciTransport();
    cleanups.push(() => transport.close());
    const error = await transport
      .request({ url: `${url}/v1/chat/completions`, method: 'POST', headers: {}, body: '{}', signal: new AbortToken() })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).isRetryable).toBe(true);
  });

  it('maps a silent server to a typed headers timeout', async () => {
    const silent = await listenOnLoopback(createServer(() => undefined));
    cleanups.push(silent.close);
    const transport = new UndiciTransport({ headersTimeoutMs: 50 });
    cleanups.push(() => transport.close());
    const error = await transport
      .request({ url: `${silent.url}/x`, method: 'POST', headers: {}, body: '{}', signal: new AbortToken() })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe('headers');
  });

  it('rejects with the abort reason when the token aborts before the answer', async () => {
    let closed = 0;
    const silent = await listenOnLoopback(createServer((request) => request.socket.on('close', () => closed++)));
    cleanups.push(silent.close);
    const transport = new UndiciTransport();
    cleanups.push(() => transport.close());
    const token = new AbortToken();
    const reason = new Error('stop');
    const pending = transport.request({ url: `${silent.url}/x`, method: 'POST', headers: {}, body: '{}', signal: token });
    setTimeout(() => token.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => closed).toBe(1);
  });
});
