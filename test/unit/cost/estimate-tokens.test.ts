import { describe, expect, it } from 'vitest';
import type { NormalizedChatRequest as ChatRequest } from '../../../src/client/types.js';
import { estimateTextTokens, estimateTokens } from '../../../src/cost/estimate-tokens.js';

/** Token counts from OpenAI's o200k_base tokenizer (gpt-tokenizer 4.0.0), measured once. */
const KNOWN_COUNTS: readonly { readonly text: string; readonly tokens: number }[] = [
  { text: 'Hello, world!', tokens: 4 },
  { text: 'What is the capital of France?', tokens: 7 },
  {
    text: 'The quick brown fox jumps over the lazy dog. Resilience in distributed systems means that a single failing dependency does not take the whole service down; instead, requests are retried, rerouted or answered from a cache.',
    tokens: 44,
  },
  {
    text: 'function fibonacci(n) {\n  if (n < 2) return n;\n  let previous = 0, current = 1;\n  for (let index = 2; index <= n; index++) {\n    [previous, current] = [current, previous + current];\n  }\n  return current;\n}\nconsole.log(fibonacci(10));',
    tokens: 72,
  },
  {
    text: JSON.stringify({ type: 'object', properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false }),
    tokens: 43,
  },
  { text: '弹性系统意味着单个依赖失败不会导致整个服务崩溃，请求会被重试、重新路由或从缓存中返回。', tokens: 33 },
  { text: 'Устойчивость распределённых систем означает, что отказ одной зависимости не роняет весь сервис.', tokens: 20 },
];

const request = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('estimateTextTokens', () => {
  it('is within a factor of 1.6 of the real o200k_base count', () => {
    for (const { text, tokens } of KNOWN_COUNTS) {
      const estimate = estimateTextTokens(text);
      expect(estimate / tokens, text.slice(0, 30)).toBeGreaterThan(1 / 1.6);
      expect(estimate / tokens, text.slice(0, 30)).toBeLessThan(1.6);
    }
  });

  it('grows monotonically with the text', () => {
    let previous = 0;
    let text = '';
    for (let index = 0; index < 200; index++) {
      text += index % 3 === 0 ? 'word ' : index % 3 === 1 ? '字' : '42';
      const estimate = estimateTextTokens(text);
      expect(estimate).toBeGreaterThanOrEqual(previous);
      previous = estimate;
    }
    expect(previous).toBeGreaterThan(100);
  });

  it('counts an empty string as zero', () => {
    expect(estimateTextTokens('')).toBe(0);
  });
});

describe('estimateTokens', () => {
  it('adds framing per message and for the reply', () => {
    const one = estimateTokens(request('hi'));
    const two = estimateTokens({ model: 'auto', messages: [{ role: 'system', content: 'hi' }, { role: 'user', content: 'hi' }] });
    expect(one).toBe(estimateTextTokens('hi') + 4 + 3);
    expect(two - one).toBe(estimateTextTokens('hi') + 4);
  });

  it('counts tool schemas, images, tool calls and tool results', () => {
    const base = estimateTokens(request('weather?'));
    const withTool = estimateTokens(
      request('weather?', {
        tools: [{ name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      }),
    );
    expect(withTool - base).toBeGreaterThan(15);

    const withImages = estimateTokens({
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image', image: 'https://example.test/a.png' }, { type: 'image', image: 'https://example.test/b.png' }] }],
    });
    expect(withImages - base).toBe(2_000);
    expect(
      estimateTokens(
        { model: 'auto', messages: [{ role: 'user', content: [{ type: 'image', image: 'https://example.test/a.png' }] }] },
        { imageTokens: 85 },
      ),
    ).toBe(85 + 4 + 3);

    const conversation = estimateTokens({
      model: 'auto',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }] },
        { role: 'tool', toolCallId: 'call_1', content: { temperature: 21, unit: 'c' } },
      ],
    });
    expect(conversation - base).toBeGreaterThan(estimateTextTokens('{"city":"Paris"}') + estimateTextTokens('{"temperature":21,"unit":"c"}'));
  });

  it('counts a structured-output schema', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' }, confidence: { type: 'number' } } };
    const plain = estimateTokens(request('q'));
    const structured = estimateTokens(request('q', { responseFormat: { type: 'json_schema', schema } }));
    expect(structured - plain).toBe(estimateTextTokens(JSON.stringify(schema)));
  });
});
