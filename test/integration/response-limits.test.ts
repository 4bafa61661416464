import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { HostileWorkerResult } from './helpers/hostile-response-worker.js';
import { HOSTILE_BODY_BYTES, startHostileServer } from './helpers/hostile-server.js';

const WORKER = fileURLToPath(new URL('./helpers/hostile-response-worker.ts', import.meta.url));
const MiB = 1024 * 1024;

/** Bundles the worker (and the library, undici included) into one plain script in a temporary folder. */
async function bundleWorker(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'rllm-limits-'));
  afterAll(() => rm(folder, { recursive: true, force: true }));
  const outfile = join(folder, 'worker.cjs');
  await build({ entryPoints: [WORKER], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  return outfile;
}

/** Runs the bundled worker for one scenario in its own process and returns its result line. */
async function runWorker(script: string, serverURL: string, scenario: string): Promise<HostileWorkerResult> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, SERVER_URL: serverURL, SCENARIO: scenario },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout.trim().split('\n').pop()!) as HostileWorkerResult);
      else reject(new Error(`worker exited with ${code}: ${stdout}${stderr}`));
    });
  });
}

describe('response limits against a 400 MiB answer', () => {
  let script: string;
  beforeAll(async () => {
    script = await bundleWorker();
  }, 60_000);

  it.each([
    ['undici', 'chat', 'maxResponseBytes', '8 MiB'],
    ['undici', 'stream', 'maxEventBytes', '8 MiB'],
    ['fetch', 'chat', 'maxResponseBytes', '8 MiB'],
    ['fetch', 'stream', 'maxEventBytes', '8 MiB'],
  ] as const)('%s %s: peak RSS under 150 MB, the socket closed, a clear error, and the fallback answers', async (transport, call, limit, limitText) => {
    const server = await startHostileServer();
    onTestFinished(() => server.close());

    const result = await runWorker(script, server.url, `${transport} ${call}`);

    console.log(`[response-limits] ${transport} ${call}: peak RSS ${(result.maxRssBytes / MiB).toFixed(1)} MiB in ${result.ms} ms`);
    expect(result.maxRssBytes).toBeLessThan(150 * 1000 * 1000);
    expect(result.text).toBe('backup answer');
    expect(result.servedBy).toBe('fallback');
    // Not retried on the same deployment (retries were allowed): it failed over at once.
    expect(result.errors).toHaveLength(1);
    for (const error of result.errors) {
      expect(error).toMatchObject({ name: 'ResponseTooLargeError', code: 'RLLM_INVALID_RESPONSE', limit });
      expect(error.message).toContain(`\`${limit}\` (${limitText}); the connection was closed`);
    }
    // Each hostile response was cut off by the client long before its end.
    expect(server.replies).toHaveLength(1);
    for (const reply of server.replies) {
      expect(reply.wasClosedByClient).toBe(true);
      expect(reply.bytesSent).toBeLessThan(HOSTILE_BODY_BYTES / 8);
    }
    expect(server.backupRequests()).toBe(1);
  }, 60_000);
});
