// One "process" of test/integration/shared-state-processes.test.ts, run as
// `node --import tsx test/integration/helpers/shared-state-worker.ts` from the repo root.
//
// Environment:
//   PROVIDER_URL  the provider server (`createProviderServer`), 127.0.0.1 only
//   STATE_URL     the state server (`startStateServer`), 127.0.0.1 only
//   SCENARIO      `rpm`: CALLS calls in batches of BATCH; batch k starts at `go`'s time + OFFSET_MS + k × PERIOD_MS
//                 `open-circuit`: calls until primary's circuit is open
//                 `follow-circuit`: CALLS calls, primary's circuit state read before the first
//   STORE         `synced` (default) or `memory`: a store of its own, to show what sharing prevents
//   STARTUP_SYNC  `1` (default): `await llm.warmup()` (which pulls the shared state) before the first call
//
// Protocol: prints `ready` once set up, waits for `go <epoch ms>` on stdin (a start time on the
// wall clock every process shares), runs, closes the client and the store, prints one JSON result
// line and exits 0.

import { createInterface } from 'node:readline';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { ClientOptions } from '../../../src/client/client-options.js';
import { ResilientLLMError } from '../../../src/errors/resilient-llm-error.js';
import { MemoryStateStore, type StateStore } from '../../../src/state/state-store.js';
import { SyncedStateStore } from '../../../src/state/synced-state-store.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { httpStateBackend } from './state-server.js';

/** What a worker prints as its last stdout line. */
export type WorkerResult = {
  readonly scenario: string;
  /** Texts of the answered calls, in order. */
  readonly answered: string[];
  /** Error codes of the refused or failed calls, in order. */
  readonly failed: string[];
  /** Primary's circuit state before the first call (`follow-circuit`) or after the last (`open-circuit`). */
  readonly primaryCircuit?: string;
  readonly syncErrors: number;
};

const environment = process.env;
const scenario = environment['SCENARIO'] ?? 'rpm';
const calls = Number(environment['CALLS'] ?? '6');
const batch = Number(environment['BATCH'] ?? '2');
const periodMs = Number(environment['PERIOD_MS'] ?? '300');
const offsetMs = Number(environment['OFFSET_MS'] ?? '0');
const providerURL = required('PROVIDER_URL');
const stateURL = required('STATE_URL');

function required(name: string): string {
  const value = environment[name];
  if (!value?.startsWith('http://127.0.0.1:')) throw new Error(`Expected ${name} to be a http://127.0.0.1 URL, got ${value}.`);
  return value;
}

/** Calls on the `warm` alias before the timed workload of the `rpm` scenario. */
const WARM_UP_CALLS = 5;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let syncErrors = 0;
const store: StateStore & { sync?: () => Promise<void>; close?: () => Promise<void> } =
  environment['STORE'] === 'memory'
    ? new MemoryStateStore()
    : new SyncedStateStore({ backend: httpStateBackend(stateURL), syncIntervalMs: 20, onError: () => (syncErrors += 1) });

const models: ClientOptions['models'] =
  scenario === 'rpm'
    ? {
        main: { deployments: [{ provider: 'openai', model: 'only', id: 'only', rpm: Number(environment['RPM'] ?? '6') }] },
        warm: { provider: 'openai', model: 'warm', id: 'warm' },
      }
    : {
        main: {
          strategy: 'round-robin',
          deployments: [
            { provider: 'openai', model: 'primary', id: 'primary' },
            { provider: 'openai', model: 'spare', id: 'spare' },
          ],
        },
      };

const llm = new ResilientLLM({
  providers: { openai: openai({ apiKey: 'sk-test-processes', baseURL: `${providerURL}/v1` }) },
  models,
  retry: { maxRetries: 0 },
  breaker: { consecutiveFailures: 2, openMs: 60_000 },
  stateStore: store,
});

const primaryCircuit = (): string | undefined => llm.health().find((deployment) => deployment.id === 'primary')?.circuit.state;

async function ask(answered: string[], failed: string[]): Promise<void> {
  try {
    answered.push((await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Say something short.' }] })).text);
  } catch (error) {
    if (!(error instanceof ResilientLLMError)) throw error;
    failed.push(error.code);
  }
}

async function run(startAt: number): Promise<WorkerResult> {
  const answered: string[] = [];
  const failed: string[] = [];
  if (scenario === 'rpm') {
    for (let sent = 0, round = 0; sent < calls; sent += batch, round++) {
      await delay(startAt + offsetMs + round * periodMs - Date.now()); // the store syncs on its timer meanwhile
      for (let index = sent; index < Math.min(calls, sent + batch); index++) await ask(answered, failed);
    }
    return { scenario, answered, failed, syncErrors };
  }
  if (scenario === 'open-circuit') {
    for (let call = 0; call < 10 && primaryCircuit() !== 'open'; call++) await ask(answered, failed);
    await store.sync?.(); // everyone else can see the open circuit from now on
    return { scenario, answered, failed, primaryCircuit: primaryCircuit() ?? 'missing', syncErrors };
  }
  const before = primaryCircuit() ?? 'missing';
  for (let call = 0; call < calls; call++) await ask(answered, failed);
  return { scenario, answered, failed, primaryCircuit: before, syncErrors };
}

async function main(): Promise<void> {
  if (scenario === 'rpm') {
    // A fresh process's first calls take tens of milliseconds (connection, compilation): warm up on
    // an unlimited deployment so the timed batches below take what a running service's calls take.
    await llm.warmup();
    for (let call = 0; call < WARM_UP_CALLS; call++) await llm.chat({ model: 'warm', messages: [{ role: 'user', content: 'Warm up.' }] });
  }
  if (environment['STARTUP_SYNC'] !== '0') {
    // The documented start of a process sharing state: warmup() reads every deployment's state and pulls it.
    await llm.warmup();
  }
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  let startAt = Number.NaN;
  for await (const line of lines) {
    const [word, time] = line.trim().split(' ');
    if (word !== 'go') continue;
    startAt = Number(time ?? Date.now());
    break;
  }
  lines.close();
  const result = await run(startAt);
  await llm.close();
  await store.close?.();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
