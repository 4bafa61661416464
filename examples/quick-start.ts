/**
 * Quick start: one client, one alias, one `chat()`, against a local server that speaks the OpenAI
 * protocol. Swap `openai({ … baseURL })` for `openai({ apiKey: process.env.OPENAI_API_KEY })` (or
 * `anthropic(…)`, `gemini(…)`) and the rest of the code stays the same.
 *
 * Run it: `node --import tsx examples/quick-start.ts`. In your app, import from 'llm-resilience'
 * and 'llm-resilience/testing'.
 */
import { pathToFileURL } from 'node:url';
import { openai, ResilientLLM } from '../src/index.js';
import type { Usage } from '../src/index.js';
import { createProviderServer } from '../src/testing/index.js';

export type QuickStartResult = {
  readonly text: string;
  readonly model: string;
  readonly usage: Usage;
  readonly cost: number | undefined;
  /** The JSON body the server received, to show what went over the wire. */
  readonly sentBody: unknown;
};

export async function main(print: (line: string) => void = console.log): Promise<QuickStartResult> {
  // A real HTTP server on 127.0.0.1 with a scripted answer: no key, no network.
  const server = await createProviderServer({ script: { 'gpt-4o-mini': [{ text: 'Hello! I am answering from a local server.' }] } });
  const llm = new ResilientLLM({
    providers: { openai: openai({ apiKey: 'sk-local-test', baseURL: server.baseURL('openai') }) },
    models: { fast: { provider: 'openai', model: 'gpt-4o-mini' } },
  });
  try {
    const answer = await llm.chat({
      model: 'fast',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello.' },
      ],
      temperature: 0.2,
      maxTokens: 100,
    });
    print(answer.text);
    print(`model ${answer.model}, ${answer.usage.inputTokens} tokens in, ${answer.usage.outputTokens} out, cost $${(answer.cost ?? 0).toFixed(6)}`);
    return {
      text: answer.text,
      model: answer.model,
      usage: answer.usage,
      cost: answer.cost,
      sentBody: server.requests[0]?.body,
    };
  } finally {
    await llm.close();
    await server.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.exitCode = 1;
    console.error(error);
  });
}
