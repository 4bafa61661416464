import { describe, expect, it } from 'vitest';
import { AuthenticationError, ResilientLLM } from '../../../src/index.js';
import { encodeSseEvent } from '../../../src/relay/sse-encoding.js';
import { toWireError, toWirePart } from '../../../src/relay/to-wire-part.js';
import { splitPartId } from '../../../src/relay/wire-part.js';
import { decodeSse } from '../../../src/transport/sse.js';
import { mockProvider } from '../../../src/testing/index.js';

async function* once(text: string) {
  yield new TextEncoder().encode(text);
}

describe('the relay wire format', () => {
  it('encodes a part as one SSE event whose id line and JSON id agree, even with newlines in the text', async () => {
    const part = toWirePart({ type: 'text-delta', text: 'line one\nline two\r\n' }, 's1:7')!;
    const encoded = encodeSseEvent(part);
    expect(encoded).toBe(`id: s1:7\ndata: {"id":"s1:7","type":"text-delta","text":"line one\\nline two\\r\\n"}\n\n`);
    const events = [];
    for await (const event of decodeSse(once(encoded))) events.push(event);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data)).toEqual(part);
  });

  it('sends finish with usage, cost and model, and leaves out the parts a page has no use for', () => {
    expect(toWirePart({ type: 'tool-call-delta', index: 0, id: 'c', name: 'n', argsTextDelta: '{' }, '1')).toBeUndefined();
    expect(toWirePart({ type: 'partial-object', object: {} }, '1')).toBeUndefined();
    expect(toWirePart({ type: 'reset', reason: 'failover', errorCode: 'RLLM_TIMEOUT' }, '3')).toEqual({ id: '3', type: 'reset', reason: 'failover', errorCode: 'RLLM_TIMEOUT' });
    expect(toWirePart({ type: 'start', alias: 'a', provider: 'p', model: 'm', deploymentId: 'a/p/m' }, '1')).toEqual({ id: '1', type: 'start', alias: 'a', provider: 'p', model: 'm' });
  });

  it('sends an error as its code and a redacted message: never a key, a stack or a foreign message', () => {
    const key = 'sk-proj-abcdefghijklmnopqrstuvwxyz123456';
    const wire = toWireError(new AuthenticationError(`bad key ${key}`), '4');
    expect(wire).toMatchObject({ id: '4', type: 'error', code: 'RLLM_AUTHENTICATION' });
    expect(JSON.stringify(wire)).not.toContain(key);
    expect(JSON.stringify(wire)).not.toContain('at ');
    const foreign = toWireError(new Error(`database password hunter2 ${key}`), '5');
    expect(foreign).toEqual({ id: '5', type: 'error', code: 'RLLM_PROVIDER_ERROR', message: 'The stream failed.' });
    expect(toWireError(new DOMException('gone', 'AbortError'), '6')).toMatchObject({ code: 'RLLM_CANCELLED' });
  });

  it('splits part ids into stream id and sequence number', () => {
    expect(splitPartId('7')).toEqual({ streamId: '', seq: 7 });
    expect(splitPartId('a:b:12')).toEqual({ streamId: 'a:b', seq: 12 });
    expect(splitPartId('x:0')).toBeUndefined();
    expect(splitPartId('nope')).toBeUndefined();
  });

  it('serves a whole stream as a Web Response: numbered parts, finish with usage and cost, SSE headers', async () => {
    const llm = new ResilientLLM({
      providers: { mock: mockProvider({ steps: [{ text: 'Hello there world', chunks: ['Hello', ' there', ' world'], usage: { inputTokens: 10, outputTokens: 3 } }] }) },
      models: { fast: { provider: 'mock', model: 'gpt-4o-mini' } },
    });
    const response = llm.stream({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }).toSSEResponse({ headers: { 'x-app': '1' } });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-app')).toBe('1');
    const parts = [];
    for await (const event of decodeSse(response.body! as unknown as AsyncIterable<Uint8Array>)) parts.push(JSON.parse(event.data));
    expect(parts.map((part) => part.id)).toEqual(parts.map((_, index) => String(index + 1)));
    expect(parts.map((part) => part.type)).toEqual(['start', 'text-delta', 'text-delta', 'text-delta', 'finish']);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.text).join('')).toBe('Hello there world');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13 }, model: 'gpt-4o-mini' });
    expect(parts.at(-1).cost).toBeGreaterThan(0);
    await llm.close();
  });

  it('sends heartbeats while the model is silent, and ends them with the stream', async () => {
    const llm = new ResilientLLM({
      providers: { mock: mockProvider({ steps: [{ text: 'late', firstTokenDelayMs: 120 }] }) },
      models: { fast: { provider: 'mock', model: 'gpt-4o-mini' } },
    });
    const response = llm.stream({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }).toSSEResponse({ heartbeatMs: 25 });
    const body = await response.text();
    expect(body.match(/^: ping$/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(body.trimEnd().endsWith('}')).toBe(true);
    expect(body).toContain('"type":"finish"');
    await llm.close();
  });
});
