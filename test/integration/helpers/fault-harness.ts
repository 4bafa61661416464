import type { ClientOptions } from '../../../src/client/client-options.js';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { ChatResponse, Message, StreamPart } from '../../../src/client/types.js';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../../src/providers/gemini/gemini-adapter.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { openaiResponses } from '../../../src/providers/openai-responses/openai-responses-adapter.js';
import type { ProviderProtocol, ProviderServer, ProviderServerRequest, ProviderServerScript } from '../../../src/testing/index.js';
import { serverForTest } from './server-for-test.js';

export const PROTOCOLS: readonly ProviderProtocol[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];

/** A model an alias points at: its name on the server, and optionally its protocol and context window. */
export type HarnessModel = string | { readonly model: string; readonly protocol?: ProviderProtocol; readonly contextWindow?: number };

export type HarnessClientOptions = Omit<ClientOptions, 'providers' | 'models'> & {
  readonly models: Readonly<Record<string, HarnessModel>>;
};

export type Harness = {
  readonly server: ProviderServer;
  /** A client over the default undici transport, with one adapter per protocol pointed at the server. */
  client(options: HarnessClientOptions): ResilientLLM;
  /** The server-side requests for a model. */
  requestsFor(model: string): ProviderServerRequest[];
};

/** Fast, deterministic retries unless a test says otherwise: backoff delays are exactly the midpoint. */
export const FAST_RETRY = { baseDelayMs: 40, maxDelayMs: 200 } as const;

/**
 * Starts a provider server for one test and returns a client factory. The server and every
 * client are closed when the test finishes, pass or fail.
 */
export async function startHarness(protocol: ProviderProtocol, script: ProviderServerScript): Promise<Harness> {
  const { server, track } = await serverForTest(script);
  return {
    server,
    requestsFor: (model) => server.requestsFor(model),
    client(options) {
      const { models, ...rest } = options;
      const llm = new ResilientLLM({
        providers: {
          openai: openai({ apiKey: 'sk-test-openai', baseURL: server.baseURL('openai') }),
          'openai-responses': openaiResponses({ apiKey: 'sk-test-openai', baseURL: server.baseURL('openai-responses') }),
          anthropic: anthropic({ apiKey: 'sk-ant-test', baseURL: server.baseURL('anthropic') }),
          gemini: gemini({ apiKey: 'gemini-test-key', baseURL: server.baseURL('gemini') }),
        },
        models: Object.fromEntries(
          Object.entries(models).map(([alias, model]) => {
            const config = typeof model === 'string' ? { model } : model;
            return [
              alias,
              {
                provider: config.protocol ?? protocol,
                model: config.model,
                ...(config.contextWindow !== undefined ? { contextWindow: config.contextWindow } : {}),
              },
            ];
          }),
        ),
        random: () => 0.5,
        ...rest,
        retry: { ...FAST_RETRY, ...rest.retry },
      });
      return track(llm);
    },
  };
}

export const userTurn = (content = 'Say something short.'): Message[] => [{ role: 'user', content }];

export type StreamOutcome = {
  readonly parts: StreamPart[];
  readonly response: ChatResponse | undefined;
  readonly error: unknown;
  /** Text deltas after the last `reset` part: what a consumer that honours resets shows. */
  readonly visibleText: string;
  /** Every text delta, resets ignored. */
  readonly allText: string;
};

/** Iterates a stream to its end and keeps every part, the final response or the error. */
export async function drain(stream: AsyncIterable<StreamPart> & { readonly response: Promise<ChatResponse> }): Promise<StreamOutcome> {
  const parts: StreamPart[] = [];
  let error: unknown;
  try {
    for await (const part of stream) parts.push(part);
  } catch (caught) {
    error = caught;
  }
  const response = error === undefined ? await stream.response : undefined;
  let visibleText = '';
  let allText = '';
  for (const part of parts) {
    if (part.type === 'reset') visibleText = '';
    if (part.type === 'text-delta') {
      visibleText += part.text;
      allText += part.text;
    }
  }
  return { parts, response, error, visibleText, allText };
}

/** Milliseconds from when the server started answering `earlier` to when `later` arrived. */
export function gapMs(earlier: ProviderServerRequest, later: ProviderServerRequest): number {
  return later.receivedAt - earlier.stepStartedAt;
}

/** Runs `action` and returns its result (or error) with the wall time it took. */
export async function timed<T>(action: () => Promise<T>): Promise<{ value: T | undefined; error: unknown; elapsedMs: number }> {
  const startedAt = performance.now();
  try {
    const value = await action();
    return { value, error: undefined, elapsedMs: performance.now() - startedAt };
  } catch (error) {
    return { value: undefined, error, elapsedMs: performance.now() - startedAt };
  }
}

/** Whether a request body ends with an assistant turn (OpenAI/Anthropic `assistant`, Gemini `model`). */
export function endsWithAssistant(protocol: ProviderProtocol, body: unknown): { readonly isPrefill: boolean; readonly text: string } {
  if (protocol === 'gemini') {
    const contents = (body as { contents?: { role?: string; parts?: { text?: string }[] }[] }).contents ?? [];
    const last = contents[contents.length - 1];
    return { isPrefill: last?.role === 'model', text: (last?.parts ?? []).map((part) => part.text ?? '').join('') };
  }
  const messages = (body as { messages?: { role?: string; content?: unknown }[] }).messages ?? [];
  const last = messages[messages.length - 1];
  const content = last?.content;
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map((block: { text?: string }) => block.text ?? '').join('')
        : '';
  return { isPrefill: last?.role === 'assistant', text };
}
