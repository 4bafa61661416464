import { ResilientLLM } from '../../src/client/resilient-llm.js';
import type { AdmissionOptions } from '../../src/client/admission-options.js';
import { ResilientLLMError } from '../../src/errors/resilient-llm-error.js';
import { mockProvider } from '../../src/testing/mock-provider.js';
import { seededRandom } from '../../src/testing/seeded-random.js';
import { SimulatedVendor, type VendorCounts, type VendorPhase } from './simulated-vendor.js';
import { VirtualClock } from './virtual-clock.js';

export type SimulationOptions = {
  /** Simulated length of each of the four phases. @default 15_000 */
  readonly phaseMs?: number;
  /** Interactive calls per second. @default 4 */
  readonly interactivePerSecond?: number;
  /** Batch calls per second before the spike; 0 for interactive traffic alone. @default 5 */
  readonly batchPerSecond?: number;
  readonly seed?: number;
};

export type PriorityStats = { calls: number; ok: number; shed: number; failed: number; ttftP50: number; ttftP99: number };
export type PhaseStats = { name: string; calls: number; upstreamPerCall: number; interactive: PriorityStats; batch: PriorityStats } & VendorCounts;
export type ArmResult = {
  readonly arm: string;
  /** Successful calls per simulated second. */
  readonly goodput: number;
  readonly upstreamPerCall: number;
  readonly rateLimited: number;
  readonly shed: number;
  /** Interactive calls shed while batch calls were waiting (by construction 0). */
  readonly interactiveShedWhileBatchQueued: number;
  readonly phases: PhaseStats[];
  readonly minLimit: number;
};

type CallRecord = { phase: string; priority: 'interactive' | 'batch'; outcome: 'ok' | 'shed' | 'failed'; ttftMs?: number; code?: string };

const FIRST_TOKEN_MS = 200;
const GENERATION_MS = 800;

/** The four phases: healthy, partial outage (capacity halved, 20 % 503), overload spike, recovery. */
export function phasesOf(phaseMs: number): VendorPhase[] {
  return [
    { name: 'healthy', untilMs: phaseMs, capacity: 16, errorRate: 0, batchLoad: 1 },
    { name: 'partial outage', untilMs: phaseMs * 2, capacity: 8, errorRate: 0.2, batchLoad: 1 },
    { name: 'overload spike', untilMs: phaseMs * 3, capacity: 8, errorRate: 0, batchLoad: 3 },
    { name: 'recovery', untilMs: phaseMs * 4, capacity: 16, errorRate: 0, batchLoad: 1 },
  ];
}

/**
 * Runs one arm: many concurrent callers (Poisson arrivals of interactive and batch streams) against
 * a `SimulatedVendor` through a real `ResilientLLM`, all on a virtual clock.
 */
export async function runArm(arm: 'static' | 'adaptive', options: SimulationOptions = {}): Promise<ArmResult> {
  const phaseMs = options.phaseMs ?? 15_000;
  const interactiveRate = (options.interactivePerSecond ?? 3) / 1000;
  const batchRate = (options.batchPerSecond ?? 5) / 1000;
  const clock = new VirtualClock();
  const random = seededRandom(options.seed ?? 19);
  const vendor = new SimulatedVendor({ phases: phasesOf(phaseMs), clock, random: seededRandom((options.seed ?? 19) + 1), firstTokenMs: FIRST_TOKEN_MS, generationMs: GENERATION_MS });
  const admission: AdmissionOptions =
    arm === 'adaptive' ? { concurrency: { initialLimit: 16, maxLimit: 64 } } : { retryBudget: false };
  const llm = new ResilientLLM({
    providers: { vendor: mockProvider({ respond: vendor.respond }) },
    // Static limits sized for the healthy vendor: 16 at once for about a second each.
    models: { chat: { provider: 'vendor', model: 'sim', rpm: 960 } },
    clock,
    random,
    admission,
  });
  let minLimit = Infinity;
  let interactiveShedWhileBatchQueued = 0;
  llm.on('admission', (event) => {
    minLimit = Math.min(minLimit, event.limit);
    if (event.kind === 'shed' && event.priority >= 2 && event.queuedBelow > 0) interactiveShedWhileBatchQueued++;
    if (process.env.SIM_DEBUG && event.kind === 'shed' && event.priority >= 2) console.error(clock.now(), event);
    if (process.env.SIM_DEBUG && event.kind === 'limit') console.error(clock.now(), event.limit, event.reason);
  });
  const records: CallRecord[] = [];
  const running = new Set<Promise<void>>();
  const end = phaseMs * 4;
  const call = (priority: 'interactive' | 'batch') => {
    const startedAt = clock.now();
    const record: CallRecord = { phase: vendor.phaseAt(startedAt).name, priority, outcome: 'failed' };
    records.push(record);
    const stream = llm.stream(
      { model: 'chat', messages: [{ role: 'user', content: 'Summarize the quarter.' }] },
      { priority, deadlineMs: priority === 'interactive' ? 10_000 : 30_000 },
    );
    const done = (async () => {
      try {
        for await (const part of stream) {
          if (part.type === 'text-delta' && record.ttftMs === undefined) record.ttftMs = clock.now() - startedAt;
        }
        record.outcome = 'ok';
      } catch (error) {
        record.outcome = error instanceof ResilientLLMError && error.code === 'RLLM_SHED' ? 'shed' : 'failed';
        record.code = error instanceof ResilientLLMError ? error.code : String(error);
      }
    })();
    running.add(done);
    void done.then(() => running.delete(done));
  };
  // Arrivals: exponential gaps, batch demand scaled by the phase's load.
  const arrive = (priority: 'interactive' | 'batch') => {
    const now = clock.now();
    if (now >= end) return;
    call(priority);
    const rate = priority === 'interactive' ? interactiveRate : batchRate * vendor.phaseAt(now).batchLoad;
    clock.setTimeout(() => arrive(priority), -Math.log(1 - random()) / rate);
  };
  clock.setTimeout(() => arrive('interactive'), 0);
  if (batchRate > 0) clock.setTimeout(() => arrive('batch'), 0);
  await clock.runUntil(end + 60_000);
  await Promise.all(running);
  await llm.close({ graceMs: 0 });

  const phases = phasesOf(phaseMs).map((phase): PhaseStats => {
    const counts = vendor.counts.get(phase.name)!;
    const calls = records.filter((record) => record.phase === phase.name);
    return {
      name: phase.name,
      calls: calls.length,
      ...counts,
      upstreamPerCall: counts.requests / Math.max(1, calls.length),
      interactive: statsOf(calls.filter((record) => record.priority === 'interactive')),
      batch: statsOf(calls.filter((record) => record.priority === 'batch')),
    };
  });
  if (process.env.SIM_DEBUG) {
    const codes = new Map<string, number>();
    for (const record of records) if (record.code) codes.set(`${record.phase} ${record.code}`, (codes.get(`${record.phase} ${record.code}`) ?? 0) + 1);
    console.error(arm, codes);
  }
  const requests = phases.reduce((sum, phase) => sum + phase.requests, 0);
  return {
    arm,
    goodput: records.filter((record) => record.outcome === 'ok').length / (end / 1000),
    upstreamPerCall: requests / Math.max(1, records.length),
    rateLimited: phases.reduce((sum, phase) => sum + phase.rateLimited, 0),
    shed: records.filter((record) => record.outcome === 'shed').length,
    interactiveShedWhileBatchQueued,
    phases,
    minLimit: Number.isFinite(minLimit) ? minLimit : 0,
  };
}

function statsOf(records: readonly CallRecord[]): PriorityStats {
  const ttfts = records.flatMap((record) => (record.outcome === 'ok' && record.ttftMs !== undefined ? [record.ttftMs] : [])).sort((left, right) => left - right);
  return {
    calls: records.length,
    ok: records.filter((record) => record.outcome === 'ok').length,
    shed: records.filter((record) => record.outcome === 'shed').length,
    failed: records.filter((record) => record.outcome === 'failed').length,
    ttftP50: percentile(ttfts, 0.5),
    ttftP99: percentile(ttfts, 0.99),
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}
