/**
 * Micro-benchmark of the per-call option check (`validateCallOptions`): a key loop over a frozen
 * Set plus the checks of the values that are set. Prints ns per call; not part of the test suite.
 * Run: npx tsx scripts/bench-call-options.ts
 */
import { validateCallOptions } from '../src/client/validate-client-options.js';

const cases = {
  'no options ({})': {},
  'tenant + deadlineMs + maxRetries': { tenant: 'acme', deadlineMs: 5_000, maxRetries: 1 },
  'signal + metadata + cache': { signal: new AbortController().signal, metadata: { a: 1 }, cache: 'refresh' as const },
};
const ROUNDS = 2_000_000;
for (const [name, options] of Object.entries(cases)) {
  for (let index = 0; index < 100_000; index++) validateCallOptions(options);
  const start = process.hrtime.bigint();
  for (let index = 0; index < ROUNDS; index++) validateCallOptions(options);
  const nsPerCall = Number(process.hrtime.bigint() - start) / ROUNDS;
  console.log(`${name.padEnd(36)} ${nsPerCall.toFixed(1)} ns per call`);
}
