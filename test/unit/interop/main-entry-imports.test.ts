import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');
// Value imports and re-exports; `import type` / `export type` are erased and load nothing.
const STATEMENT = /^\s*(import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every bare package a file reaches through value imports, following relative imports. */
function packagesReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATEMENT)) {
      const specifier = match[2]!;
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(join(src, entry));
  return packages;
}

describe('optional peers', () => {
  it('the main entry never loads ai or @ai-sdk/* at run time (types only)', () => {
    const packages = [...packagesReachedFrom('index.ts')];
    expect(packages).toContain('eventsource-parser'); // the walk does find real imports
    expect(packages.filter((name) => name === 'ai' || name.startsWith('@ai-sdk/'))).toEqual([]);
  });

  it('llm-resilience/ai-sdk does not load them either: it only duck-types their objects', () => {
    expect([...packagesReachedFrom('ai-sdk.ts')].filter((name) => name === 'ai' || name.startsWith('@ai-sdk/'))).toEqual([]);
  });
});
