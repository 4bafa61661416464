import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The package's entries stay in their lanes: the browser entry reaches no Node built-in (nor
 * undici), and the main entry's static import graph reaches no optional peer dependency, which
 * only their own modules may load, lazily.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const optionalPeers = Object.entries(manifest.peerDependenciesMeta)
  .filter(([, meta]) => meta.optional)
  .map(([name]) => name);
const isNodeBuiltin = (path: string) => path.startsWith('node:') || builtinModules.includes(path.split('/')[0]!);
const isOptionalPeer = (path: string) => optionalPeers.some((peer) => path === peer || path.startsWith(`${peer}/`));

/** Bundles `entry` (leaving every package external) and returns what its static imports reach. */
async function staticGraph(entry: { path: string } | { contents: string }): Promise<{ files: string[]; externals: string[] }> {
  const result = await build({
    ...('path' in entry ? { entryPoints: [entry.path] } : { stdin: { contents: entry.contents, resolveDir: root, loader: 'ts' } }),
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
    // As the ESM build defines it (tsup.config.ts): the CommonJS-only `require` branches drop out.
    define: { __RLLM_CJS__: 'false' },
  });
  const inputs: Metafile['inputs'] = result.metafile.inputs;
  const start = 'path' in entry ? Object.keys(inputs).find((key) => resolve(root, key) === resolve(root, entry.path))! : '<stdin>';
  const seen = new Set<string>([start]);
  const externals = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    for (const imported of inputs[queue.pop()!]?.imports ?? []) {
      if (imported.kind === 'dynamic-import') continue;
      if (imported.external) externals.add(imported.path);
      else if (!seen.has(imported.path)) {
        seen.add(imported.path);
        queue.push(imported.path);
      }
    }
  }
  return { files: [...seen], externals: [...externals] };
}

describe('the main entry', () => {
  it('never reaches an optional peer through a static import', async () => {
    for (const entry of ['src/index.ts', 'src/testing/index.ts']) {
      const { files, externals } = await staticGraph({ path: entry });
      expect(files.length).toBeGreaterThan(10);
      expect(externals.filter(isOptionalPeer), entry).toEqual([]);
    }
    expect(optionalPeers).toEqual(expect.arrayContaining(['ws', 'ioredis', 'redis', 'ai', '@opentelemetry/api']));
  });

  it('keeps the telemetry entry free of a static @opentelemetry import (the API loads on first use)', async () => {
    const { files, externals } = await staticGraph({ path: 'src/telemetry.ts' });
    expect(files.some((file) => file.includes('src/telemetry/call-spans.ts'))).toBe(true);
    expect(externals.filter((path) => path.startsWith('@opentelemetry/'))).toEqual([]);
    const main = await staticGraph({ path: 'src/index.ts' });
    expect(main.files.filter((file) => file.includes('src/telemetry'))).toEqual([]);
  });

  it('would be caught importing a peer statically, and not lazily', async () => {
    const eager = await staticGraph({ contents: "import { WebSocket } from 'ws'; export const socket = WebSocket;" });
    expect(eager.externals.filter(isOptionalPeer)).toEqual(['ws']);
    const lazy = await staticGraph({ contents: "export const load = () => import('ws');" });
    expect(lazy.externals.filter(isOptionalPeer)).toEqual([]);
  });
});

describe('cold start', () => {
  it('the main entry reaches undici only through a dynamic import (it loads with the first request)', async () => {
    const { externals } = await staticGraph({ path: 'src/index.ts' });
    expect(externals).toContain('eventsource-parser'); // the walk does see real imports
    expect(externals).not.toContain('undici');
  });

  it('a chat-only import of the one-file main entry leaves out the semantic cache, its vector kernels, the relay and the other vendors', async () => {
    // The entry as tsup ships it: one file, packages external. Inside one file a bundler drops only
    // unused statements it can prove free of side effects, so module-level work must be lazy or pure.
    const entry = await build({ entryPoints: [join(root, 'src/index.ts')], bundle: true, write: false, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
    const shipped = entry.outputFiles[0]!.text;
    const bundle = async (contents: string) =>
      (
        await build({
          stdin: { contents, resolveDir: root, loader: 'js' },
          bundle: true,
          write: false,
          platform: 'node',
          format: 'esm',
          logLevel: 'silent',
          plugins: [
            {
              name: 'shipped-entry',
              setup(builder) {
                builder.onResolve({ filter: /^llm-resilience$/ }, () => ({ path: 'index.js', namespace: 'shipped' }));
                builder.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
                builder.onLoad({ filter: /.*/, namespace: 'shipped' }, () => ({ contents: shipped, loader: 'js' }));
              },
            },
          ],
        })
      ).outputFiles[0]!.text;
    const markers = ['dotInt8Batch', 'please tell explain', 'itself not no never', 'SemanticCache = class', 'HnswIndex = class', 'StreamRelay = class', 'function anthropic(', 'function gemini('];
    const whole = await bundle("export * from 'llm-resilience';");
    expect(markers.filter((marker) => !whole.includes(marker))).toEqual([]); // the markers are real
    const chatOnly = await bundle("import { ResilientLLM, openai } from 'llm-resilience'; export { ResilientLLM, openai };");
    expect(chatOnly).toMatch(/ResilientLLM = class|class ResilientLLM/);
    expect(markers.filter((marker) => chatOnly.includes(marker))).toEqual([]);
  });
});

describe('the browser entry', () => {
  it('bundles for the browser with no Node built-in and no undici in its graph', async () => {
    const result = await build({
      entryPoints: [join(root, 'src/browser/index.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('src/browser/read-stream.ts'))).toBe(true);
    expect(inputs.filter((path) => path.includes('/undici/') || path.includes('src/transport/index.ts'))).toEqual([]);
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((imported) => imported.path));
    expect(imports.filter(isNodeBuiltin)).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from ["']node:|require\(["']node:/);
  });

  it('fails to bundle for the browser once a Node built-in is imported', async () => {
    const attempt = build({
      stdin: { contents: "import { randomUUID } from 'node:crypto'; export const id = randomUUID();", resolveDir: root, loader: 'ts' },
      bundle: true,
      write: false,
      platform: 'browser',
      logLevel: 'silent',
    });
    await expect(attempt).rejects.toThrow(/node:crypto/);
  });

  it('type-checks without Node types (tsconfig.browser.json)', async () => {
    const run = promisify(execFile);
    const output = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.browser.json'], { cwd: root }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(output).toBe('');
  }, 60_000);
});
