import { describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import type { Message } from '../../src/client/types.js';
import { openai } from '../../src/providers/openai/openai-adapter.js';
import { serverError, type ServerStep } from '../../src/testing/index.js';
import { serverForTest } from './helpers/server-for-test.js';

const DEPLOYMENTS = ['east', 'west', 'north'] as const;

/** A pool of three deployments (one model name each, so the server tells them apart). */
async function poolClient(script: Record<string, readonly ServerStep[]>, pool: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const { server, track } = await serverForTest({ default: [{ text: 'ok' }], ...script });
  let seed = 0.13;
  const llm = track(
    new ResilientLLM({
      providers: { openai: openai({ apiKey: 'sk-test-affinity', baseURL: server.baseURL('openai') }) },
      models: { main: { deployments: DEPLOYMENTS.map((model) => ({ provider: 'openai', model })), ...pool }, ...(extra.models as object) },
      // A spread of random numbers, so weighted-random would move between deployments.
      random: () => (seed = (seed * 9301 + 0.49297) % 1),
      retry: { maxRetries: 0 },
      ...(extra.options as object),
    } as ConstructorParameters<typeof ResilientLLM>[0]),
  );
  return { server, llm };
}

function conversation(turns: number, system = 'You are the catalogue assistant. <long stable prompt>'): Message[] {
  const messages: Message[] = [{ role: 'system', content: system }];
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: 'user', content: `question ${turn}` });
    if (turn < turns - 1) messages.push({ role: 'assistant', content: `answer ${turn}` });
  }
  return messages;
}

describe("pools with affinity: 'prompt-prefix'", () => {
  it('keeps every turn of a conversation on the deployment that served its first turn', async () => {
    const { server, llm } = await poolClient({}, { affinity: 'prompt-prefix' });
    for (let turns = 1; turns <= 8; turns++) await llm.chat({ model: 'main', messages: conversation(turns) });
    expect(new Set(server.requests.map((request) => request.model)).size).toBe(1);
  });

  it('spreads the same turns over the pool without affinity (the control)', async () => {
    const { server, llm } = await poolClient({}, {});
    for (let turns = 1; turns <= 8; turns++) await llm.chat({ model: 'main', messages: conversation(turns) });
    expect(new Set(server.requests.map((request) => request.model)).size).toBeGreaterThan(1);
  });

  it('moves on when the warm deployment fails, and the conversation then stays on the new one', async () => {
    const { server, llm } = await poolClient({}, { affinity: 'prompt-prefix' }, { options: { fallback: { chain: ['main'] } } });
    await llm.chat({ model: 'main', messages: conversation(1) });
    const warm = server.requests[0]!.model;
    server.setScript({ default: [{ text: 'ok' }], [warm]: [serverError(500)] });
    const moved = await llm.chat({ model: 'main', messages: conversation(2) });
    const served = moved.model;
    expect(served).not.toBe(warm);
    expect(server.requests.at(-2)!.model).toBe(warm);
    for (let turns = 3; turns <= 5; turns++) expect((await llm.chat({ model: 'main', messages: conversation(turns) })).model).toBe(served);
  });

  it('rejects bad affinity options naming the field', async () => {
    const { server } = await serverForTest({});
    const build = (affinity: unknown) =>
      new ResilientLLM({
        providers: { openai: openai({ apiKey: 'sk-test-affinity', baseURL: server.baseURL('openai') }) },
        models: { main: { deployments: [{ provider: 'openai', model: 'east' }], affinity } as never },
      });
    expect(() => build('sticky')).toThrow(/models\.main\.affinity/);
    expect(() => build({ type: 'prompt-prefix', ttlMs: -1 })).toThrow(/models\.main\.affinity\.ttlMs/);
  });
});

describe('maxCostMultiplier counts the cache a fallback would lose', () => {
  // main: $1 input, $0.10 cached, $4 output → blended (3 × 1 + 4) / 4 = 1.75.
  // backup: $1.6 input, $4 output → blended (3 × 1.6 + 4) / 4 = 2.2, within 1.3 × 1.75 = 2.275 when cold.
  // With main's warm prefix covering most of the prompt, main costs far less, and backup is skipped.
  const prices = {
    east: { inputPerMillion: 1, cachedInputPerMillion: 0.1, outputPerMillion: 4 },
    backup: { inputPerMillion: 1.6, outputPerMillion: 4 },
  };

  async function chainClient() {
    const { server, track } = await serverForTest({ east: [{ text: 'warm' }], backup: [{ text: 'from backup' }] });
    const llm = track(
      new ResilientLLM({
        providers: { openai: openai({ apiKey: 'sk-test-affinity', baseURL: server.baseURL('openai') }) },
        models: { main: { deployments: [{ provider: 'openai', model: 'east' }], affinity: 'prompt-prefix' }, backup: { provider: 'openai', model: 'backup' } },
        fallback: { chain: ['main', 'backup'], maxCostMultiplier: 1.3 },
        prices,
        retry: { maxRetries: 0 },
      }),
    );
    return { server, llm };
  }

  const longHistory = (turns: number) => conversation(turns, `Stable catalogue. ${'entry '.repeat(2_000)}`);

  it('falls back when the primary has no warm cache for the conversation', async () => {
    const { server, llm } = await chainClient();
    server.setScript({ east: [serverError(500)], backup: [{ text: 'from backup' }] });
    expect((await llm.chat({ model: 'main', messages: longHistory(3) })).text).toBe('from backup');
  });

  it('skips a fallback that is within the multiplier cold but not against the warm primary', async () => {
    const { server, llm } = await chainClient();
    await llm.chat({ model: 'main', messages: longHistory(2) });
    server.setScript({ east: [serverError(500)], backup: [{ text: 'from backup' }] });
    await expect(llm.chat({ model: 'main', messages: longHistory(3) })).rejects.toThrow();
    expect(server.requestsFor('backup')).toHaveLength(0);
  });
});
