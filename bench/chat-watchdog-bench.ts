/**
 * What the `chat()` body watchdogs cost: one non-streaming request read with `text()` through the
 * default undici transport, bare and wrapped in `WatchedTransport` (what every `chat()` attempt
 * now does), alternating rounds against the benchmark's loopback server in its own process.
 * Prints CPU time and wall time per call for each. `npm run bench:chat-watchdog`.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { WatchedTransport } from '../src/client/watched-transport.js';
import { AbortToken } from '../src/transport/abort-token.js';
import type { Transport } from '../src/transport/transport.js';
import { UndiciTransport } from '../src/transport/undici-transport.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const body = JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
const headers = { authorization: 'Bearer sk-bench-key-000000', 'content-type': 'application/json', accept: 'application/json' };

const child = fork(fileURLToPath(new URL('./loopback-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const [portData] = (await once(child.stdout!, 'data')) as [Buffer];
const url = `http://127.0.0.1:${portData.toString().trim()}/v1/chat/completions`;
const undici = new UndiciTransport();

async function round(makeTransport: () => Transport): Promise<{ cpuUs: number; wallUs: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let index = 0; index < CALLS; index++) {
    const response = await makeTransport().request({ url, method: 'POST', headers, body, signal: new AbortToken() });
    JSON.parse(await response.text());
  }
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / CALLS, wallUs: Number(process.hrtime.bigint() - start) / 1e3 / CALLS };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const bare: { cpuUs: number; wallUs: number }[] = [];
const watched: { cpuUs: number; wallUs: number }[] = [];
try {
  await round(() => undici); // warm-up
  for (let index = 0; index < ROUNDS; index++) {
    bare.push(await round(() => undici));
    watched.push(await round(() => new WatchedTransport(undici, () => {})));
  }
  const line = (name: string, list: { cpuUs: number; wallUs: number }[]) =>
    `${name.padEnd(24)} cpu ${median(list.map((item) => item.cpuUs)).toFixed(1)} µs/call   wall ${median(list.map((item) => item.wallUs)).toFixed(1)} µs/call`;
  console.log(line('undici text()', bare));
  console.log(line('watched text()', watched));
  console.log(`added: cpu ${(median(watched.map((item) => item.cpuUs)) - median(bare.map((item) => item.cpuUs))).toFixed(1)} µs/call, wall ${(median(watched.map((item) => item.wallUs)) - median(bare.map((item) => item.wallUs))).toFixed(1)} µs/call`);
} finally {
  await undici.close();
  child.kill();
}
