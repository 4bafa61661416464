import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A private `redis-server` on 127.0.0.1, persistence off. */
export type RedisServer = {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
};

const SKIP_LINE = 'redis tests skipped: redis-server not found; apt-get install redis-server to run them';

/** The `redis-server` binary: $REDIS_SERVER, else the first on PATH, else /usr/bin/redis-server. */
export function findRedisServer(): string | undefined {
  const candidates = [process.env['REDIS_SERVER'], ...(process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'redis-server')), '/usr/bin/redis-server'];
  return candidates.find((path): path is string => path !== undefined && path.length > 0 && existsSync(path));
}

/**
 * Whether the Redis tests can run. Without a server: under CI=true that is a failure (throws);
 * otherwise prints one line per test run (not per file) and returns false.
 */
export function hasRedisServer(): boolean {
  if (findRedisServer() !== undefined) return true;
  if (process.env['CI'] === 'true') throw new Error('redis-server not found and CI=true: install it (apt-get install redis-server)');
  const marker = join(tmpdir(), `rllm-redis-skip-${process.ppid}`);
  if (!existsSync(marker)) {
    writeFileSync(marker, '');
    console.log(SKIP_LINE);
  }
  return false;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function launch(binary: string, port: number): Promise<ChildProcess> {
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts a private `redis-server` on a free loopback port. Stop it with `stop()` (e.g. in `afterAll`). */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server not found');
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(binary, port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child);
      child = undefined;
    },
    async restart() {
      await stopChild(child);
      child = await launch(binary, port);
    },
  };
}
