import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createProviderServer, serverError, type ProviderServer, type ProviderServerScript } from '../../src/testing/index.js';
import type { WorkerResult } from './helpers/shared-state-worker.js';
import { startStateServer, type StateServer } from './helpers/state-server.js';

// Real OS processes sharing deployment state: each child runs `ResilientLLM` with a
// `SyncedStateStore` over HTTP to a `MemoryStateBackend` served by this test process (standing in
// for Redis). Every assertion counts what the provider server received.

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./helpers/shared-state-worker.ts', import.meta.url));

type Worker = {
  /** Resolves once the worker is set up (client built, startup sync done). */
  readonly ready: Promise<void>;
  /** Lets the worker start its workload at `startAt` (wall clock, ms), or now. */
  go(startAt?: number): void;
  /** The worker's JSON result; rejects if it exits with another code. */
  readonly result: Promise<WorkerResult>;
};

type Setup = { readonly provider: ProviderServer; readonly state: StateServer; start(environment: Record<string, string>): Worker };

/** A provider server, a state server and a worker launcher; all closed or killed when the test finishes. */
async function setUp(script: ProviderServerScript): Promise<Setup> {
  const provider = await createProviderServer({ script });
  const state = await startStateServer();
  const children: ChildProcess[] = [];
  onTestFinished(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([provider.close(), state.close()]);
  });
  return {
    provider,
    state,
    start(environment) {
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
        cwd: REPO_ROOT, // `--import tsx` resolves from here
        env: { ...process.env, PROVIDER_URL: provider.url, STATE_URL: state.url, ...environment },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.push(child);
      let stdout = '';
      let stderr = '';
      let markReady: () => void = () => undefined;
      const ready = new Promise<void>((resolve) => (markReady = resolve));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.startsWith('ready\n')) markReady();
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const result = new Promise<WorkerResult>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => {
          const lines = stdout.trim().split('\n');
          if (code === 0 && lines.length === 2) resolve(JSON.parse(lines[1]!) as WorkerResult);
          else reject(new Error(`worker exited with ${code}: ${stdout}${stderr}`));
        });
      });
      result.catch(() => undefined); // awaited by the test; a crash before `ready` rejects `ready` too
      return {
        ready: Promise.race([ready, result.then(() => undefined)]),
        go: (startAt = Date.now()) => child.stdin.end(`go ${startAt}\n`),
        result,
      };
    },
  };
}

/**
 * Scenario A. Three processes share `rpm: 6` (a burst of 6, then one request per 10 s: none frees
 * up during the test), each making 6 calls in batches of 2, taking turns on the wall clock they
 * share: process i sends its batches at start + i × TURN_MS, then every PROCESSES × TURN_MS.
 * Per-process limits would let all 18 through.
 *
 * The bound: a take becomes visible to the other processes after the taker's next push and their
 * next pull, about two sync intervals (2 × 20 ms) plus round trips and event-loop lag on a loaded
 * machine. Takes are increments of the bucket's `spent` counter, so none is lost when processes
 * take at the same moment; what can overshoot is what they take before seeing each other: at most
 * one round in which every process's batch collides, RPM + (PROCESSES − 1) × BATCH = 10. Run both
 * in turns (TURN_MS apart) and in lockstep (all at once, every PROCESSES × TURN_MS). With a
 * MemoryStateStore per process all 18 are sent.
 */
const RPM = 6;
const PROCESSES = 3;
const CALLS_PER_PROCESS = 6;
const BATCH = 2;
/** Between two processes' batches. */
const TURN_MS = 120;
/** Lets every worker receive `go` before the first turn starts. */
const START_DELAY_MS = 50;

describe('processes sharing one SyncedStateStore backend', () => {
  it.each([
    ['in turns', TURN_MS],
    ['in lockstep', 0],
  ])('enforce one rpm limit between three processes sending %s, overshooting by at most one round of batches', async (_, turnMs) => {
    const { provider, start } = await setUp({ default: [{ text: 'ok' }] });

    const workers = Array.from({ length: PROCESSES }, (_, index) =>
      start({
        SCENARIO: 'rpm',
        RPM: String(RPM),
        CALLS: String(CALLS_PER_PROCESS),
        BATCH: String(BATCH),
        PERIOD_MS: String(Math.max(PROCESSES * turnMs, TURN_MS)),
        OFFSET_MS: String(index * turnMs),
        STORE: process.env['SHARED_STATE_WORKER_STORE'] ?? 'synced', // `memory`: see the bound below fail
      }),
    );
    await Promise.all(workers.map((worker) => worker.ready));
    const startAt = Date.now() + START_DELAY_MS;
    for (const worker of workers) worker.go(startAt);
    const results = await Promise.all(workers.map((worker) => worker.result));

    const sent = provider.requestsFor('only').length;
    const answered = results.reduce((sum, result) => sum + result.answered.length, 0);
    const refused = results.flatMap((result) => result.failed);
    expect(results.map((result) => result.syncErrors)).toEqual([0, 0, 0]);
    expect(answered).toBe(sent); // every request sent was answered…
    expect(refused).toEqual(Array.from({ length: PROCESSES * CALLS_PER_PROCESS - sent }, () => 'RLLM_ALL_DEPLOYMENTS_FAILED')); // …every other call refused unsent
    expect(sent).toBeGreaterThanOrEqual(RPM);
    // Per-process limits would let all 18 through.
    expect(sent).toBeLessThanOrEqual(RPM + (PROCESSES - 1) * BATCH);
  });

  it('a new process sends nothing to a deployment whose circuit another process opened', async () => {
    const { provider, start } = await setUp({ primary: [serverError(500)], spare: [{ text: 'spare' }] });

    // Round-robin: primary (500), spare, primary (500): two failures in a row open it for 60 s.
    const opener = start({ SCENARIO: 'open-circuit' });
    await opener.ready;
    opener.go();
    const opened = await opener.result;
    expect(opened).toMatchObject({ primaryCircuit: 'open', answered: ['spare', 'spare'], failed: [], syncErrors: 0 });
    expect(provider.requestsFor('primary')).toHaveLength(2);
    const spareBefore = provider.requestsFor('spare').length;

    // Starts only now, as a process deployed after the outage began would. `llm.warmup()` reads every
    // deployment's state and syncs once before its first call. SHARED_STATE_WORKER_STARTUP_SYNC=0
    // skips that: the pull its first reads start is then still out when it sends, and its first
    // call goes to primary.
    const follower = start({ SCENARIO: 'follow-circuit', CALLS: '4', STARTUP_SYNC: process.env['SHARED_STATE_WORKER_STARTUP_SYNC'] ?? '1' });
    await follower.ready;
    follower.go();
    const followed = await follower.result;
    expect(followed).toMatchObject({ primaryCircuit: 'open', answered: ['spare', 'spare', 'spare', 'spare'], failed: [], syncErrors: 0 });
    expect(provider.requestsFor('primary')).toHaveLength(2);
    expect(provider.requestsFor('spare')).toHaveLength(spareBefore + 4);
  });
});
