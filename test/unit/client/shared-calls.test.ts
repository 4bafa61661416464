import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, ResilientLLM, type EventMap, type StreamPart } from '../../../src/index.js';
import { mockProvider } from '../../../src/testing/index.js';
import { tool } from '../../../src/tools/index.js';
import { z } from 'zod';

const ANSWER = 'A prefetched answer arrives before the question is asked.';
const question = { model: 'fast', messages: [{ role: 'user' as const, content: 'What comes next?' }] };

function client(step: Parameters<typeof mockProvider>[0] = { steps: [{ text: ANSWER, chunks: ANSWER.split(/(?= )/), chunkDelayMs: 5, usage: { inputTokens: 20, outputTokens: 12 } }] }) {
  const provider = mockProvider(step);
  const llm = new ResilientLLM({ providers: { mock: provider }, models: { fast: { provider: 'mock', model: 'gpt-4o-mini' } } });
  const events: EventMap['prefetch'][] = [];
  llm.on('prefetch', (event) => events.push(event));
  return { llm, provider, events };
}

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('llm.prefetch()', () => {
  it('lets a later stream() with an equal request attach: the parts so far are replayed, then the rest, one upstream call', async () => {
    const { llm, provider, events } = client();
    llm.prefetch(question, { ttlMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const parts = await collect(llm.stream({ ...question, messages: [{ role: 'user', content: '  What comes   next? ' }] }));
    expect(parts[0]?.type).toBe('start');
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part as { text: string }).text).join('')).toBe(ANSWER);
    expect(parts.at(-1)?.type).toBe('finish');
    expect(provider.calls).toHaveLength(1);
    expect(events.map((event) => event.outcome)).toEqual(['started', 'claimed']);
    await llm.close();
  });

  it('lets a later chat() take the prefetched answer; a different request does not attach', async () => {
    const { llm, provider } = client();
    llm.prefetch(question);
    const other = await llm.chat({ ...question, temperature: 0.3 });
    const response = await llm.chat(question);
    expect(response.text).toBe(ANSWER);
    expect(other.text).toBe(ANSWER);
    expect(provider.calls).toHaveLength(2);
    expect(provider.calls.filter((call) => call.isStream)).toHaveLength(1);
    // Claimed once: the next equal call is a call of its own.
    await llm.chat(question);
    expect(provider.calls).toHaveLength(3);
    await llm.close();
  });

  it('cancels an unclaimed prefetch after ttlMs and accounts for its cost', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { llm, events } = client({ steps: [{ text: ANSWER, usage: { inputTokens: 20, outputTokens: 12 } }] });
      llm.prefetch(question, { ttlMs: 5_000 });
      await vi.advanceTimersByTimeAsync(10);
      expect(llm.usage().total.requests).toBe(1);
      await vi.advanceTimersByTimeAsync(5_000);
      const expired = events.find((event) => event.outcome === 'expired');
      expect(expired).toMatchObject({ outcome: 'expired', wasCancelled: false, usage: { inputTokens: 20, outputTokens: 12 } });
      expect(expired?.cost).toBeGreaterThan(0);
      expect(llm.usage().total.cost).toBeCloseTo(expired!.cost!, 12);
      await llm.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('cancels a prefetch still running at ttlMs: the upstream call is aborted', async () => {
    const { llm, provider, events } = client({ steps: [{ text: 'word '.repeat(50), chunks: 50, chunkDelayMs: 20 }] });
    llm.prefetch(question, { ttlMs: 50 });
    await vi.waitFor(() => expect(events.map((event) => event.outcome)).toContain('expired'), { timeout: 3_000 });
    expect(events.at(-1)).toMatchObject({ outcome: 'expired', wasCancelled: true });
    expect(provider.calls).toHaveLength(1);
    expect(llm.usage().total.requests).toBe(1);
    await llm.close();
  });

  it('rejects a bad ttlMs and requests with tools', () => {
    const { llm } = client();
    expect(() => llm.prefetch(question, { ttlMs: 0 })).toThrow(InvalidArgumentError);
    const weather = tool({ name: 'weather', description: 'w', parameters: z.object({ city: z.string() }) });
    expect(() => llm.prefetch({ ...question, tools: [weather] })).toThrow('without `tools` or `schema`');
  });
});

describe('coalesce: true', () => {
  it('shares one upstream call among equal calls in flight that opt in, and not with those that do not', async () => {
    const { llm, provider } = client();
    const [first, second, streamed] = await Promise.all([
      llm.chat(question, { coalesce: true }),
      llm.chat(question, { coalesce: true }),
      collect(llm.stream(question, { coalesce: true })),
    ]);
    expect(first.text).toBe(ANSWER);
    expect(second).toBe(first);
    expect(streamed.at(-1)?.type).toBe('finish');
    expect(provider.calls).toHaveLength(1);
    await llm.chat(question);
    expect(provider.calls).toHaveLength(2);
    await llm.close();
  });

  it('cancels the shared call only when its last stream reader cancels', async () => {
    const { llm, provider } = client({ steps: [{ text: 'word '.repeat(50), chunks: 50, chunkDelayMs: 20 }] });
    const one = llm.stream(question, { coalesce: true });
    const two = llm.stream(question, { coalesce: true });
    one.cancel();
    const parts = await collect(two);
    expect(parts.at(-1)?.type).toBe('finish');
    expect(provider.calls).toHaveLength(1);
    const three = llm.stream(question, { coalesce: true });
    three.cancel(new Error('left'));
    await expect(three.response).rejects.toThrow('left');
    await llm.close();
  });
});
