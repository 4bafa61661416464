/**
 * `npm run bench`: this library beside raw undici, openai-node and the AI SDK on the same loopback
 * server, under Node 20 and Node 22 (one fresh process each), then streams at scale, cold start,
 * a chat with 50 tools, and the other benchmarks (deployment pick, cache, streamed structured output). Not part of `npm test`.
 *
 * `node --import tsx bench/run.ts [peers] [scale] [cold] [tools] [others]` runs only those parts
 * (`npm run bench:peers` is `peers`). Counts: BENCH_ROUNDS, BENCH_SEQUENTIAL,
 * BENCH_CONCURRENT_TOTAL, BENCH_STREAMS, BENCH_SCALE_STREAMS, BENCH_COLD_RUNS,
 * BENCH_TOOLS_ITERATIONS; BENCH_NODE22 names a Node 22 binary (else `node@22` is installed once
 * into the OS temp folder).
 */
import { execFile } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { IMPORT_TARGET_MS, runColdStart } from './cold-start.js';
import { findNode22 } from './node22.js';
import { CONCURRENCY, STREAM_CHUNKS, STREAM_CONCURRENCY, type PeerResult, type Spread } from './peer-table.js';
import { runStreamScale, SCALE_CHUNK_INTERVAL_MS, SCALE_CHUNKS, SCALE_TARGETS } from './stream-scale.js';

const run = promisify(execFile);
const PARTS = ['peers', 'scale', 'cold', 'tools', 'others'] as const;
const asked = process.argv.slice(2).filter((part): part is (typeof PARTS)[number] => (PARTS as readonly string[]).includes(part));
const parts = new Set(asked.length > 0 ? asked : PARTS);

const fmt = (value: number, digits = 1) => value.toFixed(digits);
const cell = (spread: Spread, digits: number, suffix = '') =>
  `${fmt(spread.median, digits)}${suffix} [${fmt(spread.min, digits)}–${fmt(spread.max, digits)}]`;
const signed = (spread: Spread) => `${spread.median >= 0 ? '+' : ''}${fmt(spread.median, 0)} [${fmt(spread.min, 0)}–${fmt(spread.max, 0)}]`;

function printMachine(): void {
  const [one, five] = loadavg();
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${fmt(one!, 2)} (1 min) ${fmt(five!, 2)} (5 min)`);
}

async function peerResult(nodePath: string): Promise<PeerResult> {
  const script = fileURLToPath(new URL('./peer-table.ts', import.meta.url));
  const { stdout } = await run(nodePath, ['--import', 'tsx', script], { maxBuffer: 1 << 22 });
  const line = stdout.split('\n').find((item) => item.startsWith('RESULT '));
  if (!line) throw new Error(`peer table under ${nodePath} printed no result:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as PeerResult;
}

async function runPeers(): Promise<void> {
  const node22 = findNode22();
  const nodes = [process.execPath, ...(node22.path && node22.path !== process.execPath ? [node22.path] : [])];
  if (!node22.path) console.log(`(Node 22 skipped: ${node22.reason})`);
  const results: PeerResult[] = [];
  for (const nodePath of nodes) results.push(await peerResult(nodePath));
  console.log(
    `\nclients on one loopback server (own process), ${results[0]?.rounds ?? 0} interleaved rounds: median [min–max] of the rounds; ratios per round to raw undici\n`,
  );
  console.log(
    `node | client | added p50 (µs) | added p99 (µs) | CPU per call (× raw) | throughput @${CONCURRENCY} in flight (× raw) | ${STREAM_CHUNKS}-chunk stream rate @${STREAM_CONCURRENCY} in flight (× raw)`,
  );
  console.log('--- | --- | --- | --- | --- | --- | ---');
  for (const result of results) {
    for (const row of result.rows) {
      const isRaw = row.client === 'raw undici';
      console.log(
        [
          result.node,
          row.client,
          isRaw ? '0' : signed(row.addedP50),
          isRaw ? '0' : signed(row.addedP99),
          isRaw ? `${fmt(row.cpuUs.median, 0)} µs` : cell(row.cpuRatio, 2, '×'),
          isRaw ? `${fmt(row.throughput.median, 0)} req/s` : cell(row.throughputRatio, 2, '×'),
          isRaw ? `${fmt(row.chunkRate.median, 0)} chunks/s` : cell(row.chunkRateRatio, 2, '×'),
        ].join(' | '),
      );
    }
  }
  console.log('targets for llm-resilience: throughput ≥ 0.9×, stream rate ≥ 0.9×, added p99 ≤ 150 µs');
}

async function runScale(): Promise<void> {
  const results = await runStreamScale();
  const raw = results.find((result) => result.client === 'raw undici');
  console.log(
    `\nstreams at scale: ${results[0]?.streams ?? 0} concurrent streams, one event every ${SCALE_CHUNK_INTERVAL_MS} ms (${SCALE_CHUNKS} chunks), each client in its own process (node ${process.version})\n`,
  );
  console.log('client | RSS per stream (KiB) | × raw undici | event-loop delay p99 (ms) | max (ms) | chunks received');
  console.log('--- | --- | --- | --- | --- | ---');
  for (const result of results) {
    const ratio = raw ? result.rssPerStreamKiB / raw.rssPerStreamKiB : Number.NaN;
    console.log(
      [result.client, fmt(result.rssPerStreamKiB), `${fmt(ratio, 2)}×`, fmt(result.eventLoopDelayP99Ms), fmt(result.eventLoopDelayMaxMs), String(result.chunks)].join(' | '),
    );
  }
  console.log(`targets for llm-resilience: ≤ ${SCALE_TARGETS.rssRatio}× raw undici's RSS per stream, event-loop delay p99 < ${SCALE_TARGETS.eventLoopDelayP99Ms} ms`);
}

async function runCold(): Promise<void> {
  const result = await runColdStart();
  console.log(`\ncold start (node ${process.version}): import in a fresh process, median [min–max]\n`);
  console.log('package | import (ms)');
  console.log('--- | ---');
  for (const [name, spread] of Object.entries(result.importMs)) console.log(`${name} | ${cell(spread, 0)}`);
  console.log(`target for llm-resilience: < ${IMPORT_TARGET_MS} ms\n`);
  console.log('bundle (ESM, esbuild --minify) | minified (KiB) | gzipped (KiB)');
  console.log('--- | --- | ---');
  for (const [name, size] of Object.entries(result.bundleBytes)) console.log(`${name} | ${fmt(size.minified / 1024)} | ${fmt(size.gzipped / 1024)}`);
}

async function runTools(): Promise<void> {
  // The built package, as users get it.
  const [library, testing] = await Promise.all([import('../dist/index.js' as string), import('../dist/testing/index.js' as string)]);
  const { runToolsBench } = await import('./tools-bench.js');
  console.log(`\nchat() with a mock provider (node ${process.version}):`);
  for (const [key, value] of Object.entries(await runToolsBench(library, testing))) console.log(`  ${key}: ${fmt(value)}`);
}

async function runOthers(): Promise<void> {
  for (const [file, name] of [
    ['./pick-bench.ts', 'runPickBench'],
    ['./cache-bench.ts', 'runCacheBench'],
    ['./cache-entry-bench.ts', 'runCacheEntryBench'],
    ['./redis-bench.ts', 'runRedisBench'],
    ['./structured-stream-bench.ts', 'runStructuredStreamBench'],
  ] as const) {
    try {
      const module = (await import(file)) as Record<string, () => Promise<Record<string, number | string>>>;
      const bench = module[name];
      if (!bench) continue;
      console.log(`\n${name}:`);
      for (const [key, value] of Object.entries(await bench())) console.log(`  ${key}: ${typeof value === 'number' ? fmt(value, 3) : value}`);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') continue;
      throw error;
    }
  }
}

printMachine();
if (parts.has('peers')) await runPeers();
if (parts.has('scale')) await runScale();
if (parts.has('cold')) await runCold();
if (parts.has('tools')) await runTools();
if (parts.has('others')) await runOthers();
printMachine();
