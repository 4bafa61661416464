import { defineConfig, type Options } from 'tsup';

/**
 * One build per platform. Each subpath export (`package.json` "exports") is one entry here:
 * `<subpath>/index` → `dist/<subpath>/index.{js,cjs,d.ts,d.cts}`. Later Node entries (`ai-sdk`,
 * `telemetry`, `redis`) join `nodeEntries`; their optional peers stay external (tsup never bundles
 * dependencies or peerDependencies) and are imported only from their own entry.
 */
const nodeEntries = { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', redis: 'src/redis.ts', 'ai-sdk': 'src/ai-sdk.ts', telemetry: 'src/telemetry.ts' };
/** Entries for the page: built for the browser, where a Node built-in fails the build. */
const browserEntries = { 'browser/index': 'src/browser/index.ts' };

const shared: Options = {
  format: ['esm', 'cjs'],
  // The CommonJS build loads undici with `require` (see undici-transport.ts).
  esbuildOptions(options, context) {
    options.define = { ...options.define, __RLLM_CJS__: context.format === 'cjs' ? 'true' : 'false' };
  },
  dts: process.env.TSUP_NO_DTS ? false : true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
};

export default defineConfig([
  // No `clean`: the two builds run at once and one would delete the other's files (`npm run build` empties dist/ first).
  { ...shared, entry: nodeEntries, clean: false, target: 'node20', platform: 'node' },
  {
    ...shared,
    entry: browserEntries,
    clean: false,
    target: 'es2022',
    platform: 'browser',
    tsconfig: 'tsconfig.browser.json',
    // Bundled into the browser build, so the page needs no import map for it.
    noExternal: ['eventsource-parser'],
  },
]);
