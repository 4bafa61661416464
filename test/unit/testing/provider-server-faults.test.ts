import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorFromHttp } from '../../../src/errors/error-from-http.js';
import {
  createProviderServer,
  cutMidStream,
  DEFAULT_REPLY_TEXT,
  downFor,
  inBandError,
  malformedChunk,
  missingTerminator,
  neverAnswer,
  resetBeforeHeaders,
  serverError,
  slowFirstToken,
  stall,
  type ProviderProtocol,
  type ProviderServer,
  type ServerStep,
} from '../../../src/testing/index.js';
import { decodeSse, type SseEvent } from '../../../src/transport/sse.js';
import { createWireClient, readToEnd } from './wire-client.js';

let server: ProviderServer | undefined;
let client: ReturnType<typeof createWireClient> | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function start(script: Record<string, readonly ServerStep[]>) {
  server = await createProviderServer({ script });
  client = createWireClient();
  return { server, client };
}

type Protocol = {
  readonly name: ProviderProtocol;
  path(model: string, isStream: boolean): string;
  body(model: string, isStream: boolean, messages?: unknown[]): unknown;
  /** The model output a decoded event carries. */
  contentOf(event: SseEvent): string | undefined;
  /** The raw bytes that end a complete stream, if the protocol has any. */
  readonly terminator?: string;
};

const userTurn = [{ role: 'user', content: 'hi' }];

const PROTOCOLS: readonly Protocol[] = [
  {
    name: 'openai',
    path: () => '/v1/chat/completions',
    body: (model, isStream) => ({ model, stream: isStream, messages: userTurn }),
    contentOf: (event) => (event.data === '[DONE]' ? undefined : JSON.parse(event.data).choices?.[0]?.delta?.content || undefined),
    terminator: 'data: [DONE]\n\n',
  },
  {
    name: 'anthropic',
    path: () => '/v1/messages',
    body: (model, isStream) => ({ model, stream: isStream, max_tokens: 50, messages: userTurn }),
    contentOf: (event) => JSON.parse(event.data).delta?.text,
    terminator: 'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  },
  {
    name: 'gemini',
    path: (model, isStream) => `/v1beta/models/${model}:${isStream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    body: () => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    contentOf: (event) => (event.event === 'raw' ? undefined : JSON.parse(event.data).candidates?.[0]?.content?.parts?.[0]?.text),
  },
];

const words = DEFAULT_REPLY_TEXT.split(/(?=\s)/);

async function collect(body: AsyncIterable<Uint8Array>, events: SseEvent[] = []): Promise<{ events: SseEvent[]; error?: unknown }> {
  try {
    for await (const event of decodeSse(body)) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

function isSocketError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

describe.each(PROTOCOLS)('createProviderServer faults over $name', (protocol) => {
  const post = (model: string, isStream: boolean, init: Parameters<ReturnType<typeof createWireClient>['post']>[2] = {}) =>
    client!.post(`${server!.url}${protocol.path(model, isStream)}`, protocol.body(model, isStream), init);

  it('resetBeforeHeaders resets the socket before any byte, after reading the request', async () => {
    await start({ m: [resetBeforeHeaders()] });
    const error = await post('m', true).catch((caught: unknown) => caught);
    expect(isSocketError(error)).toBe(true);
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]?.step).toBe('reset-before-headers');
    expect(server!.closedEarly).toBe(0);
  });

  it('neverAnswer keeps the request open until the client headers timeout, which counts as closed early', async () => {
    await start({ m: [neverAnswer()] });
    const startedAt = performance.now();
    const error = await post('m', false, { headersTimeoutMs: 150 }).catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(server!.requests[0]?.step).toBe('never-answer');
    await vi.waitFor(() => expect(server!.closedEarly).toBe(1));
  });

  it('slowFirstToken sends headers at once and the first content after the delay', async () => {
    await start({ m: [slowFirstToken(250, { text: 'late answer' })] });
    const startedAt = performance.now();
    const response = await post('m', true);
    const headersAt = performance.now();
    expect(headersAt - startedAt).toBeLessThan(200);
    let firstContentAt = 0;
    const texts: string[] = [];
    for await (const event of decodeSse(response.body)) {
      const text = protocol.contentOf(event);
      if (text === undefined) continue;
      firstContentAt ||= performance.now();
      texts.push(text);
    }
    expect(firstContentAt - startedAt).toBeGreaterThanOrEqual(240);
    expect(texts.join('')).toBe('late answer');
  });

  it('cutMidStream destroys the socket after the given number of content chunks', async () => {
    await start({ m: [cutMidStream({ afterChunks: 2 })] });
    const response = await post('m', true);
    expect(response.statusCode).toBe(200);
    const { events, error } = await collect(response.body);
    expect(isSocketError(error)).toBe(true);
    expect(events.map(protocol.contentOf).filter(Boolean)).toEqual(words.slice(0, 2));
    expect(server!.closedEarly).toBe(0);
  });

  it('cutMidStream on a non-streaming request ends the body early', async () => {
    await start({ m: [cutMidStream({ afterChunks: 0 })] });
    const response = await post('m', false);
    const { text, error } = await readToEnd(response.body);
    expect(isSocketError(error)).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('stall goes silent after the given chunks and keeps the socket open until the client gives up', async () => {
    await start({ m: [stall({ afterChunks: 1 })] });
    const controller = new AbortController();
    const response = await post('m', true, { signal: controller.signal });
    const events: SseEvent[] = [];
    let isSettled = false;
    const reading = collect(response.body, events).finally(() => {
      isSettled = true;
    });
    await vi.waitFor(() => expect(events.map(protocol.contentOf).filter(Boolean)).toEqual(words.slice(0, 1)));
    await sleep(200);
    expect(isSettled).toBe(false);
    expect(events.map(protocol.contentOf).filter(Boolean)).toHaveLength(1);
    expect(server!.openConnections()).toBe(1);
    controller.abort();
    expect((await reading).error).toBeDefined();
    await vi.waitFor(() => expect(server!.closedEarly).toBe(1));
  });

  it('malformedChunk sends one event whose JSON is cut off', async () => {
    await start({ m: [malformedChunk({ afterChunks: 1 })] });
    const response = await post('m', true);
    const { events, error } = await collect(response.body);
    expect(error).toBeUndefined();
    const broken = events.filter((event) => {
      if (event.data === '[DONE]') return false;
      try {
        JSON.parse(event.data);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toHaveLength(1);
    expect(events.indexOf(broken[0]!)).toBeGreaterThan(0);
  });

  it('missingTerminator ends a 200 body cleanly without the end marker', async () => {
    await start({ m: [missingTerminator()], complete: [{ text: 'ok' }] });
    const complete = await readToEnd((await post('complete', true)).body);
    const response = await post('m', true);
    expect(response.statusCode).toBe(200);
    const { text, error } = await readToEnd(response.body);
    expect(error).toBeUndefined();
    if (protocol.terminator) {
      expect(complete.text.endsWith(protocol.terminator)).toBe(true);
      expect(text).not.toContain(protocol.terminator);
      expect(text).toContain(words[0]);
    } else {
      expect(complete.text).toContain('"finishReason": "STOP"');
      expect(text).toBe('');
    }
  });

  it.each(['overloaded', 'rate_limit', 'server'] as const)('inBandError sends the vendor in-band %s error after a 200 and content', async (type) => {
    await start({ m: [inBandError({ afterChunks: 2, type })] });
    const response = await post('m', true);
    expect(response.statusCode).toBe(200);
    const { raw, events } = await (async () => {
      const chunks: Buffer[] = [];
      async function* tee() {
        for await (const chunk of response.body) {
          chunks.push(chunk as Buffer);
          yield chunk as Buffer;
        }
      }
      const result = await collect(tee());
      return { raw: Buffer.concat(chunks).toString('utf8'), events: result.events };
    })();
    expect(events.map(protocol.contentOf).filter(Boolean)).toEqual(words.slice(0, 2));
    const expectedStatus = type === 'rate_limit' ? 429 : type === 'server' ? 500 : protocol.name === 'anthropic' ? 529 : 503;
    if (protocol.name === 'openai') {
      const errorEvent = events.find((event) => event.data.startsWith('{"error"'));
      expect(JSON.parse(errorEvent!.data).error.type).toBe(type === 'rate_limit' ? 'requests' : 'server_error');
      expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
      expect(raw).not.toContain('"finish_reason":"stop"');
    } else if (protocol.name === 'anthropic') {
      const last = events.at(-1)!;
      expect(last.event).toBe('error');
      expect(last.data).toMatch(/\}\s{2,}\}$/);
      const error = JSON.parse(last.data).error;
      expect(error.details).toBeNull();
      expect(errorFromHttp({ status: expectedStatus, message: error.message, providerCode: error.type }).isRetryable).toBe(true);
      expect(error.type).toBe({ overloaded: 'overloaded_error', rate_limit: 'rate_limit_error', server: 'api_error' }[type]);
      expect(raw).not.toContain('message_stop');
    } else {
      const last = events.at(-1)!;
      expect(last.event).toBe('raw');
      expect(raw).not.toMatch(/\ndata: \{"error/);
      const error = JSON.parse(last.data).error;
      expect(error.code).toBe(expectedStatus);
      expect(errorFromHttp({ status: error.code, message: error.message }).code).toBe(
        { overloaded: 'RLLM_OVERLOADED', rate_limit: 'RLLM_RATE_LIMITED', server: 'RLLM_SERVER_ERROR' }[type],
      );
    }
  });

  it('inBandError on a non-streaming request answers with the matching HTTP error', async () => {
    await start({ m: [inBandError({ type: 'overloaded' })] });
    const response = await post('m', false);
    expect(response.statusCode).toBe(protocol.name === 'anthropic' ? 529 : 503);
    await response.body.dump();
  });

  it('downFor answers 503 until the window passes, holds the script there, then answers and moves on', async () => {
    await start({ m: [downFor(600, { reply: { text: 'back' } }), serverError(502)] });
    const first = await post('m', false);
    expect(first.statusCode).toBe(503);
    await first.body.dump();
    const second = await post('m', false);
    expect(second.statusCode).toBe(503);
    await second.body.dump();
    const firstAt = server!.requests[0]!.stepStartedAt;
    await sleep(Math.max(0, firstAt + 620 - performance.now()));
    const healthy = await post('m', false);
    expect(healthy.statusCode).toBe(200);
    expect(await healthy.body.text()).toContain('back');
    const next = await post('m', false);
    expect(next.statusCode).toBe(502);
    await next.body.dump();
    expect(server!.requests.map((request) => request.step)).toEqual(['down-for', 'down-for', 'down-for', 'server-error']);
  });
});

describe('createProviderServer bookkeeping', () => {
  it('consumes each model script in order, repeats the last step, and prefers protocol-qualified keys', async () => {
    const { server, client } = await start({
      a: [{ text: 'one' }, { text: 'two' }],
      'anthropic:a': [{ text: 'from anthropic' }],
      default: [{ text: 'fallback' }],
    });
    const texts: string[] = [];
    for (const model of ['a', 'a', 'a', 'b']) {
      const body = (await (await client.post(`${server.url}/v1/chat/completions`, { model, messages: [] })).body.json()) as {
        choices: { message: { content: string } }[];
      };
      texts.push(body.choices[0]!.message.content);
    }
    expect(texts).toEqual(['one', 'two', 'two', 'fallback']);
    const anthropic = (await (await client.post(`${server.url}/v1/messages`, { model: 'a', max_tokens: 5, messages: [] })).body.json()) as {
      content: { text: string }[];
    };
    expect(anthropic.content[0]?.text).toBe('from anthropic');
    expect(server.requestsFor('a').map((request) => request.scriptKey)).toEqual(['a', 'a', 'a', 'anthropic:a']);
    server.setScript({ a: [{ text: 'rewound' }] });
    const rewound = (await (await client.post(`${server.url}/v1/chat/completions`, { model: 'a', messages: [] })).body.json()) as {
      choices: { message: { content: string } }[];
    };
    expect(rewound.choices[0]?.message.content).toBe('rewound');
  });

  it('records when each step started so tests can assert the gap between attempts', async () => {
    const { server, client } = await start({ m: [serverError(500), { text: 'ok' }] });
    await (await client.post(`${server.url}/v1/chat/completions`, { model: 'm', messages: [] })).body.dump();
    await sleep(120);
    await (await client.post(`${server.url}/v1/chat/completions`, { model: 'm', messages: [] })).body.dump();
    const [first, second] = server.requests;
    expect(second!.stepStartedAt - first!.stepStartedAt).toBeGreaterThanOrEqual(115);
    expect(first!.stepStartedAt).toBeGreaterThanOrEqual(first!.receivedAt);
    expect(server.requests.map((request) => request.step)).toEqual(['server-error', 'reply']);
  });

  it('counts a stream the client closed before its end, and not one read to the end', async () => {
    const { server, client } = await start({ m: [{ text: 'a b c d e f g h', chunkDelayMs: 40 }] });
    await readToEnd((await client.post(`${server.url}/v1/chat/completions`, { model: 'm', stream: true, messages: [] })).body);
    expect(server.closedEarly).toBe(0);
    const controller = new AbortController();
    const response = await client.post(`${server.url}/v1/chat/completions`, { model: 'm', stream: true, messages: [] }, { signal: controller.signal });
    for await (const chunk of response.body) {
      if (Buffer.from(chunk).toString().includes('"content":"a"')) break;
    }
    controller.abort();
    await vi.waitFor(() => expect(server.closedEarly).toBe(1));
  });

  it('close() destroys open sockets, including stalled responses, and leaves no connection behind', async () => {
    const { server, client } = await start({ m: [stall({ afterChunks: 0 })] });
    const response = await client.post(`${server.url}/v1/chat/completions`, { model: 'm', stream: true, messages: [] });
    const reading = readToEnd(response.body);
    expect(server.openConnections()).toBe(1);
    await server.close();
    expect(server.openConnections()).toBe(0);
    expect((await reading).error).toBeDefined();
    expect(server.closedEarly).toBe(0);
  });

  it('answers HEAD / for warm-up without recording it', async () => {
    const { server, client } = await start({});
    const { request } = await import('undici');
    const response = await request(`${server.url}/`, { method: 'HEAD', dispatcher: client.agent });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(server.requests).toHaveLength(0);
  });
});
