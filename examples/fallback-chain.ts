/**
 * A fallback chain across three vendors. The local server plays an outage: OpenAI is overloaded
 * (503), Anthropic is rate-limited with a Retry-After of two minutes, Gemini is healthy. The call
 * retries OpenAI with backoff, leaves Anthropic at once (two minutes is longer than the call should
 * wait), and is answered by Gemini. `response.attempts` tells the whole story.
 *
 * Also shown: a chain is checked when the client is built, so a typo, or a fallback with a smaller
 * context window than the model before it, fails at start-up rather than during an outage.
 *
 * Run it: `node --import tsx examples/fallback-chain.ts`.
 */
import { pathToFileURL } from 'node:url';
import { anthropic, FallbackPolicy, gemini, openai, ResilientLLM } from '../src/index.js';
import type { Attempt } from '../src/index.js';
import { createProviderServer, overloaded, rateLimit } from '../src/testing/index.js';

export type FallbackChainResult = {
  readonly text: string;
  /** The alias that answered. */
  readonly alias: string;
  readonly attempts: readonly Pick<Attempt, 'alias' | 'provider' | 'outcome' | 'errorCode' | 'status'>[];
  /** What the server saw, per model. */
  readonly requests: Readonly<Record<string, number>>;
  /** The error a misspelt chain gets when the client is built. */
  readonly configError: string;
};

export async function main(print: (line: string) => void = console.log): Promise<FallbackChainResult> {
  const server = await createProviderServer({
    script: {
      'gpt-4o-mini': [overloaded()],
      'claude-haiku-4-5': [rateLimit({ retryAfterSeconds: 120 })],
      'gemini-2.5-flash': [{ text: 'Answered by the third vendor in the chain.' }],
    },
  });
  const providers = {
    google: gemini({ apiKey: 'gemini-local-test', baseURL: server.baseURL('gemini') }),
    claude: anthropic({ apiKey: 'sk-ant-local-test', baseURL: server.baseURL('anthropic') }),
    openai: openai({ apiKey: 'sk-local-test', baseURL: server.baseURL('openai') }),
  };
  // Context windows grow along the chain (128k → 200k → 1M): the client checks that when it is built.
  const models = {
    mini: { provider: 'openai', model: 'gpt-4o-mini' },
    haiku: { provider: 'claude', model: 'claude-haiku-4-5' },
    flash: { provider: 'google', model: 'gemini-2.5-flash' },
  };
  let llm: ResilientLLM | undefined;
  try {
    llm = new ResilientLLM({
      providers,
      models,
      fallback: new FallbackPolicy({ chain: ['mini', 'haiku', 'flash'], firstTokenTimeoutMs: 5_000 }),
      retry: { maxRetries: 2, baseDelayMs: 50 },
      deadlineMs: 10_000,
    });
    const response = await llm.chat({ model: 'mini', messages: [{ role: 'user', content: 'Who is answering?' }] });
    print(`${response.text} (alias ${response.alias}, ${response.provider}/${response.model})`);
    for (const [index, attempt] of response.attempts.entries()) {
      const failure = attempt.outcome === 'success' ? '' : ` ${attempt.errorCode} (HTTP ${attempt.status})`;
      print(`  attempt ${index + 1}: ${attempt.alias.padEnd(5)} ${attempt.provider.padEnd(6)} ${attempt.outcome}${failure}`);
    }

    let configError = '';
    try {
      new ResilientLLM({ providers, models, fallback: { chain: ['mini', 'hiaku'] } });
    } catch (error) {
      configError = error instanceof Error ? error.message : String(error);
      print(`a misspelt chain fails when the client is built: ${configError}`);
    }

    return {
      text: response.text,
      alias: response.alias,
      attempts: response.attempts.map(({ alias, provider, outcome, errorCode, status }) => ({
        alias,
        provider,
        outcome,
        ...(errorCode !== undefined ? { errorCode } : {}),
        ...(status !== undefined ? { status } : {}),
      })),
      requests: Object.fromEntries(Object.values(models).map(({ model }) => [model, server.requestsFor(model).length])),
      configError,
    };
  } finally {
    await llm?.close();
    await server.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.exitCode = 1;
    console.error(error);
  });
}
