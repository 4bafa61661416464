/**
 * The clients the benchmarks compare, each configured as its docs recommend and pointed at the
 * same loopback server: raw undici (the floor), this library (the built package), openai-node and
 * the AI SDK's OpenAI chat model. Each offers one chat call and one streamed call.
 */
import { createParser } from 'eventsource-parser';
import { Pool } from 'undici';

export type ClientName = 'raw undici' | 'llm-resilience' | 'openai-node' | 'AI SDK';
export const CLIENT_NAMES: readonly ClientName[] = ['raw undici', 'llm-resilience', 'openai-node', 'AI SDK'];

export type BenchClient = {
  /** One chat call; resolves with the answer's text. */
  chat(): Promise<unknown>;
  /** One streamed call; resolves with the number of text chunks read. */
  stream(): Promise<number>;
  close(): Promise<void>;
};

const API_KEY = 'sk-bench-key-000000';
const MODEL = 'gpt-bench';
const QUESTION = 'What is the capital of France?';

// The raw side serializes its request per call, as any real caller must; the body is the same.
const rawRequest = { model: MODEL, messages: [{ role: 'user', content: QUESTION }], temperature: 0 };
const rawStreamRequest = { ...rawRequest, stream: true, stream_options: { include_usage: true } };
const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', accept: 'application/json' };
const streamHeaders = { ...headers, accept: 'text/event-stream' };

function rawClient(origin: string, connections: number): BenchClient {
  const pool = new Pool(origin, { connections });
  return {
    async chat() {
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body: JSON.stringify(rawRequest) });
      const json = (await response.body.json()) as { choices: { message: { content: string } }[] };
      return json.choices[0]!.message.content;
    },
    async stream() {
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: streamHeaders, body: JSON.stringify(rawStreamRequest) });
      let chunks = 0;
      let text = '';
      const parser = createParser({
        onEvent(event) {
          if (event.data === '[DONE]') return;
          const json = JSON.parse(event.data) as { choices: { delta?: { content?: string } }[] };
          const content = json.choices[0]?.delta?.content;
          if (content) {
            text += content;
            chunks++;
          }
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      return chunks;
    },
    close: () => pool.close(),
  };
}

async function libraryClient(origin: string, connections: number): Promise<BenchClient> {
  // The built package, as users get it (`npm run bench` builds it first).
  const distEntry: string = '../dist/index.js';
  const { ResilientLLM, openai } = (await import(distEntry)) as typeof import('../src/index.js');
  const llm = new ResilientLLM({
    providers: { local: openai({ apiKey: API_KEY, baseURL: `${origin}/v1` }) },
    models: { main: { provider: 'local', model: MODEL } },
    transport: { connections },
  });
  const request = { model: 'main', messages: [{ role: 'user' as const, content: QUESTION }], temperature: 0 };
  return {
    async chat() {
      return (await llm.chat(request)).text;
    },
    async stream() {
      let chunks = 0;
      for await (const part of llm.stream(request)) if (part.type === 'text-delta') chunks++;
      return chunks;
    },
    close: () => llm.close(),
  };
}

async function openaiNodeClient(origin: string): Promise<BenchClient> {
  // openai-node's README: `new OpenAI({ apiKey, baseURL })`, then `chat.completions.create`.
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ apiKey: API_KEY, baseURL: `${origin}/v1` });
  const messages = [{ role: 'user' as const, content: QUESTION }];
  return {
    async chat() {
      const completion = await client.chat.completions.create({ model: MODEL, messages, temperature: 0 });
      return completion.choices[0]?.message.content;
    },
    async stream() {
      const stream = await client.chat.completions.create({ model: MODEL, messages, temperature: 0, stream: true, stream_options: { include_usage: true } });
      let chunks = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) chunks++;
      return chunks;
    },
    close: async () => {},
  };
}

async function aiSdkClient(origin: string): Promise<BenchClient> {
  // The AI SDK's docs for an OpenAI-compatible endpoint: `createOpenAI({ baseURL, apiKey })`, and
  // `.chat(model)` for the Chat Completions API; `generateText` and `streamText` from `ai`.
  const [{ generateText, streamText }, { createOpenAI }] = await Promise.all([import('ai'), import('@ai-sdk/openai')]);
  const model = createOpenAI({ baseURL: `${origin}/v1`, apiKey: API_KEY }).chat(MODEL);
  const messages = [{ role: 'user' as const, content: QUESTION }];
  return {
    async chat() {
      return (await generateText({ model, messages, temperature: 0 })).text;
    },
    async stream() {
      let chunks = 0;
      const result = streamText({ model, messages, temperature: 0 });
      for await (const text of result.textStream) if (text) chunks++;
      return chunks;
    },
    close: async () => {},
  };
}

/**
 * The client named `name`, against the server at `origin`. `connections` caps the sockets of the
 * two undici pools (raw, library); openai-node and the AI SDK use the global fetch, whose agent has
 * no cap. @default 64
 */
export async function createClient(name: ClientName, origin: string, connections = 64): Promise<BenchClient> {
  switch (name) {
    case 'raw undici':
      return rawClient(origin, connections);
    case 'llm-resilience':
      return libraryClient(origin, connections);
    case 'openai-node':
      return openaiNodeClient(origin);
    case 'AI SDK':
      return aiSdkClient(origin);
  }
}
