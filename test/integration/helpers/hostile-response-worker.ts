// The client half of test/integration/response-limits.test.ts. The test bundles it (esbuild) and
// runs it with plain `node`, so that its peak memory (maxRSS) is its own: not vitest's, and not
// tsx's either (its loader thread alone takes some 50 MB).
//
// Environment: SERVER_URL, a `startHostileServer()` on 127.0.0.1; SCENARIO, `<undici|fetch> <chat|stream>`.
// Makes one call with default limits against a primary that sends 400 MiB and a backup that
// answers; prints one JSON line (`HostileWorkerResult`).

import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import { ResilientLLMError } from '../../../src/errors/resilient-llm-error.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';

/** One call's outcome, as the test reads it. */
export type HostileCallResult = {
  readonly transport: 'undici' | 'fetch';
  readonly call: 'chat' | 'stream';
  readonly text: string;
  readonly servedBy: string;
  /** The primary's attempt errors, in order. */
  readonly errors: readonly { readonly name: string; readonly code: string; readonly message: string; readonly limit?: unknown }[];
  readonly ms: number;
};

/** The worker's output: its one call, and the process's peak resident memory. */
export type HostileWorkerResult = HostileCallResult & { readonly maxRssBytes: number };

const serverURL = process.env.SERVER_URL!;

async function run(transport: 'undici' | 'fetch', call: 'chat' | 'stream'): Promise<HostileCallResult> {
  const llm = new ResilientLLM({
    providers: {
      hostile: openai({ apiKey: 'sk-test-hostile', baseURL: `${serverURL}/hostile/v1` }),
      backup: openai({ apiKey: 'sk-test-backup', baseURL: `${serverURL}/backup/v1` }),
    },
    models: { primary: { provider: 'hostile', model: 'gpt-hostile' }, fallback: { provider: 'backup', model: 'gpt-backup' } },
    fallback: { chain: ['primary', 'fallback'] },
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    ...(transport === 'fetch' ? { fetch: globalThis.fetch } : {}),
  });
  const errors: HostileCallResult['errors'][number][] = [];
  llm.on('attempt-error', ({ error }) => {
    errors.push({ name: error.name, code: error.code, message: error.message, limit: (error as { limit?: unknown }).limit });
  });
  const startedAt = performance.now();
  try {
    const request = { model: 'primary', messages: [{ role: 'user' as const, content: 'hi' }] };
    const response = call === 'chat' ? await llm.chat(request) : await llm.stream(request).response;
    return { transport, call, text: response.text, servedBy: response.alias, errors, ms: Math.round(performance.now() - startedAt) };
  } catch (error) {
    const json = error instanceof ResilientLLMError ? error.toJSON() : String(error);
    throw new Error(`${transport} ${call} failed: ${JSON.stringify(json)}`);
  } finally {
    await llm.close();
  }
}

async function main(): Promise<void> {
  const [transport, call] = (process.env.SCENARIO ?? '').split(' ') as ['undici' | 'fetch', 'chat' | 'stream'];
  const outcome = await run(transport, call);
  const result: HostileWorkerResult = { ...outcome, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
