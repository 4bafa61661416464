import { afterEach, describe, expect, it } from 'vitest';
import type { GenerateResult, Message, ProviderRequest, ProviderStreamPart, ToolSpec } from '../../src/client/types.js';
import { BadRequestError, NotFoundError } from '../../src/errors/errors.js';
import type { ResilientLLMError } from '../../src/errors/resilient-llm-error.js';
import { listFixtures, readFixture, readJsonFixture } from '../helpers/fixtures.js';
import { collectParts, summarizeParts, type StreamSummary } from '../unit/providers/anthropic/anthropic-test-helpers.js';
import {
  canonicalAnthropicBody,
  cassetteReply,
  flattenHeaders,
  startReplay,
  TRANSPORT_KINDS,
  type RecordedReply,
  type Replay,
} from './anthropic-replay.js';

const DIR = 'anthropic';
const PYDANTIC = `${DIR}/pydantic-ai`;

let replays: Replay[] = [];
afterEach(async () => {
  for (const replay of replays) await replay.close();
  replays = [];
});

async function replay(kind: (typeof TRANSPORT_KINDS)[number], replies: readonly RecordedReply[]): Promise<Replay> {
  const started = await startReplay(kind, replies);
  replays.push(started);
  return started;
}

/**
 * A reference reading of a recorded SSE body, independent of the adapter: one JSON `data:` line
 * per event (true of every Anthropic fixture), folded by block index.
 */
function referenceRead(sse: string) {
  const text: string[] = [];
  const thinking: Record<number, { text: string; signature: string }> = {};
  const redacted: string[] = [];
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice(6));
    if (event.type === 'content_block_start' && event.content_block.type === 'thinking') thinking[event.index] = { text: '', signature: '' };
    if (event.type === 'content_block_start' && event.content_block.type === 'redacted_thinking') redacted.push(event.content_block.data);
    if (event.type !== 'content_block_delta') continue;
    if (event.delta.type === 'text_delta') text.push(event.delta.text);
    if (event.delta.type === 'thinking_delta') thinking[event.index]!.text += event.delta.thinking;
    if (event.delta.type === 'signature_delta') thinking[event.index]!.signature += event.delta.signature;
  }
  return { text: text.join(''), thinking: Object.values(thinking), redacted };
}

type StreamCase = {
  /** The SSE body fixture. */
  readonly body: string;
  /** Its recorded status and headers, when the fixture has them. */
  readonly meta?: string;
  readonly check: (summary: StreamSummary, sse: string) => void;
};

const STREAM_CASES: readonly StreamCase[] = [
  {
    body: `${DIR}/anthropic-sdk-ts__basic_response.sse`,
    check: (summary) => {
      expect(summary.metadata).toEqual({ type: 'response-metadata', model: 'claude-opus-4-8', responseId: 'msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK' });
      expect(summary.text).toBe('Hello there!');
      expect(summary.reasoning).toEqual([]);
      expect(summary.toolCalls).toEqual([]);
      expect(summary.finish).toEqual({
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'end_turn',
        usage: { inputTokens: 11, outputTokens: 6, totalTokens: 17 },
      });
    },
  },
  {
    body: `${DIR}/anthropic-sdk-ts__tool_use_response.sse`,
    check: (summary) => {
      expect(summary.text).toBe("I'll check the current weather in Paris for you.");
      expect(summary.toolCalls).toEqual([{ id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', args: { location: 'Paris' } }]);
      expect(summary.toolArgsText).toEqual({ toolu_01NRLabsLyVHZPKxbKvkfSMn: '{"location": "Paris"}' });
      expect(summary.incompleteToolCalls).toEqual([]);
      expect(summary.finish).toEqual({
        type: 'finish',
        finishReason: 'tool-calls',
        rawFinishReason: 'tool_use',
        usage: { inputTokens: 377, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 65, totalTokens: 442 },
      });
    },
  },
  {
    body: `${DIR}/anthropic-sdk-ts__incomplete_partial_json_response.sse`,
    check: (summary, sse) => {
      expect(summary.text).toBe(referenceRead(sse).text);
      expect(summary.text.startsWith("I'll create a comprehensive tax guide for someone with multiple W2s")).toBe(true);
      expect(summary.toolCalls).toEqual([]);
      expect(summary.incompleteToolCalls).toHaveLength(1);
      expect(summary.incompleteToolCalls[0]).toMatchObject({ id: 'toolu_01EKqbqmZrGRXy18eN7m9kvY', name: 'make_file' });
      expect(() => JSON.parse(summary.incompleteToolCalls[0]!.argsText)).toThrow();
      expect(summary.finish).toEqual({
        type: 'finish',
        finishReason: 'length',
        rawFinishReason: 'max_tokens',
        usage: { inputTokens: 450, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 124, totalTokens: 574 },
      });
    },
  },
  {
    body: `${PYDANTIC}/stream-thinking.0.response.sse`,
    meta: `${PYDANTIC}/stream-thinking.0.response-meta.json`,
    check: (summary, sse) => {
      const reference = referenceRead(sse);
      expect(summary.text).toBe(reference.text);
      expect(summary.text.startsWith('Here are the basic steps for safely crossing the street')).toBe(true);
      expect(summary.reasoningText).toBe(reference.thinking[0]?.text);
      expect(summary.reasoning).toEqual([
        { type: 'reasoning', text: reference.thinking[0]!.text, signature: reference.thinking[0]!.signature, provider: 'anthropic' },
      ]);
      expect(summary.reasoning[0]?.text.startsWith('This is a straightforward question about pedestrian safety.')).toBe(true);
      expect(summary.reasoning[0]?.signature).toHaveLength(504);
      expect(summary.reasoning[0]?.signature?.startsWith('EvMCCkYICxgCKkCHP2cS')).toBe(true);
      expect(summary.metadata).toMatchObject({ model: 'claude-sonnet-4-20250514', responseId: 'msg_01ALwQ87pTS7hH1PjSdC9wJD' });
      expect(summary.finish).toEqual({
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'end_turn',
        usage: { inputTokens: 43, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 282, totalTokens: 325 },
      });
    },
  },
  {
    body: `${PYDANTIC}/stream-redacted-thinking.0.response.sse`,
    meta: `${PYDANTIC}/stream-redacted-thinking.0.response-meta.json`,
    check: (summary, sse) => {
      const reference = referenceRead(sse);
      expect(summary.text).toBe(reference.text);
      expect(summary.text.startsWith("I notice that you've sent what appears to be")).toBe(true);
      expect(reference.redacted.map((data) => data.length)).toEqual([744, 296]);
      expect(summary.reasoning).toEqual(
        reference.redacted.map((data) => ({ type: 'reasoning', text: '', redactedData: data, provider: 'anthropic' })),
      );
      expect(summary.reasoningText).toBe('');
      expect(summary.finish).toEqual({
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'end_turn',
        usage: { inputTokens: 92, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 189, totalTokens: 281 },
      });
    },
  },
];

describe('anthropic conformance: recorded streams', () => {
  for (const testCase of STREAM_CASES) {
    for (const kind of TRANSPORT_KINDS) {
      it(`replays ${testCase.body} over ${kind}`, async () => {
        const sse = readFixture(testCase.body);
        const reply = testCase.meta
          ? cassetteReply(testCase.meta, sse)
          : { status: 200, headers: { 'content-type': 'text/event-stream' }, body: sse };
        const { adapter, context } = await replay(kind, [reply]);
        const parts: ProviderStreamPart[] = await collectParts(
          await adapter.doStream({ model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] }, context),
        );
        expect(parts[0]?.type).toBe('response-metadata');
        expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
        expect(parts.at(-1)?.type).toBe('finish');
        testCase.check(summarizeParts(parts), sse);
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// pydantic-ai cassettes: rebuild each conversation in normalized form; the body the adapter sends
// must equal the recorded request body, and the recorded reply must map to the right result.

const ENTITY_SYSTEM_PROMPT =
  '\n    Use the `retrieve_entity_info` tool to get information about a specific person.\n' +
  '    If you need to use `retrieve_entity_info` to get information about multiple people, try\n' +
  '    to call them in parallel as much as possible.\n' +
  '    Think step by step and then provide a single most probable concise answer.\n    ';

const RETRIEVE_ENTITY_INFO: ToolSpec = {
  name: 'retrieve_entity_info',
  description: 'Get the knowledge about the given entity.',
  parameters: { additionalProperties: false, properties: { name: { type: 'string' } }, required: ['name'], type: 'object' },
};

const FAMILY_QUESTION: Message[] = [
  { role: 'system', content: ENTITY_SYSTEM_PROMPT },
  { role: 'user', content: [{ type: 'text', text: 'Alice, Bob, Charlie and Daisy are a family. Who is the youngest?' }] },
];

const FAMILY_FACTS: Record<string, string> = {
  Alice: "alice is bob's wife",
  Bob: "bob is alice's husband",
  Charlie: "charlie is alice's son",
  Daisy: "daisy is bob's daughter and charlie's younger sister",
};

const THINKING = { anthropic: { thinking: { budget_tokens: 1024, type: 'enabled' } } };

function userText(text: string): Message {
  return { role: 'user', content: [{ type: 'text', text }] };
}

/** Checks that the adapter sent exactly the recorded body of cassette interaction `name`. */
function expectSentRecordedBody(sent: Record<string, unknown> | undefined, name: string): void {
  const recorded = readJsonFixture<{ body: Record<string, unknown> }>(`${PYDANTIC}/${name}.request.json`).body;
  expect(sent).toEqual(recorded);
}

describe('anthropic conformance: pydantic-ai cassettes', () => {
  for (const kind of TRANSPORT_KINDS) {
    it(`rebuilds the parallel tool-use conversation and maps both replies, over ${kind}`, async () => {
      const { adapter, context, sentBodies, sentPaths } = await replay(kind, [
        cassetteReply(`${PYDANTIC}/nonstream-parallel-tool-use.0.response-meta.json`, readFixture(`${PYDANTIC}/nonstream-parallel-tool-use.0.response.json`)),
        cassetteReply(`${PYDANTIC}/nonstream-parallel-tool-use.1.response-meta.json`, readFixture(`${PYDANTIC}/nonstream-parallel-tool-use.1.response.json`)),
      ]);
      const request: ProviderRequest = { model: 'claude-haiku-4-5', messages: FAMILY_QUESTION, tools: [RETRIEVE_ENTITY_INFO], toolChoice: 'auto' };
      const first: GenerateResult = await adapter.doGenerate(request, context);
      expect(first.text).toBe(
        "I'll help you find out who is the youngest by retrieving information about each family member. I'll retrieve their entity information to compare their ages.",
      );
      expect(first.toolCalls).toEqual([
        { id: 'toolu_0167cfEnoQaPviGdVXA95zcu', name: 'retrieve_entity_info', args: { name: 'Alice' } },
        { id: 'toolu_01EEe2V5HD1Ac4rKiUR4HD2T', name: 'retrieve_entity_info', args: { name: 'Bob' } },
        { id: 'toolu_01XFyAjstT3966qvRynZyVPo', name: 'retrieve_entity_info', args: { name: 'Charlie' } },
        { id: 'toolu_013mnQZbgtK2oe3Mo3XKJsx3', name: 'retrieve_entity_info', args: { name: 'Daisy' } },
      ]);
      expect(first.finishReason).toBe('tool-calls');
      expect(first.usage).toEqual({ inputTokens: 423, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 202, totalTokens: 625 });
      expect(first.model).toBe('claude-haiku-4-5-20251001');
      expect(first.responseId).toBe('msg_011S3wxtqL5CVescWqS3zeg2');

      const second = await adapter.doGenerate(
        {
          ...request,
          messages: [
            ...FAMILY_QUESTION,
            { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
            ...first.toolCalls.map(
              (call): Message => ({ role: 'tool', toolCallId: call.id, content: FAMILY_FACTS[call.args['name'] as string], isError: false }),
            ),
          ],
        },
        context,
      );
      expect(second.text.startsWith('Based on the retrieved information, we can see the family relationships:')).toBe(true);
      expect(second.text).toContain('Daisy is the youngest');
      expect(second.toolCalls).toEqual([]);
      expect(second.finishReason).toBe('stop');
      expect(second.usage).toEqual({ inputTokens: 771, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 77, totalTokens: 848 });

      expect(sentPaths()).toEqual(['/v1/messages', '/v1/messages']);
      expectSentRecordedBody(sentBodies()[0], 'nonstream-parallel-tool-use.0');
      expectSentRecordedBody(sentBodies()[1], 'nonstream-parallel-tool-use.1');
    });

    it(`rebuilds the streamed thinking request, over ${kind}`, async () => {
      const { adapter, context, sentBodies } = await replay(kind, [
        cassetteReply(`${PYDANTIC}/stream-thinking.0.response-meta.json`, readFixture(`${PYDANTIC}/stream-thinking.0.response.sse`)),
      ]);
      const parts = await collectParts(
        await adapter.doStream({ model: 'claude-sonnet-4-0', messages: [userText('How do I cross the street?')], providerOptions: THINKING }, context),
      );
      expect(summarizeParts(parts).reasoning[0]?.signature).toBeTruthy();
      expectSentRecordedBody(sentBodies()[0], 'stream-thinking.0');
    });

    it(`rebuilds the streamed redacted-thinking request, over ${kind}`, async () => {
      const { adapter, context, sentBodies } = await replay(kind, [
        cassetteReply(`${PYDANTIC}/stream-redacted-thinking.0.response-meta.json`, readFixture(`${PYDANTIC}/stream-redacted-thinking.0.response.sse`)),
      ]);
      const parts = await collectParts(
        await adapter.doStream(
          {
            model: 'claude-sonnet-4-5-20250929',
            messages: [userText('ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB')],
            providerOptions: THINKING,
          },
          context,
        ),
      );
      expect(summarizeParts(parts).reasoning.map((part) => part.redactedData !== undefined)).toEqual([true, true]);
      expectSentRecordedBody(sentBodies()[0], 'stream-redacted-thinking.0');
    });

    it(`maps the recorded 400 invalid_request_error to BadRequestError and sends the recorded body, over ${kind}`, async () => {
      const { adapter, context, sentBodies } = await replay(kind, [
        cassetteReply(`${PYDANTIC}/error-400-invalid-request.0.response-meta.json`, readFixture(`${PYDANTIC}/error-400-invalid-request.0.response.json`)),
      ]);
      const error = (await adapter
        .doGenerate({ model: 'claude-opus-4-6', messages: [userText('What is 2+2?')], providerOptions: { anthropic: { output_config: { effort: 'xhigh' } } } }, context)
        .catch((caught: unknown) => caught)) as ResilientLLMError;
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ status: 400, providerCode: 'invalid_request_error', requestId: 'req_011Ca7jT9AHpgXgdv8igm4z9', isRetryable: false });
      expect(error.message).toContain("This model does not support effort level 'xhigh'");
      expectSentRecordedBody(sentBodies()[0], 'error-400-invalid-request.0');
    });

    it(`maps the recorded 404 not_found_error to NotFoundError, over ${kind}`, async () => {
      const { adapter, context, sentBodies } = await replay(kind, [
        cassetteReply(`${PYDANTIC}/error-404-count-tokens.0.response-meta.json`, readFixture(`${PYDANTIC}/error-404-count-tokens.0.response.json`)),
      ]);
      const error = (await adapter
        .doGenerate({ model: 'claude-does-not-exist', messages: [userText('hello')] }, context)
        .catch((caught: unknown) => caught)) as ResilientLLMError;
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ status: 404, providerCode: 'not_found_error', requestId: 'req_011CVEA3SF7rnb3DuBZytqQa', isRetryable: false });
      expect(error.message).toContain('model: claude-does-not-exist');
      // The cassette was recorded against /v1/messages/count_tokens, which takes no max_tokens or
      // stream; every field it does carry must match what the adapter sends to /v1/messages.
      const recorded = readJsonFixture<{ body: Record<string, unknown> }>(`${PYDANTIC}/error-404-count-tokens.0.request.json`).body;
      expect(Object.keys(recorded).sort()).toEqual(['messages', 'model']);
      expect(sentBodies()[0]).toMatchObject(recorded);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// anthropic-sdk-ts ToolRunner.json: a nock recording of ten non-streaming calls. Replay its replies
// in order and rebuild each conversation the way an application would continue it.

type NockEntry = {
  readonly path: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly response: Record<string, unknown>;
  readonly rawHeaders: Record<string, string>;
};

function testTool(property: string, type: string): ToolSpec {
  return {
    name: 'test_tool',
    description: 'A test tool',
    parameters: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { [property]: { type } },
      required: [property],
      additionalProperties: false,
    },
  };
}

const SUBMIT_ANALYSIS: ToolSpec = {
  name: 'submit_analysis',
  description: 'Call this LAST with your final analysis.',
  parameters: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
};

const ESSAY_PROMPT = 'Write a detailed 500-word essay about dogs, cats, and birds. Call the tool `submit_analysis` with the information about all three animals ';

describe('anthropic conformance: anthropic-sdk-ts ToolRunner recording', () => {
  const entries = readJsonFixture<NockEntry[]>(`${DIR}/anthropic-sdk-ts__ToolRunner.json`);

  for (const kind of TRANSPORT_KINDS) {
    it(`replays all ten calls and sends the same conversations, over ${kind}`, async () => {
      expect(entries).toHaveLength(10);
      const { adapter, context, sentBodies } = await replay(
        kind,
        entries.map((entry) => ({
          status: entry.status,
          headers: { ...flattenHeaders(entry.rawHeaders), 'content-type': 'application/json' },
          body: JSON.stringify(entry.response),
        })),
      );
      const results: GenerateResult[] = [];
      const call = async (request: ProviderRequest) => {
        const result = await adapter.doGenerate(request, context);
        results.push(result);
        return result;
      };
      const toolLoop = async (prompt: string, tool: ToolSpec, answer: (args: Record<string, unknown>) => string) => {
        const messages: Message[] = [{ role: 'user', content: prompt }];
        const first = await call({ model: 'claude-opus-4-8', maxTokens: 1000, messages, tools: [tool] });
        await call({
          model: 'claude-opus-4-8',
          maxTokens: 1000,
          tools: [tool],
          messages: [
            ...messages,
            { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
            ...first.toolCalls.map((toolCall): Message => ({ role: 'tool', toolCallId: toolCall.id, content: answer(toolCall.args) })),
          ],
        });
      };
      await toolLoop('Use the test_tool with value "test", then provide a final response', testTool('value', 'string'), () => 'Tool result');
      await toolLoop('Use the test_tool with count 1, then use it again with count 2', testTool('count', 'number'), (args) => `Called with ${String(args['count'])}`);
      await toolLoop('Use the test_tool with input "test", then provide a final response', testTool('input', 'string'), () => 'Tool result');

      // Compaction: the SDK asks for a summary, then restarts from it. Its compaction prompt is the
      // SDK's own text, taken from the recording; what is checked is how the adapter shapes the turns.
      const compactionPrompt = ((entries[7]!.body['messages'] as { content: { text: string }[] }[])[1]!.content[0]!).text;
      const essay = await call({ model: 'claude-sonnet-4-5', maxTokens: 4000, messages: [{ role: 'user', content: ESSAY_PROMPT }], tools: [SUBMIT_ANALYSIS] });
      const summary = await call({
        model: 'claude-sonnet-4-5',
        maxTokens: 4000,
        messages: [{ role: 'user', content: ESSAY_PROMPT }, userText(compactionPrompt)],
      });
      const resumed: Message[] = [
        userText(summary.text),
        { role: 'assistant', content: essay.text, toolCalls: essay.toolCalls },
        { role: 'tool', toolCallId: essay.toolCalls[0]!.id, content: 'Analysis submitted' },
      ];
      await call({ model: 'claude-sonnet-4-5', maxTokens: 4000, messages: resumed, tools: [SUBMIT_ANALYSIS] });
      await call({ model: 'claude-sonnet-4-5', maxTokens: 4000, messages: [...resumed, userText(compactionPrompt)] });

      // What went over the wire: the same conversations the SDK sent, read the way the API reads them.
      const sent = sentBodies();
      expect(sent).toHaveLength(10);
      entries.forEach((entry, index) => {
        expect(entry.path).toBe('/v1/messages?beta=true');
        expect(canonicalAnthropicBody(sent[index]!), `call ${index}`).toEqual(canonicalAnthropicBody(entry.body));
      });
      // Where the SDK sent no consecutive same-role turns, the adapter's turns are the recorded ones exactly.
      for (const index of [0, 1, 2, 3, 4, 5, 6, 8]) expect(sent[index]!['messages'], `call ${index}`).toEqual(entries[index]!.body['messages']);
      // Calls 7 and 9 repeated the user role; the adapter merges the turns, as the API would.
      expect((sent[9]!['messages'] as { role: string; content: { type: string }[] }[]).map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
      expect((sent[9]!['messages'] as { content: { type: string }[] }[])[2]!.content.map((block) => block.type)).toEqual(['tool_result', 'text']);

      // What came back.
      expect(results.map((result) => result.finishReason)).toEqual([
        'tool-calls', 'stop', 'tool-calls', 'stop', 'tool-calls', 'stop', 'tool-calls', 'stop', 'stop', 'stop',
      ]);
      expect(results.map((result) => [result.usage.inputTokens, result.usage.outputTokens])).toEqual([
        [415, 76], [505, 41], [418, 113], [602, 45], [415, 76], [505, 33], [591, 1056], [311, 497], [2123, 140], [1847, 651],
      ]);
      expect(results.every((result) => result.usage.cachedInputTokens === 0)).toBe(true);
      expect(results.map((result) => result.requestId)).toEqual(entries.map((entry) => entry.rawHeaders['request-id']));
      expect(results[0]!.requestId).toBe('req_011CVLotQepAqEAyhJpvkpZN');
      expect(results[0]!.toolCalls).toEqual([{ id: 'toolu_011LF2VkWpAfJnTKJcmh1PNf', name: 'test_tool', args: { value: 'test' } }]);
      expect(results[2]!.toolCalls).toEqual([
        { id: 'toolu_01L8GVQapA1HmggQcrwboukH', name: 'test_tool', args: { count: 1 } },
        { id: 'toolu_01J5Fvzxu7DP1Uh59c1kr5JD', name: 'test_tool', args: { count: 2 } },
      ]);
      expect(results[4]!.toolCalls).toEqual([{ id: 'toolu_01BTPr2x4Nduos6gVrE19JZr', name: 'test_tool', args: { input: 'test' } }]);
      expect(results[6]!.toolCalls).toHaveLength(1);
      expect(results[6]!.toolCalls[0]).toMatchObject({ id: 'toolu_01XcUoZcU2fsiw59H5aEAyY6', name: 'submit_analysis' });
      expect(String(results[6]!.toolCalls[0]!.args['summary']).startsWith('This 500-word essay explores')).toBe(true);
      expect(results[1]!.text.startsWith('I have successfully executed the test_tool')).toBe(true);
      expect(results[7]!.text.startsWith('<summary>')).toBe(true);
      expect(results.map((result) => result.model)).toEqual([
        ...Array(6).fill('claude-opus-4-8'),
        ...Array(4).fill('claude-sonnet-4-5-20250929'),
      ]);
    });
  }
});

// ---------------------------------------------------------------------------------------------

/** Every fixture file some test above replays; a new fixture file fails the suite until it is covered. */
const COVERED = new Set<string>([
  ...STREAM_CASES.flatMap((testCase) => (testCase.meta ? [testCase.body, testCase.meta] : [testCase.body])),
  `${DIR}/anthropic-sdk-ts__ToolRunner.json`,
  ...['nonstream-parallel-tool-use.0', 'nonstream-parallel-tool-use.1', 'error-400-invalid-request.0', 'error-404-count-tokens.0'].flatMap(
    (name) => [`${PYDANTIC}/${name}.request.json`, `${PYDANTIC}/${name}.response-meta.json`, `${PYDANTIC}/${name}.response.json`],
  ),
  `${PYDANTIC}/stream-thinking.0.request.json`,
  `${PYDANTIC}/stream-redacted-thinking.0.request.json`,
]);

describe('anthropic conformance: coverage', () => {
  it('covers every file under fixtures/anthropic', () => {
    const files = listFixtures(DIR).filter((file) => !file.endsWith('SOURCES.md'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !COVERED.has(file))).toEqual([]);
  });
});
