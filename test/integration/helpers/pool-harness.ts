import type { ClientOptions } from '../../../src/client/client-options.js';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import type { Message } from '../../../src/client/types.js';
import type { Clock } from '../../../src/providers/provider.js';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import type { ProviderServer, ProviderServerScript } from '../../../src/testing/index.js';
import { serverForTest } from './server-for-test.js';

/** A provider server for one test, and a factory for clients whose `openai`/`anthropic` adapters point at it. */
export type PoolHarness = {
  readonly server: ProviderServer;
  /** `extraProviders` are added next to the server's `openai` and `anthropic` adapters. */
  client(options: Omit<ClientOptions, 'providers'>, extraProviders?: ClientOptions['providers']): ResilientLLM;
  /** The model names the server saw, in arrival order. */
  modelsSeen(): string[];
};

/** Starts a server for one test; it and every client are closed when the test finishes. */
export async function startPoolHarness(script: ProviderServerScript): Promise<PoolHarness> {
  const { server, track } = await serverForTest(script);
  return {
    server,
    client(options, extraProviders = {}) {
      const llm = new ResilientLLM({
        providers: {
          openai: openai({ apiKey: 'sk-test-pools', baseURL: server.baseURL('openai') }),
          anthropic: anthropic({ apiKey: 'sk-ant-test-pools', baseURL: server.baseURL('anthropic') }),
          ...extraProviders,
        },
        ...options,
      });
      return track(llm);
    },
    modelsSeen: () => server.requests.map((request) => request.model),
  };
}

export const ask = (content = 'Say something short.'): { model: string; messages: Message[] } => ({
  model: 'main',
  messages: [{ role: 'user', content }],
});

/**
 * A clock that runs `scale` times faster than real time, with real timers scaled down to match,
 * so minute-long rate-limit windows pass in a fraction of a second against a real socket.
 * `toClock` converts a server timestamp (`performance.now()`) to this clock's time.
 */
export class FastClock implements Clock {
  readonly scale: number;
  private readonly origin = performance.now();
  private offset = 0;

  constructor(scale: number) {
    this.scale = scale;
  }

  now(): number {
    return (performance.now() - this.origin) * this.scale + this.offset;
  }

  toClock(performanceNow: number): number {
    return (performanceNow - this.origin) * this.scale;
  }

  /** Jumps forward without waiting (timers already set keep their real delay). */
  advance(ms: number): void {
    this.offset += ms;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    return setTimeout(callback, ms / this.scale);
  }

  clearTimeout(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
