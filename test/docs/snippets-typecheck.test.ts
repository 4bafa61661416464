import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Type-checks every ```ts block of README.md and docs/*.md against the library's types, under the
 * project's strict compiler options, so an example cannot drift from the API it shows.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const work = join(root, '.tmp', 'snippets-tsc', String(process.pid));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('documentation snippets', () => {
  it('type-check under the project settings', async () => {
    const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
    mkdirSync(work, { recursive: true });
    const written: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      const pattern = /^```ts( test)?\n([\s\S]*?)^```$/gm;
      let match: RegExpExecArray | null;
      let index = 0;
      while ((match = pattern.exec(text)) !== null) {
        const name = `${file.replace(/[/.]/g, '_')}_${index++}.${match[1] ? 'ts' : 'mts'}`;
        writeFileSync(join(work, name), `${match[2]!}\nexport {};\n`);
        written.push(name);
      }
    }
    expect(written.length).toBeGreaterThan(10);
    const base = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          ...base.compilerOptions,
          baseUrl: root,
          paths: { 'llm-resilience': ['src/index.ts'], 'llm-resilience/testing': ['src/testing/index.ts'], 'llm-resilience/redis': ['src/redis.ts'], 'llm-resilience/browser': ['src/browser/index.ts'], 'llm-resilience/ai-sdk': ['src/ai-sdk.ts'], 'llm-resilience/telemetry': ['src/telemetry.ts'] },
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: written,
      }),
    );
    const run = promisify(execFile);
    const result = await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', work], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 120_000);
});
