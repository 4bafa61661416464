import { getEventListeners, setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ClientOptions, DeploymentConfig } from '../../src/client/client-options.js';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import type { EventHub } from '../../src/events/events.js';
import { anthropic } from '../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../src/providers/gemini/gemini-adapter.js';
import { openai } from '../../src/providers/openai/openai-adapter.js';
import {
  createProviderServer,
  cutMidStream,
  inBandError,
  malformedChunk,
  missingTerminator,
  neverAnswer,
  overloaded,
  rateLimit,
  resetBeforeHeaders,
  serverError,
  slowFirstToken,
  stall,
  type ProviderServer,
  type ReplyStep,
  type ServerStep,
} from '../../src/testing/index.js';
import { seededRandom } from '../helpers/replay-server.js';
import { drain } from './helpers/fault-harness.js';
import { activeResources, settledHeapUsed, settles } from './helpers/resource-probe.js';

// Thousands of calls, a fifth of them hitting a fault the library must recover from, through the
// default undici transport against a real 127.0.0.1 server speaking all three protocols. Every
// answer must be the scripted one, and nothing may be left behind: no socket, timer, listener or
// retained memory.

const CALLS = 3_000;
const CONCURRENCY = 32;
const FAULT_RATE = 0.2;

const DEPLOYMENTS = [
  { provider: 'openai', model: 'soak-gpt', text: 'OpenAI soak answer: every call gets its own reply.' },
  { provider: 'anthropic', model: 'soak-claude', text: 'Anthropic soak answer: nothing is lost in transit.' },
  { provider: 'gemini', model: 'soak-gemini', text: 'Gemini soak answer: the stream ended properly.' },
] as const;
const TEXT_BY_MODEL = new Map<string, string>(DEPLOYMENTS.map((deployment) => [deployment.model, deployment.text]));

/** Faults a resilient call must get through: each one is retried, failed over or restarted. */
const RECOVERABLE_FAULTS: readonly ((reply: ReplyStep) => ServerStep)[] = [
  () => rateLimit(),
  () => rateLimit({ retryAfterMs: 30 }),
  () => serverError(500),
  () => overloaded(),
  () => resetBeforeHeaders(),
  () => neverAnswer(),
  (reply) => slowFirstToken(10_000, reply),
  (reply) => cutMidStream({ afterChunks: 1, reply }),
  (reply) => stall({ afterChunks: 1, reply }),
  (reply) => malformedChunk({ afterChunks: 1, reply }),
  (reply) => missingTerminator({ reply }),
  (reply) => inBandError({ afterChunks: 1, type: 'overloaded', reply }),
  () => inBandError({ afterChunks: 0, type: 'rate_limit' }),
];

/** A seeded script per model: about one step in five is a fault, and the last step (which repeats) is healthy. */
function soakScript(seed: number, length: number): Record<string, ServerStep[]> {
  const random = seededRandom(seed);
  const script: Record<string, ServerStep[]> = {};
  for (const deployment of DEPLOYMENTS) {
    const reply: ReplyStep = { text: deployment.text };
    const steps: ServerStep[] = [];
    for (let index = 0; index < length; index++) {
      steps.push(random() < FAULT_RATE ? RECOVERABLE_FAULTS[Math.floor(random() * RECOVERABLE_FAULTS.length)]!(reply) : reply);
    }
    steps.push(reply);
    script[deployment.model] = steps;
  }
  return script;
}

/** Three aliases in a chain, each a pool of the three deployments (one per protocol). */
function soakClient(server: ProviderServer, extra: Partial<ClientOptions> = {}): ResilientLLM {
  const pool = (): DeploymentConfig[] => DEPLOYMENTS.map(({ provider, model }) => ({ provider, model }));
  return new ResilientLLM({
    providers: {
      openai: openai({ apiKey: 'sk-soak', baseURL: server.baseURL('openai') }),
      anthropic: anthropic({ apiKey: 'sk-ant-soak', baseURL: server.baseURL('anthropic') }),
      gemini: gemini({ apiKey: 'gemini-soak', baseURL: server.baseURL('gemini') }),
    },
    models: {
      first: { deployments: pool(), strategy: 'round-robin' },
      second: { deployments: pool(), strategy: 'round-robin' },
      third: { deployments: pool(), strategy: 'round-robin' },
    },
    // With 32 calls in flight on two busy cores, a healthy answer can take several hundred ms:
    // the watchdogs sit well above that, so that only the scripted faults trip them.
    fallback: { chain: ['first', 'second', 'third'], attemptTimeoutMs: 1_500, firstTokenTimeoutMs: 1_500, idleTimeoutMs: 1_000 },
    retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 },
    breaker: { consecutiveFailures: 5, openMs: 100 },
    random: seededRandom(11),
    ...extra,
  });
}

/** `answered` counts correct answers only; `wrong` describes every other outcome. */
type SoakTally = { answered: number; wrong: string[]; streamed: number; resets: number };

/** Runs `count` calls, `concurrency` at a time, alternating chat() and stream(), checking every answer. */
async function runCalls(llm: ResilientLLM, count: number, concurrency: number, signal: AbortSignal): Promise<SoakTally> {
  const tally: SoakTally = { answered: 0, wrong: [], streamed: 0, resets: 0 };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const messages = [{ role: 'user' as const, content: `Soak question number ${index}.` }];
      try {
        if (index % 2 === 0) {
          const response = await llm.chat({ model: 'first', messages }, { signal });
          if (response.text === TEXT_BY_MODEL.get(response.model)) tally.answered++;
          else tally.wrong.push(`#${index} chat: ${JSON.stringify(response.text)} from ${response.model}`);
        } else {
          const outcome = await drain(llm.stream({ model: 'first', messages }, { signal }));
          tally.streamed++;
          tally.resets += outcome.parts.filter((part) => part.type === 'reset').length;
          const response = outcome.response;
          const expected = response ? TEXT_BY_MODEL.get(response.model) : undefined;
          if (response && response.text === expected && outcome.visibleText === expected && outcome.parts.at(-1)?.type === 'finish') tally.answered++;
          else tally.wrong.push(`#${index} stream: ${JSON.stringify(outcome.visibleText)} (${String(outcome.error)})`);
        }
      } catch (error) {
        tally.wrong.push(`#${index}: ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tally;
}

function count(resources: Record<string, number>, kind: string): number {
  return resources[kind] ?? 0;
}

describe('soak', () => {
  it(`answers ${CALLS} calls correctly through a ${FAULT_RATE * 100} % fault mix and leaves no socket, timer, listener or memory behind`, async () => {
    // Warm up every code path (and the JIT) so lazily created state is part of the baseline.
    const warmServer = await createProviderServer({ script: soakScript(1, 100) });
    const warmClient = soakClient(warmServer);
    const warmTally = await runCalls(warmClient, 600, CONCURRENCY, new AbortController().signal);
    expect(warmTally.wrong).toEqual([]);
    await warmClient.close();
    await warmServer.close();
    const baselineResources = activeResources();
    const baselineHeap = await settledHeapUsed();

    let server: ProviderServer | undefined = await createProviderServer({ script: soakScript(2024, 1_500) });
    let llm: ResilientLLM | undefined = soakClient(server);
    // One long-lived signal shared by every call, as a server's shutdown signal would be.
    const controller = new AbortController();
    setMaxListeners(CONCURRENCY * 2, controller.signal);
    const seen = { attemptErrors: 0, fallbacks: 0, circuitChanges: 0 };
    const unsubscribe = [
      llm.on('attempt-error', () => seen.attemptErrors++),
      llm.on('fallback', () => seen.fallbacks++),
      llm.on('circuit-state', () => seen.circuitChanges++),
    ];

    const startedAt = performance.now();
    const tally = await runCalls(llm, CALLS, CONCURRENCY, controller.signal);
    const elapsedMs = performance.now() - startedAt;

    // Every call answered, with exactly the scripted text of the deployment that served it.
    expect(tally.wrong).toEqual([]);
    expect(tally.answered).toBe(CALLS);
    // The faults really happened: about a fifth of the first attempts, and some streams restarted.
    const faultSteps = server.requests.filter((request) => request.step !== 'reply').length;
    expect(faultSteps).toBeGreaterThan(CALLS * FAULT_RATE * 0.7);
    expect(seen.attemptErrors).toBeGreaterThanOrEqual(faultSteps * 0.9);
    expect(tally.resets).toBeGreaterThan(0);
    expect(elapsedMs).toBeLessThan(40_000); // about 10 s on two busy cores

    // No listener left: not on the caller's signal, not on the client's event hub.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    for (const stop of unsubscribe) stop();
    expect((llm as unknown as { events: EventHub }).events.listenerCount()).toBe(0);
    // Nothing in flight on any deployment.
    expect(llm.health().every((deployment) => deployment.inFlight === 0)).toBe(true);

    // No socket left: the server sees every connection closed once the client is closed.
    await llm.close();
    expect(await settles(() => server!.openConnections() === 0)).toBe(true);
    await server.close();
    server = undefined;
    llm = undefined;

    // No timer or TCP handle left beyond the baseline.
    const isBackToBaseline = () => {
      const after = activeResources();
      return ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'].every((kind) => count(after, kind) <= count(baselineResources, kind));
    };
    if (!(await settles(isBackToBaseline))) expect({ after: activeResources() }).toEqual({ after: baselineResources });

    // Memory returns to baseline once the client and the server are gone.
    // About 1 MB of one-time growth remains (optimized code, feedback vectors); anything that kept
    // even 1 KB per call would add 3 MB.
    const heapGrowth = (await settledHeapUsed()) - baselineHeap;
    expect(heapGrowth).toBeLessThan(3 * 1024 * 1024);
  }, 60_000);
});
