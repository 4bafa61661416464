/**
 * One Node's row set of the peer table, run in its own process (so `bench/run.ts` can run it under
 * Node 20 and Node 22): each client against the same loopback server, rounds interleaved
 * (raw, library, openai-node, AI SDK, then again) so drift on a shared machine hits all alike.
 * Each figure is the median of its rounds with the min and max; ratios are taken per round against
 * the raw undici figure of that same round. Prints one `RESULT <json>` line.
 */
import { pathToFileURL } from 'node:url';
import { CLIENT_NAMES, createClient, type BenchClient, type ClientName } from './clients.js';
import { chunkRate, latency, median, startServer, throughput, type Latency } from './measure.js';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 2000);
const CONCURRENT_TOTAL = Number(process.env.BENCH_CONCURRENT_TOTAL ?? 5000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
export const CONCURRENCY = 32;
export const STREAM_CONCURRENCY = 16;
export const STREAM_CHUNKS = 200;

/** A median with the spread of its rounds. */
export type Spread = { readonly median: number; readonly min: number; readonly max: number };
export type PeerRow = {
  readonly client: ClientName;
  /** Added latency over raw undici (µs), one call in flight. */
  readonly addedP50: Spread;
  readonly addedP99: Spread;
  /** CPU time per call (µs) and its ratio to raw undici's. */
  readonly cpuUs: Spread;
  readonly cpuRatio: Spread;
  /** Calls per second at 32 in flight, and the ratio to raw undici. */
  readonly throughput: Spread;
  readonly throughputRatio: Spread;
  /** Text chunks per second from 200-chunk streams at 16 in flight, and the ratio to raw undici. */
  readonly chunkRate: Spread;
  readonly chunkRateRatio: Spread;
};
export type PeerResult = { readonly node: string; readonly rounds: number; readonly rows: readonly PeerRow[] };

function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export async function runPeerTable(clients: readonly ClientName[] = CLIENT_NAMES): Promise<PeerResult> {
  const server = await startServer({ BENCH_CHUNKS: String(STREAM_CHUNKS) });
  const opened = new Map<ClientName, BenchClient>();
  try {
    for (const name of clients) opened.set(name, await createClient(name, server.origin));
    const samples = new Map(clients.map((name) => [name, { latency: [] as Latency[], throughput: [] as number[], chunks: [] as number[] }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of clients) samples.get(name)!.latency.push(await latency(opened.get(name)!.chat, SEQUENTIAL));
      for (const name of clients) samples.get(name)!.throughput.push(await throughput(opened.get(name)!.chat, CONCURRENT_TOTAL, CONCURRENCY));
      for (const name of clients) samples.get(name)!.chunks.push(await chunkRate(opened.get(name)!.stream, STREAMS, STREAM_CONCURRENCY));
    }
    const raw = samples.get('raw undici')!;
    const perRound = (values: readonly number[], base: readonly number[], combine: (value: number, base: number) => number) =>
      spread(values.map((value, round) => combine(value, base[round]!)));
    const rows = clients.map((client): PeerRow => {
      const own = samples.get(client)!;
      return {
        client,
        addedP50: perRound(own.latency.map((item) => item.p50), raw.latency.map((item) => item.p50), (value, base) => value - base),
        addedP99: perRound(own.latency.map((item) => item.p99), raw.latency.map((item) => item.p99), (value, base) => value - base),
        cpuUs: spread(own.latency.map((item) => item.cpuUs)),
        cpuRatio: perRound(own.latency.map((item) => item.cpuUs), raw.latency.map((item) => item.cpuUs), (value, base) => value / base),
        throughput: spread(own.throughput),
        throughputRatio: perRound(own.throughput, raw.throughput, (value, base) => value / base),
        chunkRate: spread(own.chunks),
        chunkRateRatio: perRound(own.chunks, raw.chunks, (value, base) => value / base),
      };
    });
    return { node: process.version, rounds: ROUNDS, rows };
  } finally {
    for (const client of opened.values()) await client.close();
    server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const only = process.env.BENCH_CLIENTS?.split(',').map((name) => name.trim()) as ClientName[] | undefined;
  const result = await runPeerTable(only && only.length > 0 ? CLIENT_NAMES.filter((name) => name === 'raw undici' || only.includes(name)) : CLIENT_NAMES);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}
