import { describe, expect, it, onTestFinished } from 'vitest';
import { ANSWER, startWebChat, type WebChatOptions } from '../../examples/web-chat/server.js';
import { readStream, type WirePart } from '../../src/browser/index.js';

async function chatFor(options: WebChatOptions) {
  const chat = await startWebChat(options);
  onTestFinished(() => chat.close());
  return chat;
}

const steady = { 'primary-model': [{ text: ANSWER, chunkDelayMs: 15 }] };

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const startedAt = performance.now();
  while (!condition() && performance.now() - startedAt < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the relay over SSE, read with readStream', () => {
  it('resumes after a cut with Last-Event-ID: every part once, in order, and one request to the model', async () => {
    const chat = await chatFor({ script: steady });
    const parts: WirePart[] = [];
    let reconnects = 0;
    for await (const part of readStream(`${chat.url}/chat?q=resume&cut=5`, { reconnectDelayMs: 10, onReconnect: () => reconnects++ })) parts.push(part);
    expect(reconnects).toBe(1);
    expect(parts.map((part) => part.type)).not.toContain('reset');
    const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    expect(text).toBe(ANSWER);
    const seqs = parts.map((part) => Number(part.id.split(':')[1]));
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    expect(parts.at(-1)?.type).toBe('finish');
    expect(chat.provider.requests).toHaveLength(1);
    expect(chat.relay.liveStreams).toBe(0);
  });

  it('keeps the call going while no one is connected, so a later reader gets the whole answer', async () => {
    const chat = await chatFor({ script: steady });
    let firstId = '';
    for await (const part of readStream(`${chat.url}/chat?q=leave`)) {
      firstId = part.id;
      break;
    }
    await until(() => chat.relay.liveStreams === 0);
    expect(chat.provider.closedEarly).toBe(0);
    const rest: WirePart[] = [];
    for await (const part of readStream(`${chat.url}/chat?q=leave`, { init: { headers: { 'last-event-id': firstId } } })) rest.push(part);
    // A fresh reader with no id of its own would start over; this one asked for the rest explicitly.
    expect(firstId).toMatch(/:1$/);
    expect(rest[0]!.id).toBe(firstId.replace(/:1$/, ':2'));
    expect(rest.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe(ANSWER);
    expect(rest.at(-1)?.type).toBe('finish');
    expect(chat.provider.requests).toHaveLength(1);
  });

  it('cancels the call when a reader of a plain (not resumable) relay goes away', async () => {
    const chat = await chatFor({ script: { 'primary-model': [{ text: 'word '.repeat(100).trim(), chunkDelayMs: 20 }] }, isResumable: false });
    let deltas = 0;
    for await (const part of readStream(`${chat.url}/chat?q=bye`)) if (part.type === 'text-delta' && ++deltas === 3) break;
    await until(() => chat.provider.closedEarly === 1);
    expect(chat.provider.closedEarly).toBe(1);
  });

  it('tells the page to drop its text when a plain relay starts over after a cut', async () => {
    const chat = await chatFor({ script: steady, isResumable: false });
    const parts: WirePart[] = [];
    for await (const part of readStream(`${chat.url}/chat?q=plain&cut=4`, { reconnectDelayMs: 10 })) parts.push(part);
    const resetAt = parts.findIndex((part) => part.type === 'reset');
    expect(parts[resetAt]).toMatchObject({ type: 'reset', reason: 'reconnected' });
    const after = parts.slice(resetAt).map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    expect(after).toBe(ANSWER);
    expect(chat.provider.requests).toHaveLength(2);
  });
});
