import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { ResilientLLM } from '../../src/client/resilient-llm.js';
import type { ProviderAdapter } from '../../src/providers/provider.js';
import { anthropic } from '../../src/providers/anthropic/anthropic-adapter.js';
import { gemini } from '../../src/providers/gemini/gemini-adapter.js';
import { createProviderServer } from '../../src/testing/index.js';

/** Each vendor SDK's convention (origin without the version) and the versioned form both reach the right path. */
async function pathFor(makeAdapter: (url: string) => ProviderAdapter, model: string, isStream = false): Promise<string> {
  const server = await createProviderServer({ script: { default: [{ text: 'ok' }] } });
  onTestFinished(() => server.close());
  const llm = new ResilientLLM({ providers: { vendor: makeAdapter(server.url) }, models: { main: { provider: 'vendor', model } } });
  onTestFinished(() => llm.close());
  if (isStream) await llm.stream({ model: 'main', messages: [{ role: 'user', content: 'hi' }] }).response;
  else await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'hi' }] });
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!.path;
}

const saved = process.env['ANTHROPIC_BASE_URL'];
afterEach(() => {
  if (saved === undefined) delete process.env['ANTHROPIC_BASE_URL'];
  else process.env['ANTHROPIC_BASE_URL'] = saved;
});

describe('Anthropic baseURL: the origin without /v1, as in Anthropic\'s SDK', () => {
  it.each([
    ['the origin', (url: string) => url],
    ['the origin with a trailing slash', (url: string) => `${url}/`],
    ['the versioned form …/v1 (still accepted)', (url: string) => `${url}/v1`],
    ['the versioned form with a trailing slash', (url: string) => `${url}/v1/`],
  ])('%s reaches /v1/messages', async (_name, form) => {
    expect(await pathFor((url) => anthropic({ apiKey: 'sk-ant-base-url-test', baseURL: form(url) }), 'claude-haiku-4-5')).toBe('/v1/messages');
  });

  it('a gateway prefix gets /v1/messages appended', async () => {
    expect(await pathFor((url) => anthropic({ apiKey: 'sk-ant-base-url-test', baseURL: `${url}/gateway/anthropic` }), 'claude-haiku-4-5')).toBe(
      '/gateway/anthropic/v1/messages',
    );
  });

  it('reads ANTHROPIC_BASE_URL in the same convention', async () => {
    const path = await pathFor((url) => {
      process.env['ANTHROPIC_BASE_URL'] = url;
      return anthropic({ apiKey: 'sk-ant-base-url-test' });
    }, 'claude-haiku-4-5');
    expect(path).toBe('/v1/messages');
  });
});

describe('Gemini baseURL: the origin without /v1beta, as in Google\'s Gen AI SDK', () => {
  it.each([
    ['the origin', (url: string) => url],
    ['the versioned form …/v1beta (still accepted)', (url: string) => `${url}/v1beta`],
    ['the versioned form with a trailing slash', (url: string) => `${url}/v1beta/`],
  ])('%s reaches /v1beta/models/…:generateContent', async (_name, form) => {
    expect(await pathFor((url) => gemini({ apiKey: 'gemini-base-url-test', baseURL: form(url) }), 'gemini-2.5-flash')).toBe(
      '/v1beta/models/gemini-2.5-flash:generateContent',
    );
  });

  it('streams to /v1beta/models/…:streamGenerateContent?alt=sse from the origin', async () => {
    expect(await pathFor((url) => gemini({ apiKey: 'gemini-base-url-test', baseURL: url }), 'gemini-2.5-flash', true)).toBe(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
  });

  it('keeps another version named in the URL (…/v1)', async () => {
    expect(await pathFor((url) => gemini({ apiKey: 'gemini-base-url-test', baseURL: `${url}/v1` }), 'gemini-2.5-flash')).toBe(
      '/v1/models/gemini-2.5-flash:generateContent',
    );
  });
});
