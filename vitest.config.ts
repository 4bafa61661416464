import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Examples and README snippets import the package by name, as users do.
    alias: [
      { find: /^llm-resilience\/ai-sdk$/, replacement: fileURLToPath(new URL('./src/ai-sdk.ts', import.meta.url)) },
      { find: /^llm-resilience\/telemetry$/, replacement: fileURLToPath(new URL('./src/telemetry.ts', import.meta.url)) },
      { find: /^llm-resilience\/redis$/, replacement: fileURLToPath(new URL('./src/redis.ts', import.meta.url)) },
      { find: /^llm-resilience\/browser$/, replacement: fileURLToPath(new URL('./src/browser/index.ts', import.meta.url)) },
      { find: /^llm-resilience\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
      { find: /^llm-resilience$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
