import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderStreamPart } from '../../../../src/client/types.js';
import {
  AuthenticationError,
  InvalidResponseError,
  OverloadedError,
  RateLimitError,
  ServerError,
} from '../../../../src/errors/errors.js';
import type { ResilientLLMError } from '../../../../src/errors/resilient-llm-error.js';
import { anthropic } from '../../../../src/providers/anthropic/anthropic-adapter.js';
import { isBatchedPartStream, partBatches } from '../../../../src/providers/shared/part-batches.js';
import { UndiciTransport } from '../../../../src/transport/undici-transport.js';
import { listFixtures, readFixture } from '../../../helpers/fixtures.js';
import {
  randomOffsets,
  seededRandom,
  splitAtBytes,
  startReplayServer,
  type ReplayServer,
  type ScriptedReply,
} from '../../../helpers/replay-server.js';
import {
  blockDelta,
  blockStart,
  blockStop,
  callContext,
  collectParts,
  MESSAGE_STOP,
  messageDelta,
  messageStart,
  PING,
  sseEvent,
  summarizeParts,
  TEST_API_KEY,
  textStream,
} from './anthropic-test-helpers.js';

let server: ReplayServer | undefined;
let transport: UndiciTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

const REQUEST = { model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] } as const;

async function stream(reply: ScriptedReply, signal?: AbortSignal): Promise<AsyncIterable<ProviderStreamPart>> {
  server = await startReplayServer([reply]);
  transport = new UndiciTransport();
  const adapter = anthropic({ apiKey: TEST_API_KEY, baseURL: server.url });
  return adapter.doStream(REQUEST, callContext(transport, signal));
}

async function streamParts(chunks: readonly string[]): Promise<ProviderStreamPart[]> {
  return collectParts(await stream({ headers: { 'content-type': 'text/event-stream', 'request-id': 'req_s1' }, chunks }));
}

/** Runs the stream to its end and returns what it threw, plus the parts yielded before. */
async function streamFailure(chunks: readonly string[]): Promise<{ error: ResilientLLMError; parts: ProviderStreamPart[] }> {
  const parts: ProviderStreamPart[] = [];
  try {
    for await (const part of await stream({ chunks })) parts.push(part);
  } catch (error) {
    return { error: error as ResilientLLMError, parts };
  }
  throw new Error('expected the stream to throw');
}

describe('anthropic stream', () => {
  it('yields metadata, text deltas and one finish with cumulative usage', async () => {
    const parts = await streamParts([
      messageStart({ input_tokens: 11, cache_creation_input_tokens: 2, cache_read_input_tokens: 4, output_tokens: 1 }),
      blockStart(0, { type: 'text', text: '' }),
      blockDelta(0, { type: 'text_delta', text: 'Hello' }),
      blockDelta(0, { type: 'text_delta', text: ' there' }),
      blockStop(0),
      messageDelta('end_turn', { output_tokens: 6 }),
      MESSAGE_STOP,
    ]);
    expect(parts).toEqual([
      { type: 'response-metadata', model: 'claude-test', requestId: 'req_s1', responseId: 'msg_test' },
      // message_start's input usage, reported at once: billed even if the stream breaks later.
      { type: 'usage', usage: { inputTokens: 17, cachedInputTokens: 4, cacheWriteInputTokens: 2, outputTokens: 1, totalTokens: 18 } },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' there' },
      {
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'end_turn',
        usage: { inputTokens: 17, cachedInputTokens: 4, cacheWriteInputTokens: 2, outputTokens: 6, totalTokens: 23 },
      },
    ]);
  });

  it('takes restated input usage from message_delta over message_start', async () => {
    const parts = await streamParts([
      messageStart({ input_tokens: 43, output_tokens: 1 }),
      messageDelta('end_turn', { input_tokens: 61, output_tokens: 9 }),
      MESSAGE_STOP,
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: 61, outputTokens: 9, totalTokens: 70 } });
  });

  it('ignores ping events anywhere, several in a row', async () => {
    const parts = await streamParts([
      PING,
      messageStart(),
      PING,
      blockStart(0, { type: 'text', text: '' }),
      PING,
      PING,
      blockDelta(0, { type: 'text_delta', text: 'A' }),
      PING,
      blockStop(0),
      PING,
      messageDelta('end_turn'),
      PING,
      MESSAGE_STOP,
    ]);
    expect(summarizeParts(parts).text).toBe('A');
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
  });

  it('skips unknown event, block and delta types', async () => {
    const parts = await streamParts([
      messageStart(),
      sseEvent('brand_new_event', { type: 'brand_new_event', whatever: true }),
      sseEvent('also_new', 'not even json'),
      blockStart(0, { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }),
      blockDelta(0, { type: 'input_json_delta', partial_json: '{"query":"x"}' }),
      blockStop(0),
      blockStart(1, { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] }),
      blockStop(1),
      blockStart(2, { type: 'text', text: '' }),
      blockDelta(2, { type: 'citations_delta', citation: { type: 'web_search_result_location' } }),
      blockDelta(2, { type: 'text_delta', text: 'Found it.' }),
      blockStop(2),
      messageDelta('end_turn'),
      MESSAGE_STOP,
    ]);
    const summary = summarizeParts(parts);
    expect(summary.text).toBe('Found it.');
    expect(summary.toolCalls).toEqual([]);
    expect(summary.finish?.finishReason).toBe('stop');
  });

  it('parses whitespace-padded JSON payloads', async () => {
    const parts = await streamParts([
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_p","model":"claude-test","usage":{"input_tokens":3,"output_tokens":1}}    }\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}         }\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Padded"}       }\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0 }\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}      \n\n',
      'event: message_stop\ndata: {"type":"message_stop"         }\n\n',
    ]);
    const summary = summarizeParts(parts);
    expect(summary.text).toBe('Padded');
    expect(summary.finish?.usage).toEqual({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
  });

  it('assembles tool input per block index and parses it at content_block_stop', async () => {
    const parts = await streamParts([
      messageStart(),
      blockStart(0, { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} }),
      blockDelta(0, { type: 'input_json_delta', partial_json: '' }),
      blockDelta(0, { type: 'input_json_delta', partial_json: '{"locati' }),
      blockDelta(0, { type: 'input_json_delta', partial_json: 'on": "Paris"}' }),
      blockStop(0),
      blockStart(1, { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} }),
      blockDelta(1, { type: 'input_json_delta', partial_json: '{"zone":"CET"}' }),
      blockStop(1),
      messageDelta('tool_use'),
      MESSAGE_STOP,
    ]);
    expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', index: 0, id: 'toolu_a', name: 'get_weather', argsTextDelta: '' },
      { type: 'tool-call-delta', index: 0, id: 'toolu_a', name: 'get_weather', argsTextDelta: '{"locati' },
      { type: 'tool-call-delta', index: 0, id: 'toolu_a', name: 'get_weather', argsTextDelta: 'on": "Paris"}' },
      { type: 'tool-call-delta', index: 1, id: 'toolu_b', name: 'get_time', argsTextDelta: '' },
      { type: 'tool-call-delta', index: 1, id: 'toolu_b', name: 'get_time', argsTextDelta: '{"zone":"CET"}' },
    ]);
    const summary = summarizeParts(parts);
    expect(summary.toolCalls).toEqual([
      { id: 'toolu_a', name: 'get_weather', args: { location: 'Paris' } },
      { id: 'toolu_b', name: 'get_time', args: { zone: 'CET' } },
    ]);
    expect(summary.finish?.finishReason).toBe('tool-calls');
  });

  it('reports a tool with an empty input as {}', async () => {
    const parts = await streamParts([
      messageStart(),
      blockStart(0, { type: 'tool_use', id: 'toolu_n', name: 'get_time', input: {} }),
      blockDelta(0, { type: 'input_json_delta', partial_json: '' }),
      blockStop(0),
      messageDelta('tool_use'),
      MESSAGE_STOP,
    ]);
    expect(summarizeParts(parts).toolCalls).toEqual([{ id: 'toolu_n', name: 'get_time', args: {} }]);
  });

  it('keeps finished tool input that is not a JSON object as raw text for repair', async () => {
    const parts = await streamParts([
      messageStart(),
      blockStart(0, { type: 'tool_use', id: 'toolu_x', name: 'f', input: {} }),
      blockDelta(0, { type: 'input_json_delta', partial_json: '{"a": ' }),
      blockStop(0),
      messageDelta('tool_use'),
      MESSAGE_STOP,
    ]);
    expect(summarizeParts(parts).toolCalls).toEqual([{ id: 'toolu_x', name: 'f', args: {}, argsText: '{"a": ' }]);
  });

  it('yields thinking deltas and a reasoning part with the collected signature, and redacted thinking data', async () => {
    const parts = await streamParts([
      messageStart(),
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
      blockDelta(0, { type: 'thinking_delta', thinking: 'Step one' }),
      blockDelta(0, { type: 'thinking_delta', thinking: '' }),
      blockDelta(0, { type: 'signature_delta', signature: 'SIG' }),
      blockDelta(0, { type: 'signature_delta', signature: 'NATURE' }),
      blockStop(0),
      blockStart(1, { type: 'redacted_thinking', data: 'OPAQUE' }),
      PING,
      blockStop(1),
      messageDelta('end_turn'),
      MESSAGE_STOP,
    ]);
    expect(parts.filter((part) => part.type === 'reasoning-delta' || part.type === 'reasoning-part')).toEqual([
      { type: 'reasoning-delta', text: 'Step one' },
      { type: 'reasoning-part', reasoning: { type: 'reasoning', text: 'Step one', signature: 'SIGNATURE', provider: 'anthropic' } },
      { type: 'reasoning-part', reasoning: { type: 'reasoning', text: '', redactedData: 'OPAQUE', provider: 'anthropic' } },
    ]);
  });

  it('reports a tool call cut by max_tokens as incomplete with finish reason length', async () => {
    const parts = await collectParts(await stream({ chunks: [readFixture('anthropic/anthropic-sdk-ts__incomplete_partial_json_response.sse')] }));
    const summary = summarizeParts(parts);
    expect(summary.toolCalls).toEqual([]);
    expect(parts.some((part) => part.type === 'tool-call')).toBe(false);
    expect(summary.incompleteToolCalls).toHaveLength(1);
    expect(summary.incompleteToolCalls[0]).toMatchObject({ id: 'toolu_01EKqbqmZrGRXy18eN7m9kvY', name: 'make_file' });
    expect(summary.incompleteToolCalls[0]?.argsText.startsWith('{"filename": "taxes.txt", "lines_of_text": [')).toBe(true);
    expect(summary.incompleteToolCalls[0]?.argsText.endsWith('"Filing taxes')).toBe(true);
    expect(summary.finish).toMatchObject({ finishReason: 'length', rawFinishReason: 'max_tokens' });
    expect(parts.at(-1)?.type).toBe('finish');
  });

  it('throws OverloadedError without output flagged on an in-band error before any output', async () => {
    const { error, parts } = await streamFailure([
      messageStart(),
      'event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}              }\n\n',
    ]);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error.isRetryable).toBe(true);
    expect(error.hasEmittedOutput).toBe(false);
    expect(error.providerCode).toBe('overloaded_error');
    expect(error.status).toBeUndefined();
    expect(parts.map((part) => part.type)).toEqual(['response-metadata', 'usage']);
  });

  it('flags output already emitted on an in-band error after text', async () => {
    const { error, parts } = await streamFailure([
      messageStart(),
      blockStart(0, { type: 'text', text: '' }),
      blockDelta(0, { type: 'text_delta', text: 'Partial' }),
      sseEvent('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ]);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error.hasEmittedOutput).toBe(true);
    expect(summarizeParts(parts).text).toBe('Partial');
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
  });

  it.each([
    ['rate_limit_error', RateLimitError, true],
    ['api_error', ServerError, true],
    ['authentication_error', AuthenticationError, false],
  ] as const)('maps an in-band %s to %s', async (type, errorClass, isRetryable) => {
    const { error } = await streamFailure([messageStart(), sseEvent('error', { type: 'error', error: { type, message: 'nope' } })]);
    expect(error).toBeInstanceOf(errorClass);
    expect(error.isRetryable).toBe(isRetryable);
    expect(error.hasEmittedOutput).toBe(false);
  });

  it('dispatches on the payload type when a proxy dropped the event: lines', async () => {
    const parts = await streamParts(textStream('No names').map((event) => event.replace(/^event: .*\n/, '')));
    expect(summarizeParts(parts).text).toBe('No names');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('throws the typed error for a bare JSON error object outside SSE framing', async () => {
    const { error } = await streamFailure([
      messageStart(),
      '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    ]);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error.hasEmittedOutput).toBe(false);
  });

  it('throws InvalidResponseError when the body ends without message_stop', async () => {
    const { error, parts } = await streamFailure([
      messageStart(),
      blockStart(0, { type: 'text', text: '' }),
      blockDelta(0, { type: 'text_delta', text: 'Cut' }),
      blockStop(0),
      messageDelta('end_turn'),
    ]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.hasEmittedOutput).toBe(true);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
  });

  it('throws InvalidResponseError on a malformed JSON event', async () => {
    const { error } = await streamFailure([messageStart(), 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,\n\n']);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('malformed JSON');
  });

  it('closes the socket when the consumer breaks out of the loop', async () => {
    const iterable = await stream({
      chunks: [messageStart(), blockStart(0, { type: 'text', text: '' }), blockDelta(0, { type: 'text_delta', text: 'first' })],
      hang: true,
    });
    for await (const part of iterable) {
      if (part.type === 'text-delta') break;
    }
    await expect.poll(() => server?.closedEarly()).toBe(1);
  });

  it('rejects with the abort reason and closes the socket when the signal aborts mid-stream', async () => {
    const controller = new AbortController();
    const iterable = await stream(
      { chunks: [messageStart(), blockStart(0, { type: 'text', text: '' }), blockDelta(0, { type: 'text_delta', text: 'first' })], hang: true },
      controller.signal,
    );
    const reason = new Error('user aborted');
    const seen: string[] = [];
    const outcome = (async () => {
      for await (const part of iterable) {
        seen.push(part.type);
        if (part.type === 'text-delta') controller.abort(reason);
      }
    })();
    await expect(outcome).rejects.toBe(reason);
    expect(seen).toEqual(['response-metadata', 'usage', 'text-delta']);
    await expect.poll(() => server?.closedEarly()).toBe(1);
  });
});

describe('anthropic stream batches (the client path)', () => {
  async function collectBatches(iterable: AsyncIterable<ProviderStreamPart>): Promise<(readonly ProviderStreamPart[])[]> {
    if (!isBatchedPartStream(iterable)) throw new Error('expected a batched stream');
    const batches: (readonly ProviderStreamPart[])[] = [];
    for await (const batch of iterable[partBatches]()) batches.push(batch);
    return batches;
  }

  const SSE_FIXTURES = listFixtures('anthropic').filter((file) => file.endsWith('.sse'));

  it.each(SSE_FIXTURES)('yields the same parts as the part-by-part stream, in non-empty batches, for %s re-chunked', async (file) => {
    const body = readFixture(file);
    const parts = await collectParts(await stream({ headers: { 'request-id': 'req_b1' }, chunks: [body] }));
    await transport?.close();
    await server?.close();
    const bytes = Buffer.byteLength(body);
    const chunks = splitAtBytes(body, randomOffsets(seededRandom(bytes), bytes, 12));
    const batches = await collectBatches(await stream({ headers: { 'request-id': 'req_b1' }, chunks, chunkDelayMs: 1 }));
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)?.type).toBe('finish');
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
    expect(batches.flat()).toEqual(parts);
  });

  it('hands over the parts read before an in-band error of the same read, then throws it', async () => {
    const iterable = await stream({
      chunks: [
        messageStart() +
          PING +
          blockStart(0, { type: 'text', text: '' }) +
          blockDelta(0, { type: 'text_delta', text: 'Partial' }) +
          sseEvent('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      ],
    });
    if (!isBatchedPartStream(iterable)) throw new Error('expected a batched stream');
    const seen: ProviderStreamPart[] = [];
    const error = await (async () => {
      for await (const batch of iterable[partBatches]()) seen.push(...batch);
    })().catch((rejection: unknown) => rejection);
    expect(seen.map((part) => part.type)).toEqual(['response-metadata', 'usage', 'text-delta']);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ hasEmittedOutput: true, providerCode: 'overloaded_error' });
  });

  it('hands over the parts read before a body that ends without message_stop, then throws', async () => {
    const iterable = await stream({ chunks: [messageStart() + blockStart(0, { type: 'text', text: '' }) + blockDelta(0, { type: 'text_delta', text: 'Cut' })] });
    if (!isBatchedPartStream(iterable)) throw new Error('expected a batched stream');
    const seen: ProviderStreamPart[] = [];
    const error = await (async () => {
      for await (const batch of iterable[partBatches]()) seen.push(...batch);
    })().catch((rejection: unknown) => rejection);
    expect(seen.map((part) => part.type)).toEqual(['response-metadata', 'usage', 'text-delta']);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ hasEmittedOutput: true });
  });

  it('closes the socket when the reader of batches stops early', async () => {
    const iterable = await stream({
      chunks: [
        messageStart(),
        blockStart(0, { type: 'text', text: '' }),
        ...Array.from({ length: 200 }, (_, index) => blockDelta(0, { type: 'text_delta', text: `t${index} ` })),
      ],
      chunkDelayMs: 20,
    });
    if (!isBatchedPartStream(iterable)) throw new Error('expected a batched stream');
    for await (const batch of iterable[partBatches]()) if (batch.some((part) => part.type === 'text-delta')) break;
    await expect.poll(() => server?.closedEarly(), { timeout: 5_000 }).toBe(1);
  });
});
