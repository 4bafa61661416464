import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', redis: 'src/redis.ts', 'ai-sdk': 'src/ai-sdk.ts' },
  format: ['esm', 'cjs'],
  dts: process.env.TSUP_NO_DTS ? false : true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
});
