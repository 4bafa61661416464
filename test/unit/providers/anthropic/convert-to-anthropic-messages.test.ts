import { describe, expect, it } from 'vitest';
import type { Message } from '../../../../src/client/types.js';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';
import { convertToAnthropicMessages } from '../../../../src/providers/anthropic/convert-to-anthropic-messages.js';

describe('convertToAnthropicMessages', () => {
  it('lifts the system message to the top-level system field', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(prompt.system).toBe('Be brief.');
    expect(prompt.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('joins several system messages with a blank line, wherever they are', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'system', content: 'One.' },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: 'Two.' },
    ]);
    expect(prompt.system).toBe('One.\n\nTwo.');
    expect(prompt.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('leaves system undefined when there is no system message', () => {
    expect(convertToAnthropicMessages([{ role: 'user', content: 'Hi' }]).system).toBeUndefined();
  });

  it('maps user text and image parts to content blocks', () => {
    const prompt = convertToAnthropicMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', image: 'https://example.com/cat.png' },
          { type: 'image', image: 'data:image/png;base64,iVBORw0KGgo=' },
          { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/jpeg' },
          { type: 'image', image: 'AAEC', mediaType: 'image/webp' },
        ],
      },
    ]);
    expect(prompt.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AQID' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'AAEC' } },
        ],
      },
    ]);
  });

  it('rejects an image given as bytes without a media type', () => {
    const convert = () =>
      convertToAnthropicMessages([{ role: 'user', content: [{ type: 'image', image: new Uint8Array([1]) }] }]);
    expect(convert).toThrow(InvalidArgumentError);
    expect(convert).toThrow(/messages\.0\.content\.0\.mediaType/);
  });

  it('maps an assistant turn to text and tool_use blocks with the input as an object', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'toolu_1', name: 'get_weather', args: { city: 'Paris' } }] },
    ]);
    expect(prompt.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
  });

  it('omits an empty text block from an assistant turn with only tool calls', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_1', name: 'noop', args: {} }] },
    ]);
    expect(prompt.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'noop', input: {} }] });
  });

  it('puts Anthropic thinking and redacted thinking first, unchanged, and drops other vendors’ reasoning', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Hi' },
      {
        role: 'assistant',
        content: 'Answer',
        toolCalls: [{ id: 'toolu_1', name: 'lookup', args: { q: 'x' } }],
        reasoning: [
          { type: 'reasoning', text: 'Let me think', signature: 'sig-abc', provider: 'anthropic' },
          { type: 'reasoning', text: '', redactedData: 'EqkE-redacted', provider: 'anthropic' },
          { type: 'reasoning', text: 'gemini thought', signature: 'gemini-sig', provider: 'gemini' },
          { type: 'reasoning', text: 'no provider' },
        ],
      },
    ]);
    expect(prompt.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Let me think', signature: 'sig-abc' },
        { type: 'redacted_thinking', data: 'EqkE-redacted' },
        { type: 'text', text: 'Answer' },
        { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } },
      ],
    });
  });

  it('puts several tool results into one user turn, in order, with is_error only when set', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Go' },
      {
        role: 'assistant',
        toolCalls: [
          { id: 'toolu_a', name: 'a', args: {} },
          { id: 'toolu_b', name: 'b', args: {} },
          { id: 'toolu_c', name: 'c', args: {} },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_a', content: 'A done' },
      { role: 'tool', toolCallId: 'toolu_b', content: { temperature: 21 }, isError: false },
      { role: 'tool', toolCallId: 'toolu_c', content: 'boom', isError: true },
    ]);
    expect(prompt.messages).toHaveLength(3);
    expect(prompt.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_a', content: 'A done' },
        { type: 'tool_result', tool_use_id: 'toolu_b', content: '{"temperature":21}', is_error: false },
        { type: 'tool_result', tool_use_id: 'toolu_c', content: 'boom', is_error: true },
      ],
    });
  });

  it('merges a user message after tool results into the same turn, after the results', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Go' },
      { role: 'assistant', toolCalls: [{ id: 'toolu_a', name: 'a', args: {} }] },
      { role: 'tool', toolCallId: 'toolu_a', content: 'A done' },
      { role: 'user', content: [{ type: 'text', text: 'Now summarize.' }] },
    ]);
    expect(prompt.messages).toEqual([
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'a', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'A done' },
          { type: 'text', text: 'Now summarize.' },
        ],
      },
    ]);
  });

  it('moves tool results before user text when the user message came first', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Go' },
      { role: 'assistant', toolCalls: [{ id: 'toolu_a', name: 'a', args: {} }, { id: 'toolu_b', name: 'b', args: {} }] },
      { role: 'tool', toolCallId: 'toolu_a', content: 'A' },
      { role: 'user', content: 'note' },
      { role: 'tool', toolCallId: 'toolu_b', content: 'B' },
    ]);
    expect(prompt.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_a', content: 'A' },
        { type: 'tool_result', tool_use_id: 'toolu_b', content: 'B' },
        { type: 'text', text: 'note' },
      ],
    });
  });

  it('merges consecutive user messages and consecutive assistant messages so roles alternate', () => {
    const messages: Message[] = [
      { role: 'user', content: 'one' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'three' },
      { role: 'assistant', content: 'four' },
    ];
    expect(convertToAnthropicMessages(messages).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'three' }, { type: 'text', text: 'four' }] },
    ]);
  });

  it('keeps a trailing assistant message as the prefill the model continues', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Give JSON' },
      { role: 'assistant', content: '{' },
    ]);
    expect(prompt.messages[prompt.messages.length - 1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: '{' }] });
  });

  it('skips an assistant message with nothing to send', () => {
    const prompt = convertToAnthropicMessages([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: null },
    ]);
    expect(prompt.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });
});
