import { onTestFinished } from 'vitest';
import type { ResilientLLM } from '../../../src/client/resilient-llm.js';
import { createProviderServer, type ProviderServer, type ProviderServerScript } from '../../../src/testing/index.js';

/**
 * Starts a provider server for the running test. It, and every client passed to `track`, is
 * closed when the test finishes, pass or fail.
 */
export async function serverForTest(script: ProviderServerScript): Promise<{ server: ProviderServer; track(llm: ResilientLLM): ResilientLLM }> {
  const server = await createProviderServer({ script });
  const clients: ResilientLLM[] = [];
  onTestFinished(async () => {
    await Promise.all(clients.map((llm) => llm.close()));
    await server.close();
  });
  return {
    server,
    track(llm) {
      clients.push(llm);
      return llm;
    },
  };
}
