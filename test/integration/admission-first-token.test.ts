import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../scripts/sim/virtual-clock.js';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import { mockProvider } from '../../src/testing/mock-provider.js';
import type { MockStep } from '../../src/testing/mock-step.js';

/** Streams `count` answers one after another; returns when each one's stream ended. */
async function streamAll(llm: ResilientLLM, clock: VirtualClock, count: number): Promise<number[]> {
  const endedAt: number[] = [];
  for (let index = 0; index < count; index++) {
    for await (const part of llm.stream({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] })) void part;
    endedAt.push(clock.now());
  }
  return endedAt;
}

describe('adaptive admission learns latency at the first token', () => {
  it('shrinks the limit when a slow first token arrives, a whole generation before the answer ends', async () => {
    const clock = new VirtualClock();
    let firstTokenDelayMs = 50;
    const respond = (): MockStep => ({ text: 'one two three', firstTokenDelayMs, chunkDelayMs: 2_000 });
    const llm = new ResilientLLM({
      providers: { vendor: mockProvider({ respond }) },
      models: { chat: { provider: 'vendor', model: 'sim' } },
      clock,
      admission: { concurrency: { initialLimit: 8 } },
    });
    const decreases: number[] = [];
    llm.on('admission', (event) => {
      if (event.kind === 'limit' && event.reason === 'latency') decreases.push(clock.now());
    });
    const run = (async () => {
      await streamAll(llm, clock, 5); // a healthy baseline of 50 ms
      firstTokenDelayMs = 400; // the vendor slows down
      return streamAll(llm, clock, 1);
    })();
    await clock.runUntil(60_000);
    const [slowEndedAt] = await run;
    expect(decreases.length).toBeGreaterThan(0);
    // Told at the first token (about 400 ms in), not when the answer ends (4 s of chunks later).
    expect(slowEndedAt! - decreases[0]!).toBeGreaterThan(3_000);
    await llm.close({ graceMs: 0 });
  });
});
