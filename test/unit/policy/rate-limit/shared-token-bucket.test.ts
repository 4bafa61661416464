import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DeploymentState } from '../../../../src/policy/pool/deployment-state.js';
import { BUCKET_EPOCH_MS, TokenBucket } from '../../../../src/policy/rate-limit/token-bucket.js';
import { StateScope } from '../../../../src/state/state-scope.js';
import { SyncedStateStore } from '../../../../src/state/synced-state-store.js';
import { MemoryStateBackend } from '../../../../src/testing/index.js';
import { settle, TimerClock } from '../../../helpers/timer-clock.js';

const SYNC_MS = 250;
const MINUTE_MS = 60_000;
const SPENT_KEY = 'd1\u001frpm\u001fspent';

/** One simulated process: its own mirror of the shared backend, on the shared simulated clock. */
function startProcess(backend: MemoryStateBackend, clock: TimerClock, syncIntervalMs = SYNC_MS): SyncedStateStore {
  const store = new SyncedStateStore({ backend, clock, syncIntervalMs });
  onTestFinished(() => store.close());
  return store;
}

function deployment(store: SyncedStateStore, clock: TimerClock, rpm: number): DeploymentState {
  const scope = new StateScope(store, 'deployment\u001fd1\u001f');
  return new DeploymentState({ id: 'd1', alias: 'main', providerName: 'openai', model: 'gpt', clock, scope, rateLimit: { rpm } });
}

/** Sends one request through `state` if it has headroom; true when it was sent. */
function send(state: DeploymentState, clock: TimerClock): boolean {
  if (!state.acquire(clock.now())) return false;
  state.endRequest('success', state.lastPermitGeneration, clock.now());
  return true;
}

describe('a rate-limit bucket shared through SyncedStateStore', () => {
  it('does not lock processes out when a fresh process joins after 600 requests at rpm 60', async () => {
    const backend = new MemoryStateBackend();
    const clock = new TimerClock(1_000);
    const processA = deployment(startProcess(backend, clock), clock, 60);
    for (let request = 0; request < 600; request++) {
      expect(send(processA, clock)).toBe(true);
      await clock.advance(1_000);
    }

    const processB = deployment(startProcess(backend, clock), clock, 60);
    expect(send(processB, clock)).toBe(true);
    await clock.advance(1_000);
    // About 58 of 60 left: the bucket refills one request a second and two were just sent.
    for (const state of [processA, processB]) {
      expect(state.limiter.headroom(clock.now())).toBeGreaterThan(0.95);
      expect(state.waitTimeMs(clock.now())).toBe(0);
    }
    expect(send(processA, clock)).toBe(true);
    expect(send(processB, clock)).toBe(true);
  });

  it('does not lock out a warmed-up process that sends one request after 20 minutes idle while another kept sending', async () => {
    const backend = new MemoryStateBackend();
    const clock = new TimerClock(1_000);
    const storeB = startProcess(backend, clock);
    const processA = deployment(startProcess(backend, clock), clock, 60);
    const processB = deployment(storeB, clock, 60);
    processB.isAvailable(clock.now()); // what warmup() does: read the state, then sync
    await storeB.sync();

    for (let second = 0; second < 20 * 60; second += 2) {
      expect(send(processA, clock)).toBe(true);
      await clock.advance(2_000);
    }
    expect(send(processB, clock)).toBe(true);
    await clock.advance(500);
    expect(send(processA, clock)).toBe(true);
    expect(send(processB, clock)).toBe(true);
    for (const state of [processA, processB]) expect(state.limiter.headroom(clock.now())).toBeGreaterThan(0.9);
  });

  it('keeps both processes at the refill rate when a fresh one joins after 220 requests at rpm 120', async () => {
    const backend = new MemoryStateBackend();
    const clock = new TimerClock(1_000);
    const processA = deployment(startProcess(backend, clock), clock, 120);
    let sent = 0;
    while (sent < 220) {
      if (send(processA, clock)) sent++;
      else await clock.advance(50);
    }
    // 120 at once, then one every 500 ms: 100 more in about 50 s.
    expect(clock.now() - 1_000).toBeLessThan(52_000);

    const processB = deployment(startProcess(backend, clock), clock, 120);
    let lastSentAt = clock.now();
    let longestGapMs = 0;
    for (let turn = 0; sent < 260; turn++) {
      if (send(turn % 2 === 0 ? processA : processB, clock)) {
        sent++;
        longestGapMs = Math.max(longestGapMs, clock.now() - lastSentAt);
        lastSentAt = clock.now();
      }
      await clock.advance(50);
    }
    // Still one request every 500 ms between them: no process is refused for longer than a refill.
    expect(longestGapMs).toBeLessThanOrEqual(1_000);
  });

  /** Processes taking in turn on one shared clock; `takes` are [process, amount, wait before in ms]. */
  async function replay(takes: readonly (readonly [number, number, number])[]): Promise<{ shared: number[]; local: boolean[] }> {
    const capacity = 10;
    const refillPerMs = 20 / MINUTE_MS;
    const backend = new MemoryStateBackend();
    const clock = new TimerClock(1_000);
    const buckets = new Map<number, TokenBucket>();
    const oracle = new TokenBucket(capacity, refillPerMs);
    const shared: number[] = [];
    const local: boolean[] = [];
    for (const [process, amount, waitMs] of takes) {
      await clock.advance(waitMs);
      let bucket = buckets.get(process);
      if (bucket === undefined) {
        bucket = new TokenBucket(capacity, refillPerMs, new StateScope(startProcess(backend, clock), 'd1\u001f'), 'rpm');
        buckets.set(process, bucket);
      }
      shared.push(oracle.available(clock.now()));
      const isTaken = bucket.tryTake(amount, clock.now());
      if (isTaken) oracle.take(amount, clock.now());
      local.push(isTaken);
      await settle();
    }
    return { shared, local };
  }

  it('keeps the waste mark one process placed when another, whose view lacks a slice count, writes a lower one', async () => {
    // Found by the property below (seed 1833008203): the second process's lower mark replaced the
    // first one's, and a third process later took 3 tokens from a shared bucket holding 1.65.
    const { shared, local } = await replay([
      [3, 2, 5_054],
      [2, 3, 1_446],
      [3, 1, 0],
      [2, 2, 0],
      [0, 2, 3_501],
      [0, 3, 0],
    ]);
    expect(shared[5]).toBeLessThan(3);
    expect(local[5]).toBe(false);
  });

  it('places the waste mark from the slice counts it pulls with `spent` on its first sync, though no other process placed it', async () => {
    // Found by the property below (seed 414912): processes that took once never placed the mark,
    // and the first synced take of a new process built on slice counts it had not pulled yet.
    const { shared, local } = await replay([
      [2, 2, 2_291],
      [1, 3, 1_076],
      [1, 1, 0],
      [3, 3, 0],
      [0, 3, 4_633],
      [0, 1, 0],
    ]);
    expect(shared[5]).toBeLessThan(1);
    expect(local[5]).toBe(false);
  });

  it('never refuses what the shared bucket holds, nor overshoots it by more than the documented slack (property)', async () => {
    const capacity = 10;
    const refillPerMs = 20 / MINUTE_MS;
    // The documented slack: what processes take within 1 s + 3 sync intervals of each other, plus
    // that long's refill after a quiet period.
    const windowMs = BUCKET_EPOCH_MS + 3 * SYNC_MS;
    const step = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('take' as const), process: fc.nat(3), amount: fc.integer({ min: 1, max: 3 }) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 1_500 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('idle' as const), ms: fc.integer({ min: 2_000, max: 25 * MINUTE_MS }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), fc.integer({ min: 1, max: 4 }), async (steps, processCount) => {
        const backend = new MemoryStateBackend();
        const clock = new TimerClock(1_000);
        const stores: (SyncedStateStore | undefined)[] = [undefined, undefined, undefined, undefined];
        const buckets: (TokenBucket | undefined)[] = [undefined, undefined, undefined, undefined];
        const oracle = new TokenBucket(capacity, refillPerMs); // every take by anyone, at once
        const taken: { at: number; amount: number; process: number }[] = [];
        try {
          for (const current of steps) {
            if (current.kind === 'wait') {
              await clock.advance(current.ms);
              continue;
            }
            if (current.kind === 'idle') {
              // Every process pushes within a sync interval (the documented assumption), then time
              // jumps: the sync timers fire once, late, as in processes suspended while idle.
              await clock.advance(SYNC_MS);
              await clock.jump(current.ms);
              continue;
            }
            const index = current.process % processCount;
            // A process starts at its first take: it has seen nothing yet.
            let bucket = buckets[index];
            if (bucket === undefined) {
              const store = new SyncedStateStore({ backend, clock, syncIntervalMs: SYNC_MS });
              stores[index] = store;
              bucket = new TokenBucket(capacity, refillPerMs, new StateScope(store, 'd1\u001f'), 'rpm');
              buckets[index] = bucket;
            }
            const now = clock.now();
            const hasSynced = stores[index]!.unsyncedMs(SPENT_KEY) !== undefined;
            const before = oracle.available(now);
            if (bucket.tryTake(current.amount, now)) {
              oracle.take(current.amount, now);
              // What the shared bucket lacked for this take is bounded by what the other processes
              // took too recently to be seen, plus the refill slack. Until its first sync a process
              // assumes a full bucket (documented; `warmup()` spares it).
              if (hasSynced) {
                let othersRecent = 0;
                for (const take of taken) if (take.process !== index && take.at >= now - 2 * windowMs) othersRecent += take.amount;
                expect(current.amount - before).toBeLessThanOrEqual(othersRecent + refillPerMs * windowMs + 1e-9);
              }
              taken.push({ at: now, amount: current.amount, process: index });
            } else {
              expect(oracle.canTake(current.amount, now)).toBe(false);
            }
            await settle();
          }
        } finally {
          await Promise.all(stores.map((store) => store?.close()));
        }
      }),
      // A fixed seed keeps CI reproducible; BUCKET_SEED=<n> explores others (80,000 interleavings
      // over 40 random seeds passed when the two counterexamples above were fixed).
      { numRuns: 2_000, seed: Number(process.env.BUCKET_SEED ?? 20_261_206) },
    );
  }, 60_000);
});
