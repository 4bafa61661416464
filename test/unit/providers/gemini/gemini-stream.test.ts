import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderRequest, ProviderStreamPart } from '../../../../src/client/types.js';
import {
  ContentFilterError,
  InvalidResponseError,
  OverloadedError,
  ProviderError,
  RateLimitError,
} from '../../../../src/errors/errors.js';
import type { ResilientLLMError } from '../../../../src/errors/resilient-llm-error.js';
import { gemini } from '../../../../src/providers/gemini/gemini-adapter.js';
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
import { callContext, collectParts, geminiSse, MemoryTransport, sequentialIds, TEST_API_KEY } from './gemini-test-kit.js';

let server: ReplayServer | undefined;
let transport: UndiciTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  server = undefined;
  transport = undefined;
});

const request: ProviderRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] };

async function stream(replies: ScriptedReply[], signal?: AbortSignal) {
  server = await startReplayServer(replies);
  transport = new UndiciTransport();
  const adapter = gemini({ apiKey: TEST_API_KEY, baseURL: `${server.url}/v1beta`, generateId: sequentialIds('gen') });
  return adapter.doStream(request, callContext(transport, signal));
}

const sseReply = (body: string | string[]): ScriptedReply => ({
  headers: { 'content-type': 'text/event-stream' },
  chunks: typeof body === 'string' ? [body] : body,
});

const candidate = (parts: unknown[], finishReason?: string) => ({
  candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }],
});

/** Collects parts until the stream throws; returns both. */
async function collectUntilError(parts: AsyncIterable<ProviderStreamPart>) {
  const seen: ProviderStreamPart[] = [];
  try {
    for await (const part of parts) seen.push(part);
  } catch (error) {
    return { seen, error: error as ResilientLLMError };
  }
  return { seen, error: undefined };
}

describe('gemini doStream', () => {
  it('posts to streamGenerateContent?alt=sse and yields metadata, deltas and one finish on EOF', async () => {
    const parts = await collectParts(
      await stream([
        sseReply(
          geminiSse(
            { ...candidate([{ text: 'Hel' }]), modelVersion: 'gemini-2.5-flash', responseId: 'r1', usageMetadata: { promptTokenCount: 15 } },
            { ...candidate([{ text: 'lo' }], 'STOP'), modelVersion: 'gemini-2.5-flash', responseId: 'r1', usageMetadata: { promptTokenCount: 13, candidatesTokenCount: 2 } },
          ),
        ),
      ]),
    );
    expect(server!.requests[0]!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(server!.requests[0]!.headers['x-goog-api-key']).toBe(TEST_API_KEY);
    expect(parts).toEqual([
      { type: 'response-metadata', model: 'gemini-2.5-flash', responseId: 'r1' },
      { type: 'text-delta', text: 'Hel' },
      // Each new snapshot is reported after its chunk, so a cut stream still accounts for it.
      { type: 'usage', usage: { inputTokens: 15, outputTokens: 0, totalTokens: 15 } },
      { type: 'text-delta', text: 'lo' },
      { type: 'usage', usage: { inputTokens: 13, outputTokens: 2, totalTokens: 15 } },
      // Usage is the last snapshot (13), not the first (15) nor a sum.
      { type: 'finish', finishReason: 'stop', rawFinishReason: 'STOP', usage: { inputTokens: 13, outputTokens: 2, totalTokens: 15 } },
    ]);
  });

  it('reads CRLF framing split across network writes, including inside \\r\\n', async () => {
    const body = geminiSse(candidate([{ text: 'a' }]), candidate([{ text: 'b' }], 'STOP'));
    const splitInsideCrlf = body.indexOf('\r\n') + 1;
    const insideJson = splitInsideCrlf + 30;
    const parts = await collectParts(
      await stream([sseReply([body.slice(0, splitInsideCrlf), body.slice(splitInsideCrlf, insideJson), body.slice(insideJson)])]),
    );
    expect(parts.filter((part) => part.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: 'b' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('ends on EOF, not on the finishReason that old models repeat on every chunk', async () => {
    const parts = await collectParts(
      await stream([sseReply(geminiSse(candidate([{ text: 'one ' }], 'STOP'), candidate([{ text: 'two' }], 'STOP'), candidate([{ text: '!' }], 'FAKE_ENUM')))]),
    );
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part as { text: string }).text).join('')).toBe('one two!');
    expect(parts.filter((part) => part.type === 'finish')).toEqual([
      { type: 'finish', finishReason: 'other', rawFinishReason: 'FAKE_ENUM', usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } },
    ]);
  });

  it('reports STOP with a function call as tool-calls, with unique ids for two identical calls', async () => {
    const call = { functionCall: { name: 'get_weather', args: { city: 'Paris' } } };
    const parts = await collectParts(
      await stream([sseReply(geminiSse(candidate([{ text: 'Let me check.' }]), candidate([{ ...call, thoughtSignature: 'sig' }, call], 'STOP')))]),
    );
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCall: { id: 'gen-1', name: 'get_weather', args: { city: 'Paris' }, providerMetadata: { thoughtSignature: 'sig' } } },
      { type: 'tool-call', toolCall: { id: 'gen-2', name: 'get_weather', args: { city: 'Paris' } } },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls', rawFinishReason: 'STOP' });
  });

  it('streams thoughts as reasoning deltas and closes them with the signature that follows', async () => {
    const parts = await collectParts(
      await stream([
        sseReply(
          geminiSse(
            candidate([{ text: 'Think A. ', thought: true }]),
            candidate([{ text: 'Think B.', thought: true }]),
            candidate([{ text: 'Answer', thoughtSignature: 'U0lH' }]),
            { ...candidate([{ text: '', thoughtSignature: 'TEFTVA==' }], 'STOP'), usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 1, thoughtsTokenCount: 9 } },
          ),
        ),
      ]),
    );
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Think A. ' },
      { type: 'reasoning-delta', text: 'Think B.' },
      { type: 'text-delta', text: 'Answer' },
      { type: 'reasoning-part', reasoning: { type: 'reasoning', text: 'Think A. Think B.', provider: 'gemini', signature: 'U0lH' } },
      // An empty text part carrying only a signature: no text delta, but the signature is kept.
      { type: 'reasoning-part', reasoning: { type: 'reasoning', text: '', provider: 'gemini', signature: 'TEFTVA==' } },
      { type: 'usage', usage: { inputTokens: 4, outputTokens: 10, totalTokens: 14, reasoningTokens: 9 } },
      { type: 'finish', finishReason: 'stop', rawFinishReason: 'STOP', usage: { inputTokens: 4, outputTokens: 10, totalTokens: 14, reasoningTokens: 9 } },
    ]);
  });

  it('tolerates candidates without parts, without index, and usage-only chunks', async () => {
    const parts = await collectParts(
      await stream([
        sseReply(
          geminiSse(
            { candidates: [{ content: { role: 'model' } }] },
            { candidates: [{ content: { parts: [{ text: 'x' }] }, index: 0 }] },
            { candidates: [{ finishReason: 'MAX_TOKENS' }] },
            { usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 1 } },
          ),
        ),
      ]),
    );
    expect(parts).toEqual([
      { type: 'text-delta', text: 'x' },
      { type: 'usage', usage: { inputTokens: 2, outputTokens: 1, totalTokens: 3 } },
      { type: 'finish', finishReason: 'length', rawFinishReason: 'MAX_TOKENS', usage: { inputTokens: 2, outputTokens: 1, totalTokens: 3 } },
    ]);
  });

  it('yields the usage reported so far before the error when the stream is cut after it', async () => {
    const usage = (candidatesTokenCount: number) => ({ usageMetadata: { promptTokenCount: 7, candidatesTokenCount, thoughtsTokenCount: 3, totalTokenCount: 10 + candidatesTokenCount } });
    const { seen, error } = await collectUntilError(
      await stream([
        sseReply([
          geminiSse({ ...candidate([{ text: 'One ' }]), ...usage(1) }),
          // The same snapshot again: not reported twice.
          geminiSse({ ...candidate([{ text: 'two ' }]), ...usage(1) }),
          geminiSse({ ...candidate([{ text: 'three' }]), ...usage(3) }),
          // EOF without a finishReason: the connection was cut.
        ]),
      ]),
    );
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ hasEmittedOutput: true });
    expect(error!.message).toMatch(/without a finishReason/);
    expect(seen).toEqual([
      { type: 'text-delta', text: 'One ' },
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 4, totalTokens: 11, reasoningTokens: 3 } },
      { type: 'text-delta', text: 'two ' },
      { type: 'text-delta', text: 'three' },
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 6, totalTokens: 13, reasoningTokens: 3 } },
    ]);
  });

  it('yields the usage reported before an in-band error that follows it', async () => {
    const overloaded = JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
    const { seen, error } = await collectUntilError(
      await stream([sseReply([geminiSse({ ...candidate([{ text: 'Partial' }]), usageMetadata: { promptTokenCount: 12, cachedContentTokenCount: 8 } }), `${overloaded}\r\n`])]),
    );
    expect(error).toBeInstanceOf(OverloadedError);
    expect(seen).toEqual([
      { type: 'text-delta', text: 'Partial' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 0, totalTokens: 12, cachedInputTokens: 8 } },
    ]);
  });

  it('throws ContentFilterError for a blocked prompt', async () => {
    const { seen, error } = await collectUntilError(await stream([sseReply(geminiSse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 8 } }))]));
    expect(seen).toEqual([]);
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ providerCode: 'SAFETY', hasEmittedOutput: false });
  });

  it('throws the typed error for a bare JSON error object after a 200, with hasEmittedOutput', async () => {
    const bareError = JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }, null, 2);
    const { seen, error } = await collectUntilError(await stream([sseReply([geminiSse(candidate([{ text: 'Partial' }])), `${bareError}\r\n`])]));
    expect(seen).toEqual([{ type: 'text-delta', text: 'Partial' }]);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ status: 503, providerCode: 'UNAVAILABLE', hasEmittedOutput: true, isRetryable: true });
  });

  it('maps an in-band error without output, and a CANCELLED one by its code', async () => {
    const rateLimited = await collectUntilError(
      await stream([sseReply(`${JSON.stringify({ error: { code: 429, message: 'Quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }] } })}\n`)]),
    );
    expect(rateLimited.error).toBeInstanceOf(RateLimitError);
    expect(rateLimited.error).toMatchObject({ hasEmittedOutput: false, retryAfterMs: 1500 });
    await server!.close();
    await transport!.close();
    const cancelled = await collectUntilError(
      await stream([sseReply([geminiSse(candidate([{ text: 'x' }])), JSON.stringify({ error: { code: 499, message: 'The operation was cancelled.', status: 'CANCELLED' } })])]),
    );
    expect(cancelled.error).toBeInstanceOf(ProviderError);
    expect(cancelled.error).toMatchObject({ status: 499, providerCode: 'CANCELLED', hasEmittedOutput: true });
  });

  it('throws InvalidResponseError for a malformed chunk', async () => {
    const { seen, error } = await collectUntilError(await stream([sseReply(`${geminiSse(candidate([{ text: 'ok' }]))}data: {"candidates": [\r\n\r\n`)]));
    expect(seen).toEqual([{ type: 'text-delta', text: 'ok' }]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ hasEmittedOutput: true });
  });

  it('throws InvalidResponseError when the stream ends without a finishReason', async () => {
    const cut = await collectUntilError(await stream([sseReply(geminiSse(candidate([{ text: 'cut' }])))]));
    expect(cut.seen).toEqual([{ type: 'text-delta', text: 'cut' }]);
    expect(cut.error).toBeInstanceOf(InvalidResponseError);
    expect(cut.error?.message).toMatch(/without a finishReason/);
    await server!.close();
    await transport!.close();
    const empty = await collectUntilError(await stream([sseReply('')]));
    expect(empty.error).toBeInstanceOf(InvalidResponseError);
    expect(empty.error?.message).toMatch(/without a candidate/);
  });

  it('closes the socket when the consumer breaks out early', async () => {
    const parts = await stream([{ headers: { 'content-type': 'text/event-stream' }, chunks: [geminiSse(candidate([{ text: 'first' }]))], hang: true }]);
    for await (const part of parts) {
      expect(part).toEqual({ type: 'text-delta', text: 'first' });
      break;
    }
    await expect.poll(() => server!.closedEarly()).toBe(1);
  });

  it('closes the socket and rejects with the reason when the signal aborts', async () => {
    const controller = new AbortController();
    const parts = await stream([{ headers: { 'content-type': 'text/event-stream' }, chunks: [geminiSse(candidate([{ text: 'first' }]))], hang: true }], controller.signal);
    const reason = new Error('user aborted');
    const seen: ProviderStreamPart[] = [];
    const outcome = (async () => {
      for await (const part of parts) {
        seen.push(part);
        controller.abort(reason);
      }
    })();
    await expect(outcome).rejects.toBe(reason);
    expect(seen).toEqual([{ type: 'text-delta', text: 'first' }]);
    await expect.poll(() => server!.closedEarly()).toBe(1);
  });

  it('cancels the response when return() is called on the iterator (in-memory transport)', async () => {
    const memory = new MemoryTransport(() => [Buffer.from(geminiSse(candidate([{ text: 'a' }]), candidate([{ text: 'b' }], 'STOP')))]);
    const adapter = gemini({ apiKey: TEST_API_KEY, baseURL: 'https://memory.test/v1beta' });
    const iterator = (await adapter.doStream(request, callContext(memory)))[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: { type: 'text-delta', text: 'a' } });
    await iterator.return?.();
    expect(memory.cancelled).toBe(1);
    expect(memory.requests[0]!.url).toBe('https://memory.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });
});

describe('gemini stream batches (the client path)', () => {
  /** Reads the batches until the stream ends or throws; returns them and the error. */
  async function collectBatchesUntilError(iterable: AsyncIterable<ProviderStreamPart>) {
    if (!isBatchedPartStream(iterable)) throw new Error('expected a batched stream');
    const batches: (readonly ProviderStreamPart[])[] = [];
    try {
      for await (const batch of iterable[partBatches]()) batches.push(batch);
    } catch (error) {
      return { batches, error: error as ResilientLLMError };
    }
    return { batches, error: undefined };
  }

  const SSE_FILES = listFixtures('google').filter((file) => file.endsWith('.sse'));

  it.each(SSE_FILES)('yields the same parts and outcome as the part-by-part stream, in non-empty batches, for %s re-chunked', async (file) => {
    const body = readFixture(file);
    const byPart = await collectUntilError(await stream([sseReply(body)]));
    await transport?.close();
    await server?.close();
    const bytes = Buffer.byteLength(body);
    const chunks = splitAtBytes(body, randomOffsets(seededRandom(bytes), bytes, 12));
    const byBatch = await collectBatchesUntilError(await stream([{ headers: { 'content-type': 'text/event-stream' }, chunks, chunkDelayMs: 1 }]));
    if (byPart.error === undefined) {
      expect(byPart.seen.filter((part) => part.type === 'finish')).toHaveLength(1);
      expect(byPart.seen.at(-1)?.type).toBe('finish');
    }
    // One batch per read with parts: a single batch would mean the client path waited for EOF.
    if (byPart.seen.length > 1) expect(byBatch.batches.length).toBeGreaterThan(1);
    expect(byBatch.batches.every((batch) => batch.length > 0)).toBe(true);
    expect(byBatch.batches.flat()).toEqual(byPart.seen);
    expect(byBatch.error?.constructor).toBe(byPart.error?.constructor);
    expect(byBatch.error?.message).toBe(byPart.error?.message);
  });

  it('hands over the parts read before an in-band error of the same read, then throws it', async () => {
    // A data-framed error object: decoded in the same batch as the chunk before it.
    const overloaded = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
    const { batches, error } = await collectBatchesUntilError(
      await stream([
        sseReply([geminiSse({ ...candidate([{ text: 'Partial' }]), modelVersion: 'gemini-2.5-flash', usageMetadata: { promptTokenCount: 12 } }, overloaded)]),
      ]),
    );
    expect(batches.flat()).toEqual([
      { type: 'response-metadata', model: 'gemini-2.5-flash' },
      { type: 'text-delta', text: 'Partial' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 0, totalTokens: 12 } },
    ]);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ status: 503, hasEmittedOutput: true });
  });

  it('drops only the parts of the chunk that throws, as part by part (a blocked prompt)', async () => {
    const { batches, error } = await collectBatchesUntilError(
      await stream([sseReply(geminiSse({ promptFeedback: { blockReason: 'SAFETY' }, modelVersion: 'gemini-2.5-flash', responseId: 'r1' }))]),
    );
    expect(batches).toEqual([]);
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ providerCode: 'SAFETY', hasEmittedOutput: false });
  });

  it('hands over the parts read before a malformed chunk of the same read, then throws', async () => {
    const { batches, error } = await collectBatchesUntilError(await stream([sseReply(`${geminiSse(candidate([{ text: 'ok' }]))}data: {"candidates": [\r\n\r\n`)]));
    expect(batches.flat()).toEqual([{ type: 'text-delta', text: 'ok' }]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ hasEmittedOutput: true });
  });

  it('hands over the parts read before EOF without a finishReason, then throws', async () => {
    const { batches, error } = await collectBatchesUntilError(await stream([sseReply(geminiSse(candidate([{ text: 'cut' }])))]));
    expect(batches.flat()).toEqual([{ type: 'text-delta', text: 'cut' }]);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error?.message).toMatch(/without a finishReason/);
  });

  it('closes the socket when the reader of batches stops early', async () => {
    const iterable = await stream([
      {
        headers: { 'content-type': 'text/event-stream' },
        chunks: Array.from({ length: 200 }, (_, index) => geminiSse(candidate([{ text: `t${index} ` }]))),
        chunkDelayMs: 20,
      },
    ]);
    if (!isBatchedPartStream(iterable)) throw new Error('expected a batched stream');
    for await (const batch of iterable[partBatches]()) if (batch.some((part) => part.type === 'text-delta')) break;
    await expect.poll(() => server!.closedEarly(), { timeout: 5_000 }).toBe(1);
  });
});
