/**
 * The Node 22 binary the bench also runs under: `BENCH_NODE22` if set, else the `node@22` npm
 * package (as CI uses), installed on first use into a folder under the OS temp directory, outside
 * the repository. Returns undefined (with the reason) when it cannot be had, e.g. offline.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findNode22(): { path?: string; reason?: string } {
  const given = process.env.BENCH_NODE22;
  if (given) return existsSync(given) ? { path: given } : { reason: `BENCH_NODE22=${given} does not exist` };
  if (process.versions.node.startsWith('22.')) return { path: process.execPath };
  const folder = join(tmpdir(), 'llm-resilience-bench-node22');
  const binary = join(folder, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(binary)) return { path: binary };
  try {
    mkdirSync(folder, { recursive: true });
    process.stderr.write(`installing node@22 into ${folder} (once)…\n`);
    execFileSync('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund', '--no-save', 'node@22'], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    return { reason: `npm install node@22 failed: ${(error as Error).message.split('\n')[0]}` };
  }
  return existsSync(binary) ? { path: binary } : { reason: `node@22 installed but ${binary} is missing` };
}

if (process.argv[1]?.endsWith('node22.ts')) console.log(findNode22());
