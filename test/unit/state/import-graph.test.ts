import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every module the file's static imports reach, repository files by path, packages by name. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else seen.add(specifier);
    }
  };
  visit(resolve(root, entry));
  return seen;
}

describe('entry points', () => {
  it('the main entry never reaches ioredis, redis or the Redis adapter', () => {
    const graph = [...staticGraph('src/index.ts')];
    expect(graph.filter((module) => module === 'ioredis' || module === 'redis' || module.includes('/state/redis/'))).toEqual([]);
    expect(graph.some((module) => module.endsWith('/state/quota-claim.ts'))).toBe(true); // the walk does follow the graph
  });

  it('the redis entry imports neither client package statically', () => {
    const graph = [...staticGraph('src/redis.ts')];
    expect(graph.some((module) => module.endsWith('/state/redis/redis-state-store.ts'))).toBe(true);
    expect(graph.filter((module) => module === 'ioredis' || module === 'redis')).toEqual([]);
  });
});
