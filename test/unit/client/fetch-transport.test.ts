import { afterEach, describe, expect, it } from 'vitest';
import { ResilientLLM } from '../../../src/client/resilient-llm.js';
import { RateLimitError } from '../../../src/errors/errors.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { startMswReplay } from '../../helpers/msw-replay.js';

const BASE = 'https://api.msw.test/v1';
let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-msw', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('ResilientLLM over the fetch transport (msw)', () => {
  it('answers chat() and stream() through an msw handler, retrying a 429 with Retry-After', async () => {
    let calls = 0;
    const { server, requests } = startMswReplay(BASE, ({ body }) => {
      calls++;
      if (calls === 1) {
        return {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after-ms': '5' },
          chunks: [JSON.stringify({ error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } })],
        };
      }
      if (body.includes('"stream":true')) {
        return {
          chunks: [chunk({ role: 'assistant', content: 'Hello' }), chunk({ content: ' msw' }), chunk({}, 'stop'), 'data: [DONE]\n\n'],
        };
      }
      return {
        headers: { 'content-type': 'application/json' },
        chunks: [JSON.stringify({ id: 'c2', model: 'gpt-msw', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello msw' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })],
      };
    });
    stop = () => server.close();
    const llm = new ResilientLLM({
      providers: { oa: openai({ apiKey: 'sk-msw-test-key-123456', baseURL: BASE }) },
      models: { main: { provider: 'oa', model: 'gpt-msw' } },
      fetch: globalThis.fetch,
    });
    const response = await llm.chat({ model: 'main', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.text).toBe('Hello msw');
    expect(response.attempts.map((attempt) => attempt.errorCode ?? 'ok')).toEqual([new RateLimitError('x').code, 'ok']);
    let streamed = '';
    for await (const text of llm.stream({ model: 'main', messages: [{ role: 'user', content: 'hi' }] }).textStream) streamed += text;
    expect(streamed).toBe('Hello msw');
    expect(requests).toHaveLength(3);
    expect(JSON.parse(requests[2]!.body)).toMatchObject({ model: 'gpt-msw', stream: true, stream_options: { include_usage: true } });
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer sk-msw-test-key-123456');
    await llm.close();
  });
});
