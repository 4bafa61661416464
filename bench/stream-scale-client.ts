/**
 * One client of the stream-scale bench, alone in its process: opens `BENCH_SCALE_STREAMS` slow
 * streams (over about one second) against the server at argv[3] and reports the RSS they add per
 * stream (peak during the run minus the idle baseline after one warm-up stream) and the event-loop
 * delay p99 while all of them are open. Run with `--expose-gc` so the baseline is taken after a collection.
 * Prints one `RESULT <json>` line.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient, type ClientName } from './clients.js';

const name = process.argv[2] as ClientName;
const origin = process.argv[3]!;
const streams = Number(process.env.BENCH_SCALE_STREAMS ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;

const client = await createClient(name, origin, streams + 16);
await client.stream();
gc?.();
gc?.();
const baselineRss = process.memoryUsage.rss();
const delay = monitorEventLoopDelay({ resolution: 10 });
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);
// Streams open over RAMP_MS (10 every 10 ms, as requests arrive at a server), then the event-loop
// delay is measured while all of them are open and streaming.
const started: Promise<number>[] = [];
const start = performance.now();
await new Promise<void>((resolve) => {
  const opener = setInterval(() => {
    for (let index = 0; index < 10 && started.length < streams; index++) started.push(client.stream());
    if (started.length >= streams) {
      clearInterval(opener);
      resolve();
    }
  }, 10);
});
delay.enable();
const counts = await Promise.all(started);
const elapsedMs = performance.now() - start;
delay.disable();
clearInterval(sampler);
await client.close();
const chunks = counts.reduce((sum, count) => sum + count, 0);
process.stdout.write(
  `RESULT ${JSON.stringify({
    client: name,
    streams,
    chunks,
    elapsedMs,
    rssPerStreamKiB: (peakRss - baselineRss) / 1024 / streams,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    eventLoopDelayMaxMs: delay.max / 1e6,
  })}\n`,
);
