/**
 * Cold start: the time to `import` the built package in a fresh process (median of
 * `BENCH_COLD_RUNS`, next to openai-node and the AI SDK), and the bundle an app ships (ESM,
 * minified with esbuild, gzipped) for the whole main entry and for a chat-only import
 * (`import { ResilientLLM, openai }`), with and without the package's own dependencies. undici is
 * loaded by the default transport's first request, not by the import: a second row adds its load.
 * Run alone: `node --import tsx bench/cold-start.ts` (after `npm run build`).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './measure.js';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
/** Issue 20's target for the import of the main entry. */
export const IMPORT_TARGET_MS = 150;
const distEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export type ColdStartResult = {
  readonly importMs: Readonly<Record<string, { median: number; min: number; max: number }>>;
  readonly bundleBytes: Readonly<Record<string, { minified: number; gzipped: number }>>;
};

/** What each timed import loads; specifiers resolve from the repository's node_modules. */
const IMPORTS: Readonly<Record<string, string>> = {
  'llm-resilience': `await import(${JSON.stringify(pathToFileURL(distEntry).href)})`,
  // undici loads with the default transport's first request, not at import: this row is import plus that load.
  'llm-resilience, then undici (its first request)': `await import(${JSON.stringify(pathToFileURL(distEntry).href)}); await import('undici')`,
  'openai-node': `await import('openai')`,
  'AI SDK (ai + @ai-sdk/openai)': `await Promise.all([import('ai'), import('@ai-sdk/openai')])`,
};

async function importMs(code: string, nodePath: string): Promise<number> {
  // performance.now() counts from the process's start: the difference is the import alone.
  const script = `const start = performance.now(); ${code}; process.stdout.write(String(performance.now() - start));`;
  const { stdout } = await run(nodePath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  return Number(stdout);
}

async function bundleSize(contents: string, external: readonly string[]): Promise<{ minified: number; gzipped: number }> {
  const result = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    external: [...external],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzipped: gzipSync(code).byteLength };
}

export async function runColdStart(nodePath = process.execPath): Promise<ColdStartResult> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(IMPORTS).map((name) => [name, []]));
  // Interleaved, so a busy moment on a shared machine hits every package alike.
  for (let index = 0; index < RUNS; index++) {
    for (const [name, code] of Object.entries(IMPORTS)) samples[name]!.push(await importMs(code, nodePath));
  }
  const importTimes = Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, { median: median(values), min: Math.min(...values), max: Math.max(...values) }]),
  );
  const dependencies = ['undici', 'zod', 'lru-cache', 'eventsource-parser'];
  const peers = ['ioredis', 'redis', 'ws', 'ai', '@ai-sdk/provider', '@opentelemetry/api'];
  const entry = JSON.stringify(distEntry);
  const whole = `export * from ${entry};`;
  const chatOnly = `import { ResilientLLM, openai } from ${entry}; export { ResilientLLM, openai };`;
  return {
    importMs: importTimes,
    bundleBytes: {
      'main entry, package code': await bundleSize(whole, [...dependencies, ...peers]),
      'chat-only import, package code': await bundleSize(chatOnly, [...dependencies, ...peers]),
      'main entry, with dependencies': await bundleSize(whole, peers),
      'chat-only import, with dependencies': await bundleSize(chatOnly, peers),
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(JSON.stringify(await runColdStart(), null, 2));
