import { onTestFinished } from 'vitest';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../../src/providers/gemini/gemini-adapter.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import type { ProviderAdapter } from '../../../src/providers/provider.js';
import { createProviderServer, type ProviderServer, type ProviderServerScript, type ServerStep } from '../../../src/testing/index.js';

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

/** One of the three vendor protocols the provider server speaks. */
export type Vendor = 'openai' | 'anthropic' | 'gemini';

/** The vendor's adapter pointed at `server`, with a test key. */
export function adapterFor(vendor: Vendor, server: ProviderServer): ProviderAdapter {
  switch (vendor) {
    case 'openai':
      return openai({ apiKey: 'sk-test-openai-key', baseURL: server.baseURL('openai') });
    case 'anthropic':
      return anthropic({ apiKey: 'sk-ant-test-key', baseURL: server.baseURL('anthropic') });
    case 'gemini':
      return gemini({ apiKey: 'gemini-test-key', baseURL: server.baseURL('gemini') });
  }
}

/**
 * A server scripted with `steps` for `model`, and a client whose alias `main` is that model on
 * `vendor`'s adapter, without retries; both are closed when the test finishes.
 */
export async function vendorClientForTest(vendor: Vendor, model: string, steps: readonly ServerStep[]): Promise<{ server: ProviderServer; llm: ResilientLLM }> {
  const { server, track } = await serverForTest({ [model]: steps });
  const llm = track(new ResilientLLM({ providers: { vendor: adapterFor(vendor, server) }, models: { main: { provider: 'vendor', model } }, retry: { maxRetries: 0 } }));
  return { server, llm };
}
