import { describe, expect, it } from 'vitest';
import { convertFromAiSdkPrompt } from '../../../src/interop/convert-from-ai-sdk-prompt.js';
import { convertToAiSdkCall } from '../../../src/interop/convert-to-ai-sdk-call.js';

const bytes = new Uint8Array([137, 80, 78, 71]);

describe('AI SDK prompt → our messages', () => {
  it('converts images, tool calls and every kind of tool result', () => {
    const messages = convertFromAiSdkPrompt([
      { role: 'system', content: 'sys' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'file', mediaType: 'image/png', data: { type: 'data', data: bytes } },
          { type: 'file', mediaType: 'image', data: { type: 'url', url: new URL('https://example.com/cat.jpg') } },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Calling' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'look', input: { at: 'cat' } }] },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c1', toolName: 'look', output: { type: 'json', value: { ok: true } } },
          { type: 'tool-result', toolCallId: 'c2', toolName: 'look', output: { type: 'execution-denied', reason: 'no' } },
        ],
      },
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'sys' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image', image: bytes, mediaType: 'image/png' },
          { type: 'image', image: 'https://example.com/cat.jpg' },
        ],
      },
      { role: 'assistant', content: 'Calling', toolCalls: [{ id: 'c1', name: 'look', args: { at: 'cat' } }] },
      { role: 'tool', toolCallId: 'c1', toolName: 'look', content: { ok: true } },
      { role: 'tool', toolCallId: 'c2', toolName: 'look', content: 'no', isError: true },
    ]);
  });

  it('refuses non-image binary files with InvalidArgumentError', () => {
    expect(() =>
      convertFromAiSdkPrompt([{ role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', data: { type: 'data', data: bytes } }] }]),
    ).toThrow(expect.objectContaining({ code: 'RLLM_INVALID_ARGUMENT', field: 'prompt.0.content.0' }));
  });
});

describe('our request → AI SDK call options', () => {
  const target = { version: 'v4' as const, kind: 'ai-sdk', signatureTag: 'ai-sdk:anthropic.messages' };

  it('converts data URLs, merges consecutive tool results and replays only its own signatures', () => {
    const call = convertToAiSdkCall(
      {
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'image', image: 'data:image/png;base64,iVBORw==' }] },
          {
            role: 'assistant',
            reasoning: [
              { type: 'reasoning', text: 'mine', signature: '{"anthropic":{"signature":"s1"}}', provider: 'ai-sdk:anthropic.messages' },
              { type: 'reasoning', text: 'theirs', signature: 'sig-other', provider: 'anthropic' },
            ],
            toolCalls: [
              { id: 'a', name: 't', args: {} },
              { id: 'b', name: 't', args: {} },
            ],
          },
          { role: 'tool', toolCallId: 'a', content: 'one' },
          { role: 'tool', toolCallId: 'b', content: { two: 2 }, isError: true },
        ],
        stop: 'END',
        toolChoice: { name: 't' },
        providerOptions: { 'ai-sdk': { anthropic: { sendReasoning: true } } },
      },
      target,
    );
    expect(call.prompt[0]).toEqual({ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: { type: 'data', data: 'iVBORw==' } }] });
    const assistant = call.prompt[1] as { content: { type: string; providerOptions?: unknown }[] };
    expect(assistant.content[0]).toEqual({ type: 'reasoning', text: 'mine', providerOptions: { anthropic: { signature: 's1' } } });
    expect(assistant.content[1]).toEqual({ type: 'reasoning', text: 'theirs' });
    expect(call.prompt[2]).toEqual({
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'a', toolName: 't', output: { type: 'text', value: 'one' } },
        { type: 'tool-result', toolCallId: 'b', toolName: 't', output: { type: 'error-json', value: { two: 2 } } },
      ],
    });
    expect(call).toMatchObject({ stopSequences: ['END'], toolChoice: { type: 'tool', toolName: 't' }, providerOptions: { anthropic: { sendReasoning: true } } });
  });
});
