/**
 * Streams at scale: 1,000 concurrent slow streams (one event every 50 ms, 100 text chunks each: 5 s),
 * each client alone in a fresh process against one loopback server in another. Reports RSS per
 * stream and event-loop delay p99 for raw undici, this library and the peers.
 * Run alone: `node --import tsx bench/stream-scale.ts`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CLIENT_NAMES, type ClientName } from './clients.js';
import { startServer } from './measure.js';

export const SCALE_CHUNK_INTERVAL_MS = 50;
export const SCALE_CHUNKS = 100;
/** Targets from issue 20: memory per stream within 2× raw undici's, event-loop delay p99 under 20 ms. */
export const SCALE_TARGETS = { rssRatio: 2, eventLoopDelayP99Ms: 20 } as const;

export type StreamScaleResult = {
  readonly client: ClientName;
  readonly streams: number;
  readonly chunks: number;
  readonly elapsedMs: number;
  readonly rssPerStreamKiB: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
};

const run = promisify(execFile);

/** One fresh process per client, one after the other (never two at once, so none sees another's load). */
export async function runStreamScale(clients: readonly ClientName[] = CLIENT_NAMES, nodePath = process.execPath): Promise<StreamScaleResult[]> {
  const server = await startServer({ BENCH_CHUNKS: String(SCALE_CHUNKS), BENCH_CHUNK_INTERVAL_MS: String(SCALE_CHUNK_INTERVAL_MS) });
  const script = fileURLToPath(new URL('./stream-scale-client.ts', import.meta.url));
  const results: StreamScaleResult[] = [];
  try {
    for (const client of clients) {
      const { stdout } = await run(nodePath, ['--expose-gc', '--import', 'tsx', script, client, server.origin], { maxBuffer: 1 << 20 });
      const line = stdout.split('\n').find((item) => item.startsWith('RESULT '));
      if (!line) throw new Error(`stream-scale client ${client} printed no result:\n${stdout}`);
      results.push(JSON.parse(line.slice('RESULT '.length)) as StreamScaleResult);
    }
  } finally {
    server.stop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const result of await runStreamScale()) console.log(JSON.stringify(result));
}
