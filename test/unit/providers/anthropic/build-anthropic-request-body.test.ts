import { describe, expect, it } from 'vitest';
import { buildAnthropicRequestBody } from '../../../../src/providers/anthropic/build-anthropic-request-body.js';

const base = { model: 'claude-test', messages: [{ role: 'user', content: 'Hi' }] } as const;

describe('buildAnthropicRequestBody', () => {
  it('always sends max_tokens, falling back to the default', () => {
    expect(buildAnthropicRequestBody(base, 4096, false).max_tokens).toBe(4096);
    expect(buildAnthropicRequestBody({ ...base, maxTokens: 77 }, 4096, false).max_tokens).toBe(77);
  });

  it('sets stream to match the call', () => {
    expect(buildAnthropicRequestBody(base, 10, true).stream).toBe(true);
    expect(buildAnthropicRequestBody(base, 10, false).stream).toBe(false);
  });

  it('maps sampling options and stop sequences', () => {
    const body = buildAnthropicRequestBody({ ...base, temperature: 0.2, topP: 0.9, stop: 'END' }, 10, false);
    expect(body).toMatchObject({ temperature: 0.2, top_p: 0.9, stop_sequences: ['END'] });
    expect(buildAnthropicRequestBody({ ...base, stop: ['a', 'b'] }, 10, false).stop_sequences).toEqual(['a', 'b']);
  });

  it('does not send seed or responseFormat, which Anthropic does not have', () => {
    const body = buildAnthropicRequestBody({ ...base, seed: 7, responseFormat: { type: 'json' } }, 10, false);
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream']);
  });

  it('maps tools to name, description and input_schema', () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const body = buildAnthropicRequestBody(
      { ...base, tools: [{ name: 'get_weather', description: 'Weather', parameters, strict: true }, { name: 'noop', parameters: { type: 'object' } }] },
      10,
      false,
    );
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: parameters },
      { name: 'noop', input_schema: { type: 'object' } },
    ]);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [{ name: 'get_weather' }, { type: 'tool', name: 'get_weather' }],
  ] as const)('maps tool choice %j to %j', (toolChoice, expected) => {
    const body = buildAnthropicRequestBody({ ...base, tools: [{ name: 'get_weather', parameters: {} }], toolChoice }, 10, false);
    expect(body.tool_choice).toEqual(expected);
  });

  it('does not send tool_choice without tools', () => {
    expect(buildAnthropicRequestBody({ ...base, toolChoice: 'required' }, 10, false)).not.toHaveProperty('tool_choice');
  });

  it('merges providerOptions.anthropic last, over mapped fields', () => {
    const body = buildAnthropicRequestBody(
      {
        ...base,
        maxTokens: 100,
        providerOptions: {
          anthropic: { thinking: { type: 'enabled', budget_tokens: 1024 }, top_k: 40, max_tokens: 2048, metadata: { user_id: 'u1' } },
          openai: { logprobs: true },
        },
      },
      10,
      true,
    );
    expect(body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, top_k: 40, max_tokens: 2048, metadata: { user_id: 'u1' } });
    expect(body).not.toHaveProperty('logprobs');
  });
});
