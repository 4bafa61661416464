/**
 * Conformance of the Gemini adapter with recorded Gemini API traffic (test/fixtures/google):
 * every response body is replayed through the adapter over a real loopback server (undici) and
 * through msw (fetch transport), and every pydantic-ai cassette conversation is rebuilt in
 * normalized form so the request bodies the adapter sends can be compared with the recorded ones.
 */
import { describe, expect, it } from 'vitest';
import type { AssistantMessage, Message, ProviderRequest, ProviderStreamPart, ToolSpec, Usage } from '../../src/client/types.js';
import { ContentFilterError, InvalidResponseError } from '../../src/errors/errors.js';
import { gemini } from '../../src/providers/gemini/gemini-adapter.js';
import type { ProviderAdapter, ProviderCallContext } from '../../src/providers/provider.js';
import { fetchTransport } from '../../src/transport/fetch-transport.js';
import { UndiciTransport } from '../../src/transport/undici-transport.js';
import { listFixtures, readFixture, readJsonFixture } from '../helpers/fixtures.js';
import { startMswReplay } from '../helpers/msw-replay.js';
import { startReplayServer, type ScriptedReply } from '../helpers/replay-server.js';
import { callContext, collectParts, foldParts, TEST_API_KEY, type FoldedResult } from '../unit/providers/gemini/gemini-test-kit.js';

type TransportKind = 'undici' | 'msw';
const TRANSPORTS: readonly TransportKind[] = ['undici', 'msw'];

type ResponseMeta = { status: { code: number }; headers: Record<string, string[]> };

/** The reply a fixture response file stands for: its recorded status and content type, its bytes. */
function fixtureReply(responseFile: string): ScriptedReply {
  const metaFile = metaFileOf(responseFile);
  const meta = metaFile ? readJsonFixture<ResponseMeta>(metaFile) : undefined;
  const contentType = meta?.headers['content-type']?.[0] ?? (responseFile.endsWith('.json') ? 'application/json' : 'text/event-stream');
  return { status: meta?.status.code ?? 200, headers: { 'content-type': contentType }, chunks: [readFixture(responseFile)] };
}

/** Every file under fixtures/google, as `google/…` paths. */
const GOOGLE_FILES = listFixtures('google');

/** The recorded status/headers file beside a cassette response, when there is one. */
function metaFileOf(responseFile: string): string | undefined {
  const metaFile = responseFile.replace(/\.response\.(sse|json)$/, '.response-meta.json');
  return metaFile !== responseFile && GOOGLE_FILES.includes(metaFile) ? metaFile : undefined;
}

type Harness = {
  readonly context: ProviderCallContext;
  readonly baseURL: string;
  /** Requests seen, as path + query and body text. */
  readonly requests: () => { path: string; body: string }[];
  close(): Promise<void>;
};

/** Serves `replies` in order over a loopback server (undici) or msw (fetch). */
async function startHarness(kind: TransportKind, replies: readonly ScriptedReply[]): Promise<Harness> {
  if (kind === 'undici') {
    const server = await startReplayServer(replies);
    const transport = new UndiciTransport();
    return {
      context: callContext(transport),
      baseURL: `${server.url}/v1beta`,
      requests: () => server.requests.map((request) => ({ path: request.url, body: request.body })),
      close: async () => {
        await transport.close();
        await server.close();
      },
    };
  }
  const baseURL = 'https://gemini.conformance.test/v1beta';
  let index = 0;
  const msw = startMswReplay(baseURL, () => {
    const reply = replies[Math.min(index++, replies.length - 1)]!;
    return { status: reply.status ?? 200, headers: reply.headers ?? {}, chunks: reply.chunks };
  });
  return {
    context: callContext(fetchTransport()),
    baseURL,
    requests: () => msw.requests.map((request) => ({ path: new URL(request.url).pathname + new URL(request.url).search, body: request.body })),
    close: async () => {
      msw.server.close();
    },
  };
}

/** Runs one call the way the fixture was recorded: streamed for `.sse`, whole for `.json`. */
async function runCall(adapter: ProviderAdapter, request: ProviderRequest, context: ProviderCallContext, isStream: boolean): Promise<FoldedResult> {
  if (isStream) return foldParts(await collectParts(await adapter.doStream(request, context)));
  const result = await adapter.doGenerate(request, context);
  const parts: ProviderStreamPart[] = [
    ...(result.model !== undefined || result.responseId !== undefined
      ? [{ type: 'response-metadata' as const, ...(result.model !== undefined ? { model: result.model } : {}), ...(result.responseId !== undefined ? { responseId: result.responseId } : {}) }]
      : []),
    { type: 'text-delta', text: result.text },
    ...result.reasoning.map((reasoning) => ({ type: 'reasoning-part' as const, reasoning })),
    ...result.toolCalls.map((toolCall) => ({ type: 'tool-call' as const, toolCall })),
    { type: 'finish', finishReason: result.finishReason, ...(result.rawFinishReason !== undefined ? { rawFinishReason: result.rawFinishReason } : {}), usage: result.usage },
  ];
  return foldParts(parts);
}

// ---------------------------------------------------------------------------------------------
// 1. Every recorded response, replayed and asserted.
// ---------------------------------------------------------------------------------------------

type TextExpectation = string | { readonly startsWith: string; readonly endsWith: string; readonly length: number };

type ResponseExpectation = {
  readonly file: string;
  readonly error?: { readonly type: new (...args: never[]) => Error; readonly message: RegExp };
  readonly text?: TextExpectation;
  readonly reasoning?: readonly { readonly startsWith: string; readonly signatureStartsWith?: string }[];
  readonly toolCalls?: readonly { readonly name: string; readonly args: unknown; readonly signatureStartsWith?: string }[];
  readonly finishReason?: string;
  readonly rawFinishReason?: string;
  readonly usage?: Usage;
  /** Streams: the `usage` parts, in order (a new one only when a count changed); or just how many. */
  readonly usageParts?: readonly Usage[] | { readonly count: number; readonly first: Usage };
  readonly model?: string;
  readonly responseId?: string;
};

const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

const RESPONSES: readonly ResponseExpectation[] = [
  {
    // A candidate with empty content and no finishReason, then EOF: never a finished answer.
    file: 'google/generative-ai-js__streaming-failure-empty-content.sse',
    error: { type: InvalidResponseError, message: /without a finishReason/ },
  },
  {
    file: 'google/generative-ai-js__streaming-failure-finish-reason-safety.sse',
    usageParts: [],
    text: 'No',
    finishReason: 'content-filter',
    rawFinishReason: 'SAFETY',
    usage: NO_USAGE,
  },
  {
    file: 'google/generative-ai-js__streaming-success-function-call-short.sse',
    usageParts: [],
    text: '',
    toolCalls: [{ name: 'getTemperature', args: { city: 'San Jose' } }],
    finishReason: 'tool-calls',
    rawFinishReason: 'STOP',
    usage: NO_USAGE,
  },
  {
    file: 'google/generative-ai-js__streaming-success-utf8.sse',
    usageParts: [],
    text: { startsWith: '秋风瑟瑟，叶落纷纷，\n西风残照，寒霜渐浓。', endsWith: '感受秋天的气息，领悟秋天的哲理。', length: 225 },
    finishReason: 'stop',
    rawFinishReason: 'STOP',
    usage: NO_USAGE,
  },
  {
    // finishReason STOP on every chunk, then an unknown enum on the last one: the last one wins.
    file: 'google/generative-ai-js__streaming-unknown-enum.sse',
    usageParts: [],
    text: { startsWith: '**Cats:**\n\n- **Physical Characteristics:**', endsWith: "detecting any potential health issues early on.", length: 3285 },
    finishReason: 'other',
    rawFinishReason: 'FAKE_ENUM',
    usage: NO_USAGE,
  },
  {
    // promptTokenCount goes 15 → 15 → 13: the last snapshot wins.
    file: 'google/pydantic-ai/stream-text.0.response.sse',
    usageParts: [
      { inputTokens: 15, outputTokens: 0, totalTokens: 15 },
      { inputTokens: 13, outputTokens: 8, totalTokens: 21 },
    ],
    text: 'The capital of France is Paris.\n',
    finishReason: 'stop',
    usage: { inputTokens: 13, outputTokens: 8, totalTokens: 21 },
    model: 'gemini-2.0-flash-exp',
    responseId: 'w1peaMz6INOvnvgPgYfPiQY',
  },
  {
    file: 'google/pydantic-ai/stream-thinking.0.response.sse',
    // Thoughts grow for 4 chunks, then candidates on each of the 19 others: every chunk changes a count.
    usageParts: { count: 23, first: { inputTokens: 34, outputTokens: 68, totalTokens: 102, reasoningTokens: 68 } },
    reasoning: [{ startsWith: '**Clarifying User Goals**', signatureStartsWith: 'CiIB0e2Kb6Syj1a961Ef' }],
    text: { startsWith: 'This is a great question! Safely crossing the street', endsWith: 'Always assume a driver might not see you.', length: 1938 },
    finishReason: 'stop',
    usage: { inputTokens: 34, outputTokens: 469 + 787, totalTokens: 1290, reasoningTokens: 787 },
    model: 'gemini-2.5-pro',
  },
  {
    file: 'google/pydantic-ai/stream-tool-call-thought-signature.0.response.sse',
    // The same snapshot on both chunks: reported once.
    usageParts: [{ inputTokens: 29, outputTokens: 10 + 202, totalTokens: 241, reasoningTokens: 202 }],
    text: '',
    toolCalls: [{ name: 'get_country', args: {}, signatureStartsWith: 'EpwICpkIAXLI2nxlU6gs' }],
    finishReason: 'tool-calls',
    usage: { inputTokens: 29, outputTokens: 10 + 202, totalTokens: 241, reasoningTokens: 202 },
    model: 'gemini-3-pro-preview',
    responseId: 'QUVVadTSNJ6_qtsPvN7J8Q0',
  },
  {
    file: 'google/pydantic-ai/stream-tool-call-thought-signature.1.response.sse',
    usageParts: [
      { inputTokens: 55, outputTokens: 4, totalTokens: 59 },
      { inputTokens: 55, outputTokens: 8, totalTokens: 63 },
      { inputTokens: 257, outputTokens: 8, totalTokens: 265 },
    ],
    text: 'The capital of Mexico is Mexico City.',
    finishReason: 'stop',
    usage: { inputTokens: 257, outputTokens: 8, totalTokens: 265 },
  },
  {
    file: 'google/pydantic-ai/stream-tool-roundtrip-gemini-2.0-flash.0.response.sse',
    usageParts: [{ inputTokens: 52, outputTokens: 5, totalTokens: 57 }],
    text: '',
    toolCalls: [{ name: 'get_capital', args: { country: 'France' } }],
    finishReason: 'tool-calls',
    usage: { inputTokens: 52, outputTokens: 5, totalTokens: 57 },
    model: 'gemini-2.0-flash',
  },
  {
    file: 'google/pydantic-ai/stream-tool-roundtrip-gemini-2.0-flash.1.response.sse',
    usageParts: [{ inputTokens: 64, outputTokens: 5, totalTokens: 69 }],
    text: '',
    toolCalls: [{ name: 'get_temperature', args: { city: 'Paris' } }],
    finishReason: 'tool-calls',
    usage: { inputTokens: 64, outputTokens: 5, totalTokens: 69 },
  },
  {
    // promptTokenCount shrinks 169 → 79 between chunks.
    file: 'google/pydantic-ai/stream-tool-roundtrip-gemini-2.0-flash.2.response.sse',
    usageParts: [
      { inputTokens: 169, outputTokens: 0, totalTokens: 169 },
      { inputTokens: 79, outputTokens: 12, totalTokens: 91 },
    ],
    text: 'The temperature in Paris is 30°C.\n',
    finishReason: 'stop',
    usage: { inputTokens: 79, outputTokens: 12, totalTokens: 91 },
  },
  {
    file: 'google/pydantic-ai/stream-usage-mid-stream.0.response.sse',
    usageParts: [
      { inputTokens: 18, outputTokens: 31 + 35, totalTokens: 84, reasoningTokens: 35 },
      { inputTokens: 18, outputTokens: 79 + 35, totalTokens: 132, reasoningTokens: 35 },
      { inputTokens: 18, outputTokens: 80 + 35, totalTokens: 133, reasoningTokens: 35 },
    ],
    text: Array.from({ length: 30 }, (_, index) => String(index + 1)).join('\n'),
    finishReason: 'stop',
    usage: { inputTokens: 18, outputTokens: 80 + 35, totalTokens: 133, reasoningTokens: 35 },
    model: 'gemini-2.5-flash',
  },
  {
    // Three identical parallel calls with no ids; Gemini 3 signs only the first.
    file: 'google/pydantic-ai/nonstream-parallel-function-calls.0.response.json',
    text: '',
    toolCalls: [
      { name: 'generate_topic', args: {}, signatureStartsWith: 'Es8FCswFAXLI2nxFGW9o' },
      { name: 'generate_topic', args: {} },
      { name: 'generate_topic', args: {} },
    ],
    finishReason: 'tool-calls',
    usage: { inputTokens: 83, outputTokens: 30 + 190, totalTokens: 303, reasoningTokens: 190 },
    model: 'gemini-3-flash-preview',
    responseId: 'wOd8abGuO5rgz7IP5tLEGA',
  },
  ...[
    { index: 1, usage: { inputTokens: 348, outputTokens: 10 + 40, totalTokens: 398, reasoningTokens: 40 }, signature: 'EtkBCtYBAXLI2nw30WDV' },
    { index: 2, usage: { inputTokens: 415, outputTokens: 10 + 105, totalTokens: 530, reasoningTokens: 105 }, signature: 'EssDCsgDAXLI2nxz8kX3' },
    { index: 3, usage: { inputTokens: 546, outputTokens: 10 + 106, totalTokens: 662, reasoningTokens: 106 }, signature: 'EsEDCr4DAXLI2nzcGUYO' },
  ].map(({ index, usage, signature }) => ({
    file: `google/pydantic-ai/nonstream-parallel-function-calls.${index}.response.json`,
    text: '',
    toolCalls: [{ name: 'generate_topic', args: {}, signatureStartsWith: signature }],
    finishReason: 'tool-calls',
    usage,
  })),
  {
    file: 'google/pydantic-ai/nonstream-parallel-function-calls.4.response.json',
    text: '',
    toolCalls: [
      {
        name: 'final_result',
        args: {
          response: [
            'What kind of car does a sheep drive? A Lamborghini!',
            "Why don't you see penguins in Great Britain? Because they're afraid of Wales!",
            'What happened when the wheel was invented? It caused a revolution!',
          ],
        },
        signatureStartsWith: 'EocHCoQHAXLI2nysnYvu',
      },
    ],
    finishReason: 'tool-calls',
    usage: { inputTokens: 679, outputTokens: 65 + 235, totalTokens: 979, reasoningTokens: 235 },
  },
];

function expectText(actual: string, expected: TextExpectation): void {
  if (typeof expected === 'string') {
    expect(actual).toBe(expected);
    return;
  }
  expect(actual.startsWith(expected.startsWith), `text starts with ${JSON.stringify(expected.startsWith)}`).toBe(true);
  expect(actual.endsWith(expected.endsWith), `text ends with ${JSON.stringify(expected.endsWith)}`).toBe(true);
  expect(actual.length).toBe(expected.length);
}

describe('Gemini conformance: recorded responses', () => {
  for (const expected of RESPONSES) {
    for (const kind of TRANSPORTS) {
      it(`replays ${expected.file.slice('google/'.length)} over ${kind}`, async () => {
        const isStream = expected.file.endsWith('.sse');
        const harness = await startHarness(kind, [fixtureReply(expected.file)]);
        try {
          const adapter = gemini({ apiKey: TEST_API_KEY, baseURL: harness.baseURL });
          const request: ProviderRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Replay' }] };
          const outcome = runCall(adapter, request, harness.context, isStream);
          expect(harness.requests).toBeDefined();
          if (expected.error) {
            await expect(outcome).rejects.toBeInstanceOf(expected.error.type);
            await expect(outcome).rejects.toThrow(expected.error.message);
            return;
          }
          const result = await outcome;
          expect(harness.requests()[0]!.path).toBe(
            `/v1beta/models/gemini-2.5-flash:${isStream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
          );
          if (expected.text !== undefined) expectText(result.text, expected.text);
          expect(result.reasoning).toHaveLength(expected.reasoning?.length ?? 0);
          expected.reasoning?.forEach((reasoning, index) => {
            const actual = result.reasoning[index]!;
            expect(actual.provider).toBe('gemini');
            expect(actual.text.startsWith(reasoning.startsWith)).toBe(true);
            if (reasoning.signatureStartsWith) expect(actual.signature?.startsWith(reasoning.signatureStartsWith)).toBe(true);
          });
          const expectedCalls = expected.toolCalls ?? [];
          expect(result.toolCalls.map((call) => ({ name: call.name, args: call.args }))).toEqual(
            expectedCalls.map((call) => ({ name: call.name, args: call.args })),
          );
          expectedCalls.forEach((call, index) => {
            const signature = result.toolCalls[index]!.providerMetadata?.thoughtSignature;
            if (call.signatureStartsWith) expect(String(signature).startsWith(call.signatureStartsWith)).toBe(true);
            else expect(signature).toBeUndefined();
          });
          const ids = result.toolCalls.map((call) => call.id);
          expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
          expect(new Set(ids).size).toBe(ids.length);
          expect(result.finish?.finishReason).toBe(expected.finishReason);
          if (expected.rawFinishReason) expect(result.finish?.rawFinishReason).toBe(expected.rawFinishReason);
          expect(result.finish?.usage).toEqual(expected.usage);
          if (!isStream) expect(result.usageParts).toEqual([]);
          else {
            expect(expected.usageParts, 'a stream fixture lists its usage parts').toBeDefined();
            if (Array.isArray(expected.usageParts)) expect(result.usageParts).toEqual(expected.usageParts);
            else {
              const { count, first } = expected.usageParts as { readonly count: number; readonly first: Usage };
              expect(result.usageParts).toHaveLength(count);
              expect(result.usageParts[0]).toEqual(first);
            }
            // The last one reported is the finish usage; no two in a row are the same.
            if (result.usageParts.length > 0) expect(result.usageParts.at(-1)).toEqual(result.finish?.usage);
            result.usageParts.slice(1).forEach((usage, index) => expect(usage).not.toEqual(result.usageParts[index]));
          }
          if (expected.model) expect(result.metadata?.model).toBe(expected.model);
          if (expected.responseId) expect(result.metadata?.responseId).toBe(expected.responseId);
        } finally {
          await harness.close();
        }
      });
    }
  }

  it('maps a blocked prompt (200 with no candidates) to ContentFilterError', async () => {
    // No blocked-prompt recording is shipped in fixtures/google; this is the documented shape.
    const harness = await startHarness('undici', [
      { headers: { 'content-type': 'text/event-stream' }, chunks: ['data: {"promptFeedback": {"blockReason": "OTHER"},"usageMetadata": {"promptTokenCount": 4}}\r\n\r\n'] },
    ]);
    try {
      const adapter = gemini({ apiKey: TEST_API_KEY, baseURL: harness.baseURL });
      const stream = await adapter.doStream({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }, harness.context);
      await expect(collectParts(stream)).rejects.toBeInstanceOf(ContentFilterError);
    } finally {
      await harness.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Every pydantic-ai cassette conversation, rebuilt in normalized form: request bodies compared.
// ---------------------------------------------------------------------------------------------

type RecordedRequest = { method: string; uri: string; body: Record<string, unknown> };

type CassetteSpec = {
  /** The cassette name: files are `<name>.<n>.request.json` etc. */
  readonly name: string;
  readonly model: string;
  readonly isStream: boolean;
  /** The first request (everything but the model). */
  readonly request: Omit<ProviderRequest, 'model'>;
  /** Ids for the calls the model returns without one, in order (pydantic-ai's own ids, so the replayed ids match). */
  readonly callIds: readonly string[];
  /** Tool results sent after each tool-calling response, one per call, in call order. */
  readonly toolResults: readonly (readonly unknown[])[];
};

const jokeTools: ToolSpec[] = [
  // What pydantic-ai generated with pydantic; the same JSON Schema a zod user would pass.
  { name: 'generate_topic', description: '', parameters: { additionalProperties: false, properties: {}, type: 'object' } },
  {
    name: 'final_result',
    description: 'The final response which ends this conversation',
    parameters: { properties: { response: { items: { type: 'string' }, type: 'array' } }, required: ['response'], type: 'object' },
  },
];

const capitalTools: ToolSpec[] = [
  {
    name: 'get_capital',
    description: 'Get the capital of a country.',
    parameters: { type: 'object', properties: { country: { type: 'string', description: 'The country name.' } }, required: ['country'], additionalProperties: false },
  },
  {
    name: 'get_temperature',
    description: 'Get the temperature in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'The city name.' } }, required: ['city'], additionalProperties: false },
  },
];

const CASSETTES: readonly CassetteSpec[] = [
  {
    name: 'stream-text',
    model: 'gemini-2.0-flash-exp',
    isStream: true,
    request: {
      messages: [
        { role: 'system', content: 'You are a helpful chatbot.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      temperature: 0,
    },
    callIds: [],
    toolResults: [],
  },
  {
    name: 'stream-thinking',
    model: 'gemini-2.5-pro',
    isStream: true,
    request: {
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'How do I cross the street?' },
      ],
      tools: [{ name: 'dummy', description: '', parameters: { type: 'object', properties: {} } }],
      providerOptions: { gemini: { thinkingConfig: { includeThoughts: true } } },
    },
    callIds: [],
    toolResults: [],
  },
  {
    name: 'stream-tool-call-thought-signature',
    model: 'gemini-3-pro-preview',
    isStream: true,
    request: {
      messages: [{ role: 'user', content: 'What is the capital of the user country? Call the tool' }],
      tools: [{ name: 'get_country', description: '', parameters: { additionalProperties: false, properties: {}, type: 'object' } }],
      providerOptions: { gemini: { generationConfig: { responseModalities: ['TEXT'] } } },
    },
    callIds: ['pyd_ai_29bf73b69e02448588e15893d47a3e7e'],
    toolResults: [['Mexico']],
  },
  {
    name: 'stream-tool-roundtrip-gemini-2.0-flash',
    model: 'gemini-2.0-flash',
    isStream: true,
    request: {
      messages: [
        { role: 'system', content: 'You are a helpful chatbot.' },
        { role: 'user', content: 'What is the temperature of the capital of France?' },
      ],
      tools: capitalTools,
    },
    callIds: ['pyd_ai_0e1a07b3c2b64d2ab3ad2efbe18e1b97', 'pyd_ai_98b25d994c5648df82f683188629229d'],
    toolResults: [['Paris'], ['30°C']],
  },
  {
    name: 'stream-usage-mid-stream',
    model: 'gemini-2.5-flash',
    isStream: true,
    request: {
      messages: [{ role: 'user', content: 'Count from 1 to 30, one number per line, digits only.' }],
      providerOptions: { gemini: { responseModalities: ['TEXT'] } },
    },
    callIds: [],
    toolResults: [],
  },
  {
    name: 'nonstream-parallel-function-calls',
    model: 'gemini-3-flash-preview',
    isStream: false,
    request: {
      messages: [
        { role: 'system', content: 'Tell three jokes. Generate topics with the generate_topic tool.' },
        { role: 'user', content: '' },
      ],
      tools: jokeTools,
      toolChoice: 'required',
      providerOptions: { gemini: { responseModalities: ['TEXT'] } },
    },
    callIds: [
      'pyd_ai_df5891897e434a16add992cc09f10172',
      'pyd_ai_102eb2f935364e77bac26307e3428e2b',
      'pyd_ai_cc6e16722f9a428db81532521a689ea7',
      'pyd_ai_e3c6d964a3004470a4faf43826b7a3cb',
      'pyd_ai_9194fac7e8964153908c8cd32b37281f',
      'pyd_ai_9861f30d3db94e83b151746965e1e567',
    ],
    toolResults: [['cars', 'penguins', 'cars'], ['penguins'], ['cars'], ['penguins']],
  },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lower-cases every schema `type` (`OBJECT` ≡ `object`: the API reads type names case-insensitively). */
function normalizeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalizeSchema);
  if (!isRecord(schema)) return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `additionalProperties` is JSON Schema only: `parameters` (the OpenAPI subset the adapter
    // sends) has no such field and rejects it, so a `parameters_json_schema` recording carries one
    // keyword the subset cannot express. It constrains nothing the model is told.
    if (key === 'additionalProperties') continue;
    result[key] = key === 'type' && typeof value === 'string' ? value.toLowerCase() : key === 'properties' && isRecord(value)
      ? Object.fromEntries(Object.entries(value).map(([name, property]) => [name, normalizeSchema(property)]))
      : normalizeSchema(value);
  }
  return result;
}

/**
 * Brings a request body (recorded or sent) to one form, field by field, where two spellings mean
 * the same to the API. Each rule is one documented equivalence; anything else must match exactly.
 */
function normalizeBody(body: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...body };
  // `systemInstruction.role` is optional and ignored by the API; pydantic-ai sends "user".
  if (isRecord(result.systemInstruction)) {
    const { role: _role, ...instruction } = result.systemInstruction;
    result.systemInstruction = instruction;
  }
  // An empty `generationConfig` is the same as none.
  result.generationConfig = result.generationConfig ?? {};
  // The python SDK re-encodes signatures (bytes) as url-safe base64; the adapter sends them back
  // exactly as received (standard base64). proto3 JSON accepts both alphabets for bytes.
  result.contents = (result.contents as Record<string, unknown>[]).map((content) => ({
    ...content,
    parts: (content.parts as Record<string, unknown>[]).map((part) =>
      typeof part.thoughtSignature === 'string' ? { ...part, thoughtSignature: part.thoughtSignature.replace(/-/g, '+').replace(/_/g, '/') } : part,
    ),
  }));
  const declarations: string[] = [];
  if (Array.isArray(result.tools)) {
    result.tools = result.tools.map((tool: Record<string, unknown>) => ({
      ...tool,
      functionDeclarations: (tool.functionDeclarations as Record<string, unknown>[]).map((declaration) => {
        // `parameters_json_schema` (full JSON Schema) and `parameters` (OpenAPI subset) declare the
        // same arguments; compare the schemas themselves.
        const { parameters_json_schema: jsonSchema, parameters, ...rest } = declaration;
        declarations.push(String(rest.name));
        return { ...rest, parameters: normalizeSchema(parameters ?? jsonSchema) };
      }),
    }));
  }
  // `ANY` restricted to every declared function is `ANY` (what `toolChoice: 'required'` sends).
  if (isRecord(result.toolConfig) && isRecord(result.toolConfig.functionCallingConfig)) {
    const config = result.toolConfig.functionCallingConfig;
    const allowed = config.allowedFunctionNames;
    if (config.mode === 'ANY' && Array.isArray(allowed) && [...allowed].sort().join() === [...declarations].sort().join()) {
      result.toolConfig = { functionCallingConfig: { mode: 'ANY' } };
    }
  }
  return result;
}

function assistantMessage(result: FoldedResult): AssistantMessage {
  return { role: 'assistant', content: result.text, toolCalls: result.toolCalls, reasoning: result.reasoning };
}

describe('Gemini conformance: request bodies of the pydantic-ai cassettes', () => {
  for (const cassette of CASSETTES) {
    const stem = `google/pydantic-ai/${cassette.name}.`;
    const interactions = GOOGLE_FILES.filter((file) => file.startsWith(stem) && file.endsWith('.request.json'))
      .map((file) => Number(file.slice(stem.length).split('.')[0]))
      .sort((a, b) => a - b);

    for (const kind of TRANSPORTS) {
      it(`sends the recorded bodies for ${cassette.name} (${interactions.length} calls) over ${kind}`, async () => {
        expect(interactions.length).toBeGreaterThan(0);
        expect(interactions.length).toBe(cassette.toolResults.length + 1);
        const extension = cassette.isStream ? 'sse' : 'json';
        const replies = interactions.map((index) => fixtureReply(`google/pydantic-ai/${cassette.name}.${index}.response.${extension}`));
        const harness = await startHarness(kind, replies);
        try {
          let nextId = 0;
          const adapter = gemini({ apiKey: TEST_API_KEY, baseURL: harness.baseURL, generateId: () => cassette.callIds[nextId++] ?? `unexpected-${nextId}` });
          const messages: Message[] = [...cassette.request.messages];
          for (const index of interactions) {
            const recorded = readJsonFixture<RecordedRequest>(`google/pydantic-ai/${cassette.name}.${index}.request.json`);
            const result = await runCall(adapter, { ...cassette.request, model: cassette.model, messages: [...messages] }, harness.context, cassette.isStream);
            const sent = harness.requests()[index]!;
            const recordedUrl = new URL(recorded.uri);
            expect(sent.path).toBe(recordedUrl.pathname + recordedUrl.search);
            expect(normalizeBody(JSON.parse(sent.body) as Record<string, unknown>)).toEqual(normalizeBody(recorded.body));
            const results = cassette.toolResults[index];
            if (results === undefined) continue;
            expect(result.toolCalls).toHaveLength(results.length);
            messages.push(assistantMessage(result));
            result.toolCalls.forEach((call, callIndex) => messages.push({ role: 'tool', toolCallId: call.id, content: results[callIndex] }));
          }
        } finally {
          await harness.close();
        }
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// 3. Nothing in fixtures/google is left out.
// ---------------------------------------------------------------------------------------------

describe('Gemini conformance: coverage', () => {
  it('covers every file in fixtures/google with a test above', () => {
    const covered = new Set<string>();
    for (const expected of RESPONSES) {
      covered.add(expected.file);
      const metaFile = metaFileOf(expected.file);
      if (metaFile) covered.add(metaFile);
    }
    for (const cassette of CASSETTES) {
      for (let index = 0; index <= cassette.toolResults.length; index++) {
        const stem = `google/pydantic-ai/${cassette.name}.${index}`;
        covered.add(`${stem}.request.json`);
        covered.add(`${stem}.response.${cassette.isStream ? 'sse' : 'json'}`);
        covered.add(`${stem}.response-meta.json`);
      }
    }
    for (const file of covered) expect(GOOGLE_FILES, `${file} exists`).toContain(file);
    expect(GOOGLE_FILES.filter((file) => file !== 'google/SOURCES.md' && !covered.has(file))).toEqual([]);
  });
});
