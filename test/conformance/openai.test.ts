import { afterEach, describe, expect, it } from 'vitest';
import type { GenerateResult, ProviderRequest, ProviderStreamPart, ToolCall, ToolSpec, Usage } from '../../src/client/types.js';
import { BadRequestError } from '../../src/errors/errors.js';
import type { ResilientLLMError } from '../../src/errors/resilient-llm-error.js';
import { openai } from '../../src/providers/openai/openai-adapter.js';
import { systemClock } from '../../src/providers/provider.js';
import { fetchTransport } from '../../src/transport/fetch-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { UndiciTransport } from '../../src/transport/undici-transport.js';
import { listFixtures, readFixture, readJsonFixture } from '../helpers/fixtures.js';
import { startMswReplay } from '../helpers/msw-replay.js';
import { startReplayServer } from '../helpers/replay-server.js';

/** The normalized outcome of one call, compared against the table below. */
type Summary = {
  readonly text: string;
  readonly refusal: string | undefined;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: string;
  readonly rawFinishReason: string | undefined;
  readonly usage: Usage;
  readonly model: string | undefined;
  readonly responseId: string | undefined;
};

type Outcome = { readonly summary: Summary } | { readonly error: ErrorExpectation };

type ErrorExpectation = {
  readonly errorClass: typeof BadRequestError;
  readonly code: string;
  readonly status: number;
  readonly providerCode: string;
  readonly param: string;
};

/** One recorded interaction: the reply to replay, its recorded request when there is one, and what must come out. */
type Interaction = {
  readonly response: string;
  readonly meta?: string;
  readonly request?: { readonly file: string; readonly normalized: ProviderRequest };
  readonly isStream: boolean;
  readonly expected: Outcome;
};

const DEFAULT_REQUEST: ProviderRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] };

const usage = (input: number, output: number, details: { cached?: number; reasoning?: number } = {}): Usage => ({
  inputTokens: input,
  outputTokens: output,
  totalTokens: input + output,
  ...(details.cached !== undefined ? { cachedInputTokens: details.cached } : {}),
  ...(details.reasoning !== undefined ? { reasoningTokens: details.reasoning } : {}),
});

const success = (fields: Partial<Summary> & Pick<Summary, 'finishReason' | 'usage' | 'responseId'>): Outcome => ({
  summary: {
    text: '',
    refusal: undefined,
    toolCalls: [],
    rawFinishReason: { stop: 'stop', length: 'length', 'tool-calls': 'tool_calls' }[fields.finishReason],
    model: 'gpt-4o-2024-08-06',
    ...fields,
  },
});

/** Marker for text too long to write out: computed by the naive scan and spot-checked separately. */
const COMPUTED_TEXT = '\u0000computed';

const CAPITAL_TOOL: ToolSpec = {
  name: 'get_capital',
  description: 'Get the capital of a country.',
  parameters: {
    additionalProperties: false,
    properties: { country: { description: 'The country name.', type: 'string' } },
    required: ['country'],
    type: 'object',
  },
};

const STRICT_CAPITAL_TOOL: ToolSpec = {
  name: 'get_capital',
  description: '',
  parameters: { additionalProperties: false, properties: { country: { type: 'string' } }, required: ['country'], type: 'object' },
  strict: true,
};

const FRANCE_TURN: ProviderRequest['messages'] = [
  { role: 'user', content: 'What is the capital of France?' },
  { role: 'assistant', toolCalls: [{ id: 'pyd_ai_504f8147f83f44f3a5f14d87bfd01bda', name: 'get_capital', args: { country: 'France' } }] },
  { role: 'tool', toolCallId: 'pyd_ai_504f8147f83f44f3a5f14d87bfd01bda', content: 'Paris' },
  { role: 'assistant', content: 'The capital of France is Paris.\n' },
  { role: 'user', content: 'What is the capital of England?' },
];

const UK_QUESTION = 'What is the capital of the UK? Use the tool, then answer.';
const PY = 'openai/openai-python__';
const PA = 'openai/pydantic-ai/';

const INTERACTIONS: readonly Interaction[] = [
  {
    response: `${PY}finish-length-stream.sse`,
    isStream: true,
    expected: success({ text: '{"', finishReason: 'length', usage: usage(79, 1, { reasoning: 0 }), responseId: 'chatcmpl-ABfw3Oqj8RD0z6aJiiX37oTjV2HFh' }),
  },
  {
    response: `${PY}json-response-format-stream.sse`,
    isStream: true,
    expected: success({
      text: '{"city":"San Francisco","temperature":61,"units":"f"}',
      finishReason: 'stop',
      usage: usage(79, 14, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfw1e5abtU8OwGr15vOreYVb2MiF',
    }),
  },
  {
    response: `${PY}json-schema-long-stream.sse`,
    isStream: true,
    expected: success({ text: COMPUTED_TEXT, finishReason: 'stop', usage: usage(19, 177, { reasoning: 0 }), responseId: 'chatcmpl-ABfwCjPMi0ubw56UyMIIeNfJzyogq' }),
  },
  {
    response: `${PY}logprobs-content-stream.sse`,
    isStream: true,
    expected: success({ text: 'Foo!', finishReason: 'stop', usage: usage(9, 2, { reasoning: 0 }), responseId: 'chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c' }),
  },
  {
    response: `${PY}n3-multiple-choices-stream.sse`,
    isStream: true,
    expected: success({
      text: '{"city":"San Francisco","temperature":65,"units":"f"}',
      finishReason: 'stop',
      usage: usage(79, 42, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfw2KKFuVXmEJgVwYfBvejMAdWtq',
    }),
  },
  {
    response: `${PY}non-strict-tool-call-stream.sse`,
    isStream: true,
    expected: success({
      toolCalls: [{ id: 'call_4XzlGBLtUe9dy3GVNV4jhq7h', name: 'get_weather', args: { city: 'New York City' } }],
      finishReason: 'tool-calls',
      usage: usage(44, 16, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfwERreu9s99xXsVuOWtIB2UOx62',
    }),
  },
  {
    response: `${PY}refusal-logprobs-stream.sse`,
    isStream: true,
    expected: success({
      refusal: "I'm very sorry, but I can't assist with that.",
      finishReason: 'stop',
      usage: usage(79, 12, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfw5GEVqPbLY576l46FZDQoNJ2KC',
    }),
  },
  {
    response: `${PY}refusal-stream.sse`,
    isStream: true,
    expected: success({
      refusal: "I'm sorry, I can't assist with that request.",
      finishReason: 'stop',
      usage: usage(79, 11, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfw4IfQfCCrcuybFm41wJyxjbkz7',
    }),
  },
  {
    response: `${PY}single-tool-call-stream.sse`,
    isStream: true,
    expected: success({
      toolCalls: [{ id: 'call_c91SqDXlYFuETYv8mUHzz6pp', name: 'GetWeatherArgs', args: { city: 'Edinburgh', country: 'UK', units: 'c' } }],
      finishReason: 'tool-calls',
      usage: usage(76, 24, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfw8AOXnoa2kzy11vVTSjuQhHCQr',
    }),
  },
  {
    response: `${PY}strict-tool-call-stream.sse`,
    isStream: true,
    expected: success({
      toolCalls: [{ id: 'call_CTf1nWJLqSeRgDqaCG27xZ74', name: 'get_weather', args: { city: 'San Francisco', state: 'CA' } }],
      finishReason: 'tool-calls',
      usage: usage(48, 19, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfwCgi41eStOcARjZq97ohCEGBPO',
    }),
  },
  {
    response: `${PY}text-stream-gpt4o.sse`,
    isStream: true,
    expected: success({
      text: "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or a weather app.",
      finishReason: 'stop',
      usage: usage(14, 30, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL',
    }),
  },
  {
    response: `${PY}two-parallel-tool-calls-stream.sse`,
    isStream: true,
    expected: success({
      toolCalls: [
        { id: 'call_JMW1whyEaYG438VE1OIflxA2', name: 'GetWeatherArgs', args: { city: 'Edinburgh', country: 'GB', units: 'c' } },
        { id: 'call_DNYTawLBoN8fj3KN6qU9N1Ou', name: 'get_stock_price', args: { ticker: 'AAPL', exchange: 'NASDAQ' } },
      ],
      finishReason: 'tool-calls',
      usage: usage(149, 60, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfwAwrNePHUgBBezonVC6MX3zd63',
    }),
  },
  {
    response: `${PY}nonstream-two-parallel-tool-calls.json`,
    isStream: false,
    expected: success({
      toolCalls: [
        { id: 'call_fdNz3vOBKYgOIpMdWotB9MjY', name: 'GetWeatherArgs', args: { city: 'Edinburgh', country: 'GB', units: 'c' } },
        { id: 'call_h1DWI1POMJLb0KwIyQHWXD4p', name: 'get_stock_price', args: { ticker: 'AAPL', exchange: 'NASDAQ' } },
      ],
      finishReason: 'tool-calls',
      usage: usage(149, 60, { reasoning: 0 }),
      responseId: 'chatcmpl-ABfvyvfNWKcl7Ohqos4UFrmMs1v4C',
    }),
  },
  {
    response: `${PA}error-400-unsupported-value.0.response.json`,
    meta: `${PA}error-400-unsupported-value.0.response-meta.json`,
    request: {
      file: `${PA}error-400-unsupported-value.0.request.json`,
      normalized: {
        model: 'o1-mini',
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Hello' },
        ],
        providerOptions: { openai: { n: 1, stream: false } },
      },
    },
    isStream: false,
    expected: {
      error: { errorClass: BadRequestError, code: 'RLLM_BAD_REQUEST', status: 400, providerCode: 'unsupported_value', param: 'messages[0].role' },
    },
  },
  {
    response: `${PA}error-400-web-search-unsupported.0.response.json`,
    meta: `${PA}error-400-web-search-unsupported.0.response-meta.json`,
    request: {
      file: `${PA}error-400-web-search-unsupported.0.request.json`,
      normalized: {
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'What day is today?' },
        ],
        providerOptions: { openai: { stream: false, web_search_options: { search_context_size: 'low' } } },
      },
    },
    isStream: false,
    expected: {
      error: { errorClass: BadRequestError, code: 'RLLM_BAD_REQUEST', status: 400, providerCode: 'invalid_request_error', param: 'web_search_options' },
    },
  },
  {
    response: `${PA}nonstream-multiple-agent-tool-calls.2.response.json`,
    meta: `${PA}nonstream-multiple-agent-tool-calls.2.response-meta.json`,
    request: {
      file: `${PA}nonstream-multiple-agent-tool-calls.2.request.json`,
      normalized: {
        model: 'gpt-4o-mini',
        messages: FRANCE_TURN,
        tools: [CAPITAL_TOOL],
        toolChoice: 'auto',
        providerOptions: { openai: { n: 1, stream: false } },
      },
    },
    isStream: false,
    expected: success({
      toolCalls: [{ id: 'call_SkEQ3ZGSJC8m6AvaIGNuuKdm', name: 'get_capital', args: { country: 'England' } }],
      finishReason: 'tool-calls',
      usage: usage(104, 16, { cached: 0, reasoning: 0 }),
      model: 'gpt-4o-mini-2024-07-18',
      responseId: 'chatcmpl-BEhL3fZWgTz2Z57jXexYbQPsOBUm3',
    }),
  },
  {
    response: `${PA}nonstream-multiple-agent-tool-calls.3.response.json`,
    meta: `${PA}nonstream-multiple-agent-tool-calls.3.response-meta.json`,
    request: {
      file: `${PA}nonstream-multiple-agent-tool-calls.3.request.json`,
      normalized: {
        model: 'gpt-4o-mini',
        messages: [
          ...FRANCE_TURN,
          { role: 'assistant', toolCalls: [{ id: 'call_SkEQ3ZGSJC8m6AvaIGNuuKdm', name: 'get_capital', args: { country: 'England' } }] },
          { role: 'tool', toolCallId: 'call_SkEQ3ZGSJC8m6AvaIGNuuKdm', content: 'London' },
        ],
        tools: [CAPITAL_TOOL],
        toolChoice: 'auto',
        providerOptions: { openai: { n: 1, stream: false } },
      },
    },
    isStream: false,
    expected: success({
      text: 'The capital of England is London.',
      finishReason: 'stop',
      usage: usage(129, 9, { cached: 0, reasoning: 0 }),
      model: 'gpt-4o-mini-2024-07-18',
      responseId: 'chatcmpl-BEhL4jHN01U9VPVVYzgKrwORTJ0Pw',
    }),
  },
  {
    response: `${PA}stream-tool-roundtrip-include-usage.0.response.sse`,
    meta: `${PA}stream-tool-roundtrip-include-usage.0.response-meta.json`,
    request: {
      file: `${PA}stream-tool-roundtrip-include-usage.0.request.json`,
      normalized: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: UK_QUESTION }], tools: [STRICT_CAPITAL_TOOL], toolChoice: 'auto' },
    },
    isStream: true,
    expected: success({
      toolCalls: [{ id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', args: { country: 'UK' } }],
      finishReason: 'tool-calls',
      usage: usage(53, 15, { cached: 0, reasoning: 0 }),
      model: 'gpt-4o-mini-2024-07-18',
      responseId: 'chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl',
    }),
  },
  {
    response: `${PA}stream-tool-roundtrip-include-usage.1.response.sse`,
    meta: `${PA}stream-tool-roundtrip-include-usage.1.response-meta.json`,
    request: {
      file: `${PA}stream-tool-roundtrip-include-usage.1.request.json`,
      normalized: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'user', content: UK_QUESTION },
          { role: 'assistant', content: null, toolCalls: [{ id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', args: { country: 'UK' } }] },
          { role: 'tool', toolCallId: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', content: 'London' },
        ],
        tools: [STRICT_CAPITAL_TOOL],
        toolChoice: 'auto',
      },
    },
    isStream: true,
    expected: success({
      text: 'The capital of the UK is London.',
      finishReason: 'stop',
      usage: usage(78, 9, { cached: 0, reasoning: 0 }),
      model: 'gpt-4o-mini-2024-07-18',
      responseId: 'chatcmpl-Dx0Xq5Xx9rHB2ehcHZCRDsnuymUXc',
    }),
  },
];

/** Files under openai/ that are not OpenAI traffic: the cassette's first two calls went to Gemini. */
const NOT_OPENAI_TRAFFIC: readonly string[] = [0, 1].flatMap((index) =>
  ['request.json', 'response-meta.json', 'response.json'].map((suffix) => `${PA}nonstream-multiple-agent-tool-calls.${index}.${suffix}`),
);

function coveredFiles(): Set<string> {
  const covered = new Set<string>(NOT_OPENAI_TRAFFIC);
  for (const interaction of INTERACTIONS) {
    covered.add(interaction.response);
    if (interaction.meta) covered.add(interaction.meta);
    if (interaction.request) covered.add(interaction.request.file);
  }
  return covered;
}

// ---------- an independent, naive reading of the fixtures ----------

type NaiveReading = { text: string; refusal: string; calls: { id: string; name: string; args: string }[]; finish: string | undefined; usage: Record<string, unknown> | undefined };

/** Reads an SSE fixture the simplest possible way (LF-only, one data line per event), for cross-checking. */
function naiveScan(sse: string): NaiveReading {
  const reading: NaiveReading = { text: '', refusal: '', calls: [], finish: undefined, usage: undefined };
  for (const block of sse.split('\n\n')) {
    if (!block.startsWith('data: ') || block === 'data: [DONE]') continue;
    const parsed = JSON.parse(block.slice(6)) as {
      usage?: Record<string, unknown>;
      choices: {
        index: number;
        delta: {
          content?: string | null;
          refusal?: string | null;
          tool_calls?: { index: number; id: string; function: { name: string; arguments?: string } }[];
        };
        finish_reason: string | null;
      }[];
    };
    if (parsed.usage) reading.usage = parsed.usage;
    for (const choice of parsed.choices) {
      if (choice.index !== 0) continue;
      reading.text += choice.delta.content ?? '';
      reading.refusal += choice.delta.refusal ?? '';
      for (const call of choice.delta.tool_calls ?? []) {
        const slot = (reading.calls[call.index] ??= { id: call.id, name: call.function.name, args: '' });
        slot.args += call.function.arguments ?? '';
      }
      if (choice.finish_reason) reading.finish = choice.finish_reason;
    }
  }
  return reading;
}

// ---------- running the adapter ----------

function summarizeParts(parts: readonly ProviderStreamPart[]): Summary {
  const finishes = parts.filter((part) => part.type === 'finish');
  expect(finishes).toHaveLength(1);
  expect(parts.at(-1)?.type).toBe('finish');
  const finish = finishes[0] as Extract<ProviderStreamPart, { type: 'finish' }>;
  const metadata = parts.find((part) => part.type === 'response-metadata');
  expect(parts[0]).toBe(metadata);
  let text = '';
  let refusal = '';
  const toolCalls: ToolCall[] = [];
  const argsByIndex = new Map<number, string>();
  for (const part of parts) {
    if (part.type === 'text-delta') text += part.text;
    else if (part.type === 'refusal-delta') refusal += part.text;
    else if (part.type === 'tool-call') toolCalls.push(part.toolCall);
    else if (part.type === 'tool-call-delta') argsByIndex.set(part.index, (argsByIndex.get(part.index) ?? '') + part.argsTextDelta);
  }
  // The streamed argument fragments must add up to exactly the parsed arguments.
  expect([...argsByIndex.values()].map((args) => JSON.parse(args) as unknown)).toEqual(toolCalls.map((call) => call.args));
  return {
    text,
    refusal: refusal === '' ? undefined : refusal,
    toolCalls,
    finishReason: finish.finishReason,
    rawFinishReason: finish.rawFinishReason,
    usage: finish.usage,
    model: metadata?.type === 'response-metadata' ? metadata.model : undefined,
    responseId: metadata?.type === 'response-metadata' ? metadata.responseId : undefined,
  };
}

function summarizeResult(result: GenerateResult): Summary {
  return {
    text: result.text,
    refusal: result.refusal,
    toolCalls: result.toolCalls,
    finishReason: result.finishReason,
    rawFinishReason: result.rawFinishReason,
    usage: result.usage,
    model: result.model,
    responseId: result.responseId,
  };
}

const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'content-encoding']);

function replyHead(interaction: Interaction): { status: number; headers: Record<string, string> } {
  if (!interaction.meta) {
    return { status: 200, headers: { 'content-type': interaction.isStream ? 'text/event-stream' : 'application/json' } };
  }
  const meta = readJsonFixture<{ status: { code: number }; headers: Record<string, string[]> }>(interaction.meta);
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(meta.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = values.join(', ');
  return { status: meta.status.code, headers };
}

async function runInteraction(interaction: Interaction, baseURL: string, transport: Transport): Promise<Summary | unknown> {
  const adapter = openai({ apiKey: 'sk-test-conformance-key', baseURL });
  const request = interaction.request?.normalized ?? DEFAULT_REQUEST;
  const context = { signal: new AbortController().signal, transport, clock: systemClock };
  try {
    if (!interaction.isStream) return summarizeResult(await adapter.doGenerate(request, context));
    const parts: ProviderStreamPart[] = [];
    for await (const part of await adapter.doStream(request, context)) parts.push(part);
    return summarizeParts(parts);
  } catch (error) {
    return { thrown: error };
  }
}

/** Assistant `content: null` beside tool calls and an absent `content` mean the same to the API. */
function withoutNullContent(body: Record<string, unknown>): Record<string, unknown> {
  const messages = (body.messages as Record<string, unknown>[]).map((message) => {
    if (message.content !== null) return message;
    const { content: _content, ...rest } = message;
    return rest;
  });
  return { ...body, messages };
}

function checkOutcome(interaction: Interaction, actual: unknown, sentBody: string | undefined): void {
  if (interaction.request) {
    const recorded = readJsonFixture<{ body: Record<string, unknown> }>(interaction.request.file).body;
    expect(withoutNullContent(JSON.parse(sentBody ?? '{}') as Record<string, unknown>)).toEqual(withoutNullContent(recorded));
  }
  const expected = interaction.expected;
  if ('error' in expected) {
    const thrown = (actual as { thrown?: ResilientLLMError }).thrown;
    expect(thrown).toBeInstanceOf(expected.error.errorClass);
    expect(thrown).toMatchObject({
      code: expected.error.code,
      status: expected.error.status,
      providerCode: expected.error.providerCode,
      param: expected.error.param,
      isRetryable: false,
    });
    return;
  }
  expect((actual as { thrown?: unknown }).thrown).toBeUndefined();
  const summary = actual as Summary;
  const fixture = readFixture(interaction.response);
  if (expected.summary.text === COMPUTED_TEXT) {
    expect(summary.text).toBe(naiveScan(fixture).text);
    expect(summary.text.startsWith('\n  {\n    "location": "San Francisco, CA"')).toBe(true);
    expect(summary.text).toContain('"temperature": "18°C"');
    expect((JSON.parse(summary.text) as { forecast: unknown[] }).forecast).toHaveLength(3);
    expect({ ...summary, text: COMPUTED_TEXT }).toEqual(expected.summary);
  } else {
    expect(summary).toEqual(expected.summary);
  }
  if (interaction.isStream) {
    const naive = naiveScan(fixture);
    expect(summary.text).toBe(naive.text);
    expect(summary.refusal ?? '').toBe(naive.refusal);
    expect(summary.rawFinishReason).toBe(naive.finish);
    expect(summary.toolCalls.map((call) => ({ id: call.id, name: call.name, args: call.args }))).toEqual(
      naive.calls.map((call) => ({ id: call.id, name: call.name, args: JSON.parse(call.args) as unknown })),
    );
    expect([summary.usage.inputTokens, summary.usage.outputTokens]).toEqual([naive.usage?.prompt_tokens, naive.usage?.completion_tokens]);
  }
}

// ---------- the tests ----------

describe('OpenAI conformance: fixture coverage', () => {
  it('has an expectation for every file under fixtures/openai', () => {
    const files = listFixtures('openai').filter((file) => !file.endsWith('SOURCES.md'));
    const covered = coveredFiles();
    expect(files.filter((file) => !covered.has(file))).toEqual([]);
    expect([...covered].filter((file) => !files.includes(file))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(37);
  });

  it('skips only cassette calls that went to another vendor', () => {
    for (const file of NOT_OPENAI_TRAFFIC.filter((name) => name.endsWith('request.json'))) {
      expect(readJsonFixture<{ uri: string }>(file).uri).toMatch(/^https:\/\/generativelanguage\.googleapis\.com\//);
    }
  });
});

describe('OpenAI conformance over undici and a loopback server', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it.each(INTERACTIONS.map((interaction) => [interaction.response, interaction] as const))('replays %s', async (_name, interaction) => {
    const head = replyHead(interaction);
    const server = await startReplayServer([{ ...head, chunks: [readFixture(interaction.response)] }]);
    const transport = new UndiciTransport();
    close = async () => {
      await transport.close();
      await server.close();
    };
    const actual = await runInteraction(interaction, `${server.url}/v1`, transport);
    expect(server.requests[0]?.url).toBe('/v1/chat/completions');
    checkOutcome(interaction, actual, server.requests[0]?.body);
  });
});

describe('OpenAI conformance over fetch and msw', () => {
  let close: (() => void) | undefined;
  afterEach(() => {
    close?.();
    close = undefined;
  });

  it.each(INTERACTIONS.map((interaction) => [interaction.response, interaction] as const))('replays %s', async (_name, interaction) => {
    const head = replyHead(interaction);
    const baseURL = 'http://127.0.0.1:9/v1';
    const { server, requests } = startMswReplay(baseURL, () => ({ ...head, chunks: [readFixture(interaction.response)] }));
    close = () => server.close();
    const actual = await runInteraction(interaction, baseURL, fetchTransport());
    expect(requests[0]?.url).toBe(`${baseURL}/chat/completions`);
    checkOutcome(interaction, actual, requests[0]?.body);
  });
});
