// One process of test/integration/redis-processes.test.ts, run as
// `node --import tsx test/integration/helpers/redis-worker.ts` from the repo root.
//
// Environment: PROVIDER_URL (127.0.0.1), REDIS_URL (127.0.0.1), PREFIX, SCENARIO, CALLS, TENANT_RPM, DURATION_MS.
//   `rpm`: CALLS calls on a deployment with rpm 60, as fast as they go.
//   `open-circuit`: calls until primary's circuit is open, then syncs.
//   `follow`: waits for a second `go`, then CALLS calls on primary/spare.
//   `tenant`: CALLS calls for tenant `acme` (quota TENANT_RPM per minute).
//   `outage`: calls for DURATION_MS, one every 10 ms, while the test stops and restarts Redis.
// Protocol: prints `ready`, waits for `go` on stdin, runs, prints one JSON line, exits 0.

import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { ClientOptions } from '../../../src/client/client-options.js';
import { ResilientLLMError } from '../../../src/errors/resilient-llm-error.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { redisStateStore } from '../../../src/state/redis/redis-state-store.js';

export type RedisWorkerResult = { readonly answered: number; readonly failed: string[]; readonly storeErrors: number; readonly isAvailable: boolean; readonly primaryCircuit?: string };

const environment = process.env;
const scenario = environment['SCENARIO'] ?? 'rpm';
const calls = Number(environment['CALLS'] ?? '50');

const client = new Redis(environment['REDIS_URL']!, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
client.on('error', () => undefined); // connection errors surface as `state-store-error` events
const store = redisStateStore({ client, prefix: environment['PREFIX']!, syncIntervalMs: 20, timeoutMs: 100 });

const models: ClientOptions['models'] =
  scenario === 'open-circuit' || scenario === 'follow'
    ? {
        main: {
          strategy: 'round-robin',
          deployments: [
            { provider: 'openai', model: 'primary', id: 'primary' },
            { provider: 'openai', model: 'spare', id: 'spare' },
          ],
        },
      }
    : { main: { deployments: [{ provider: 'openai', model: 'only', id: 'only', rpm: scenario === 'rpm' ? 60 : 100_000 }] } };

const llm = new ResilientLLM({
  providers: { openai: openai({ apiKey: 'sk-test-redis-processes', baseURL: `${environment['PROVIDER_URL']!}/v1` }) },
  models,
  retry: { maxRetries: 0 },
  breaker: { consecutiveFailures: 2, openMs: 60_000 },
  budget: { tenants: { acme: { rpm: Number(environment['TENANT_RPM'] ?? '10') } } },
  stateStore: store,
});
let storeErrors = 0;
llm.on('state-store-error', () => (storeErrors += 1));
const primaryCircuit = (): string | undefined => llm.health().find((deployment) => deployment.id === 'primary')?.circuit.state;

async function ask(failed: string[], tenant?: string): Promise<boolean> {
  try {
    await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'Say something short.' }] }, tenant ? { tenant } : {});
    return true;
  } catch (error) {
    if (!(error instanceof ResilientLLMError)) throw error;
    failed.push(error.code);
    return false;
  }
}

const lines = createInterface({ input: process.stdin });
const goes = lines[Symbol.asyncIterator]();
const waitForGo = async (): Promise<void> => {
  for (;;) {
    const next = await goes.next();
    if (next.done || String(next.value).trim() === 'go') return;
  }
};

async function run(): Promise<RedisWorkerResult> {
  const failed: string[] = [];
  let answered = 0;
  if (scenario === 'open-circuit') {
    for (let call = 0; call < 10 && primaryCircuit() !== 'open'; call++) if (await ask(failed)) answered++;
    await store.sync();
    return { answered, failed, storeErrors, isAvailable: store.isAvailable, primaryCircuit: primaryCircuit() ?? 'missing' };
  }
  if (scenario === 'follow') {
    process.stdout.write('waiting\n');
    await waitForGo();
    await store.sync();
    const before = primaryCircuit() ?? 'missing';
    for (let call = 0; call < calls; call++) if (await ask(failed)) answered++;
    return { answered, failed, storeErrors, isAvailable: store.isAvailable, primaryCircuit: before };
  }
  if (scenario === 'outage') {
    const endAt = Date.now() + Number(environment['DURATION_MS'] ?? '3000');
    while (Date.now() < endAt) {
      if (await ask(failed)) answered++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    await store.sync();
    return { answered, failed, storeErrors, isAvailable: store.isAvailable };
  }
  for (let call = 0; call < calls; call++) if (await ask(failed, scenario === 'tenant' ? 'acme' : undefined)) answered++;
  return { answered, failed, storeErrors, isAvailable: store.isAvailable };
}

async function main(): Promise<void> {
  await llm.warmup();
  process.stdout.write('ready\n');
  await waitForGo();
  const result = await run();
  lines.close();
  await llm.close();
  await store.close();
  client.disconnect();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
