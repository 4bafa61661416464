import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProviderServer, type ProviderServer } from '../../src/testing/index.js';

/**
 * Keeps the README and docs true: every ```ts block in README.md and docs/*.md is run, as written,
 * with the vendors' base URLs pointed at a local provider server (the adapters read
 * OPENAI_BASE_URL, ANTHROPIC_BASE_URL and GEMINI_BASE_URL, as the vendor SDKs do).
 *
 * - ```ts blocks run as standalone ES modules (top-level await, isolated scope).
 * - ```ts test blocks are vitest test files (describe/it/expect imported from 'vitest'): each is
 *   written to a temporary `*.test.ts` file and run by a child `vitest run`, which must pass.
 * - Anything else (```text, ```json, …) is illustration and is not run.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// One directory per run, so two runs at once (several engineers share the checkout) do not collide.
const snippetDir = join(root, '.tmp', 'snippets', String(process.pid));
const execFileAsync = promisify(execFile);

type Snippet = { file: string; index: number; line: number; code: string; isTest: boolean };

function extract(file: string): Snippet[] {
  const text = readFileSync(join(root, file), 'utf8');
  const snippets: Snippet[] = [];
  const pattern = /^```ts( test)?\n([\s\S]*?)^```$/gm;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const line = text.slice(0, match.index).split('\n').length;
    snippets.push({ file, index: snippets.length, line, code: match[2]!, isTest: match[1] !== undefined });
  }
  return snippets;
}

/** Runs a ```ts test block with vitest in a child process; rejects with vitest's output when it fails. */
async function runTestSnippet(name: string, code: string): Promise<void> {
  // The child runs with the repo's config (its `llm-resilience` aliases) rooted at the snippet
  // directory, whose `test/` folder matches the config's `test/**/*.test.ts`.
  const path = join(snippetDir, 'test', `${name}.test.ts`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
  const environment = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_ENV'));
  try {
    await execFileAsync(
      process.execPath,
      [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(root, 'vitest.config.ts'), '--root', snippetDir, '--reporter', 'dot', `${name}.test.ts`],
      { cwd: snippetDir, env: { ...environment, NO_COLOR: '1' }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`vitest failed for ${name}.test.ts:\n${stdout}\n${stderr}`);
  }
}

const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const snippets = files.flatMap(extract);

let server: ProviderServer;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = await createProviderServer({
    script: {
      default: [{ text: 'Hello from the local provider.' }],
      // The structured-output examples ask this model for an incident; it answers with one.
      'gpt-4.1-mini': [{ text: '{"title":"Retry storm","severity":"high","tags":["retries","outage"]}' }],
    },
  });
  const environment: Record<string, string> = {
    OPENAI_API_KEY: 'sk-snippet-test-openai-key',
    OPENAI_API_KEY_2: 'sk-snippet-test-openai-key-2',
    ANTHROPIC_API_KEY: 'sk-ant-snippet-test-key',
    GEMINI_API_KEY: 'AIza-snippet-test-key',
    OPENAI_BASE_URL: server.baseURL('openai'),
    ANTHROPIC_BASE_URL: server.url,
    GEMINI_BASE_URL: server.baseURL('gemini'),
  };
  for (const [key, value] of Object.entries(environment)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  rmSync(snippetDir, { recursive: true, force: true });
  mkdirSync(snippetDir, { recursive: true });
});

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await server?.close();
  rmSync(snippetDir, { recursive: true, force: true });
});

describe('documentation snippets', () => {
  it('finds snippets in the README and the docs', () => {
    expect(snippets.filter((snippet) => snippet.file === 'README.md').length).toBeGreaterThanOrEqual(5);
  });

  it.each(snippets.map((snippet) => [`${snippet.file}:${snippet.line}`, snippet] as const))('%s runs', { timeout: 60_000 }, async (_name, snippet) => {
    const name = `${snippet.file.replace(/[/.]/g, '_')}_${snippet.index}`;
    if (snippet.isTest) {
      await runTestSnippet(name, snippet.code);
      return;
    }
    const path = join(snippetDir, `${name}.mts`);
    // `export {}` makes every snippet a module (top-level await, isolated scope).
    writeFileSync(path, `${snippet.code}\nexport {};\n`);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await import(/* @vite-ignore */ path);
    } finally {
      log.mockRestore();
      warn.mockRestore();
      write.mockRestore();
    }
  });
});
