import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SPECIFICATION_VERSION } from '../../../src/providers/spec/index.js';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../../src/providers/gemini/gemini-adapter.js';
import { openai, openaiCompatible } from '../../../src/providers/openai/openai-adapter.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const providersDir = join(root, 'src', 'providers');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The repository files `file` imports: static and dynamic imports and re-exports; with
 * `isRuntimeOnly`, only those that load at run time (not `import type`/`export type`).
 */
function importsOf(file: string, isRuntimeOnly: boolean): string[] {
  const source = readFileSync(file, 'utf8');
  const declarations = [...source.matchAll(/^\s*(import|export)\s([^;]*?)from\s+'([^']+)'/gm)]
    .filter((match) => !isRuntimeOnly || !/^type\b/.test(match[2]!))
    .map((match) => match[3]!);
  const specifiers = [
    ...declarations,
    ...[...source.matchAll(/^\s*import\s+'([^']+)'/gm)].map((match) => match[1]!),
    ...[...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((match) => match[1]!),
  ];
  return specifiers.filter((specifier) => specifier.startsWith('.')).map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

/** Every repository file loaded at run time from `entry`, with the import path that first reached it. */
function reachable(entry: string): Map<string, string[]> {
  const paths = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of importsOf(file, true)) {
      if (paths.has(target)) continue;
      paths.set(target, [...paths.get(file)!, target]);
      queue.push(target);
    }
  }
  return paths;
}

const clientDir = join(root, 'src', 'client') + '/';

describe('the adapter contract stands alone', () => {
  const files = sourceFiles(providersDir);

  it('walks every file under src/providers/ (the walk does follow imports)', () => {
    expect(files.length).toBeGreaterThan(20);
    const adapter = join(providersDir, 'openai', 'openai-adapter.ts');
    expect(importsOf(adapter, false).some((file) => file.endsWith('/providers/provider.ts'))).toBe(true);
    expect([...reachable(adapter).keys()].some((file) => file.endsWith('/errors/errors.ts'))).toBe(true);
  });

  it('no file under src/providers/ imports from src/client/, not even a type', () => {
    const violations = files.flatMap((file) => importsOf(file, false).filter((target) => target.startsWith(clientDir)).map((target) => `${relative(root, file)} → ${relative(root, target)}`));
    expect(violations).toEqual([]);
  });

  it('no file under src/providers/ loads src/client/ at run time through other modules', () => {
    const violations: string[] = [];
    for (const file of files) {
      for (const [target, path] of reachable(file)) {
        if (target.startsWith(clientDir)) violations.push(path.map((step) => relative(root, step)).join(' → '));
      }
    }
    expect(violations).toEqual([]);
  });

  it('every built-in adapter states the contract version it implements', () => {
    expect(SPECIFICATION_VERSION).toBe('v1');
    const adapters = [openai({ apiKey: 'k' }), openaiCompatible({ baseURL: 'http://127.0.0.1:1/v1', apiKey: 'k' }), anthropic({ apiKey: 'k' }), gemini({ apiKey: 'k' })];
    for (const adapter of adapters) expect(adapter.specificationVersion).toBe(SPECIFICATION_VERSION);
  });
});
