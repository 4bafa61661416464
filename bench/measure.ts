/** Timing helpers shared by the benchmarks: latency percentiles, throughput, stream rate, the server. */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export type Latency = { readonly p50: number; readonly p99: number; readonly cpuUs: number };

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** p50 and p99 of one call at a time (µs), and the process's CPU time per call (µs). */
export async function latency(run: () => Promise<unknown>, count: number, warmup = 300): Promise<Latency> {
  for (let index = 0; index < warmup; index++) await run();
  const samples = new Array<number>(count);
  const cpuStart = process.cpuUsage();
  for (let index = 0; index < count; index++) {
    const start = process.hrtime.bigint();
    await run();
    samples[index] = Number(process.hrtime.bigint() - start) / 1000;
  }
  const cpu = process.cpuUsage(cpuStart);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), cpuUs: (cpu.user + cpu.system) / count };
}

/** Calls per second with `concurrency` calls in flight, `total` calls in all. */
export async function throughput(run: () => Promise<unknown>, total: number, concurrency: number): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await run();
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Text chunks per second read from `total` streams, `concurrency` at a time. */
export async function chunkRate(run: () => Promise<number>, total: number, concurrency: number): Promise<number> {
  let started = 0;
  let chunks = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      chunks += await run();
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return chunks / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Starts `bench/loopback-server.ts` in its own process; `env` sets its stream shape. */
export async function startServer(env: Record<string, string> = {}): Promise<{ origin: string; child: ChildProcess; stop(): void }> {
  const child = fork(fileURLToPath(new URL('./loopback-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const [data] = (await once(child.stdout!, 'data')) as [Buffer];
  return { origin: `http://127.0.0.1:${data.toString().trim()}`, child, stop: () => child.send('stop') };
}
