import { describe, expect, it } from 'vitest';
import type { Message } from '../../../../src/client/types.js';
import { InvalidArgumentError } from '../../../../src/errors/errors.js';
import { convertToGeminiContents, SKIP_THOUGHT_SIGNATURE } from '../../../../src/providers/gemini/convert-to-gemini-contents.js';

const convert = (messages: Message[], model = 'gemini-2.5-flash') => convertToGeminiContents(messages, { model });

describe('convertToGeminiContents', () => {
  it('lifts every system message to systemInstruction, in order', () => {
    const prompt = convert([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: 'Answer in French.' },
    ]);
    expect(prompt.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] });
    expect(prompt.contents).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
  });

  it('leaves systemInstruction out when there is no system message', () => {
    expect(convert([{ role: 'user', content: '' }])).toEqual({ systemInstruction: undefined, contents: [{ role: 'user', parts: [{ text: '' }] }] });
  });

  it('maps user text and images: bytes and base64 inline, data URLs inline, https URLs as fileData', () => {
    const prompt = convert([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/png' },
          { type: 'image', image: 'AQID', mediaType: 'image/jpeg' },
          { type: 'image', image: 'data:image/webp;base64,AAAA' },
          { type: 'image', image: 'https://example.com/cat.png', mediaType: 'image/png' },
          { type: 'image', image: 'https://example.com/dog' },
        ],
      },
    ]);
    expect(prompt.contents[0]!.parts).toEqual([
      { text: 'What is in these?' },
      { inlineData: { mimeType: 'image/png', data: 'AQID' } },
      { inlineData: { mimeType: 'image/jpeg', data: 'AQID' } },
      { inlineData: { mimeType: 'image/webp', data: 'AAAA' } },
      { fileData: { fileUri: 'https://example.com/cat.png', mimeType: 'image/png' } },
      { fileData: { fileUri: 'https://example.com/dog' } },
    ]);
  });

  it('rejects image bytes without a mediaType', () => {
    expect(() => convert([{ role: 'user', content: [{ type: 'image', image: new Uint8Array([1]) }] }])).toThrow(InvalidArgumentError);
  });

  it('maps an assistant turn to a model turn: text, then function calls with ids and signatures', () => {
    const prompt = convert([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        toolCalls: [
          { id: 'call-1', name: 'get_weather', args: { city: 'Paris' }, providerMetadata: { thoughtSignature: 'sig-1' } },
          { id: 'call-2', name: 'get_weather', args: { city: 'Rome' } },
        ],
      },
    ]);
    expect(prompt.contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'Let me check.' },
        { functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'call-1' }, thoughtSignature: 'sig-1' },
        { functionCall: { name: 'get_weather', args: { city: 'Rome' }, id: 'call-2' } },
      ],
    });
  });

  it('replays Gemini reasoning as thought parts with signatures and drops other vendors’ reasoning', () => {
    const prompt = convert([
      { role: 'user', content: 'Q' },
      {
        role: 'assistant',
        content: 'A',
        reasoning: [
          { type: 'reasoning', text: 'Anthropic thinking', signature: 'anthropic-sig', provider: 'anthropic' },
          { type: 'reasoning', text: 'Thinking…', signature: 'gem-sig', provider: 'gemini' },
          { type: 'reasoning', text: 'Unsigned summary', provider: 'gemini' },
          { type: 'reasoning', text: '', signature: 'only-sig', provider: 'gemini' },
        ],
      },
    ]);
    expect(prompt.contents[1]!.parts).toEqual([
      { text: 'Thinking…', thought: true, thoughtSignature: 'gem-sig' },
      { text: 'Unsigned summary', thought: true },
      { text: '', thoughtSignature: 'only-sig' },
      { text: 'A' },
    ]);
  });

  it('skips an assistant turn with nothing to send', () => {
    const prompt = convert([
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'Again' },
    ]);
    expect(prompt.contents.map((content) => content.role)).toEqual(['user', 'user']);
  });

  it('puts consecutive tool results in one user turn, wrapping non-objects and errors', () => {
    const prompt = convert([
      { role: 'user', content: 'Q' },
      {
        role: 'assistant',
        toolCalls: [
          { id: 'a', name: 'lookup', args: {} },
          { id: 'b', name: 'lookup', args: {} },
          { id: 'c', name: 'fail', args: {} },
          { id: 'd', name: 'list', args: {} },
        ],
      },
      { role: 'tool', toolCallId: 'a', content: 'Paris' },
      { role: 'tool', toolCallId: 'b', toolName: 'lookup', content: { temperature: 30 } },
      { role: 'tool', toolCallId: 'c', content: 'boom', isError: true },
      { role: 'tool', toolCallId: 'd', content: [1, 2] },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(prompt.contents.slice(2)).toEqual([
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'lookup', id: 'a', response: { return_value: 'Paris' } } },
          { functionResponse: { name: 'lookup', id: 'b', response: { temperature: 30 } } },
          { functionResponse: { name: 'fail', id: 'c', response: { error: 'boom' } } },
          { functionResponse: { name: 'list', id: 'd', response: { return_value: [1, 2] } } },
        ],
      },
      { role: 'user', parts: [{ text: 'Thanks' }] },
    ]);
  });

  it('rejects a tool result whose name cannot be found', () => {
    expect(() => convert([{ role: 'user', content: 'Q' }, { role: 'tool', toolCallId: 'nope', content: 'x' }])).toThrow(
      /toolName/,
    );
  });

  describe('thought signatures on Gemini 3', () => {
    const foreignTurn: Message[] = [
      { role: 'user', content: 'Q' },
      {
        role: 'assistant',
        toolCalls: [
          { id: 'toolu_1', name: 'a', args: {} },
          { id: 'toolu_2', name: 'b', args: {} },
        ],
      },
    ];

    it('adds the documented sentinel to the first call of an unsigned turn on gemini-3 models', () => {
      const parts = convert(foreignTurn, 'gemini-3-pro-preview').contents[1]!.parts;
      expect(parts).toEqual([
        { functionCall: { name: 'a', args: {}, id: 'toolu_1' }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
        { functionCall: { name: 'b', args: {}, id: 'toolu_2' } },
      ]);
      expect(SKIP_THOUGHT_SIGNATURE).toBe('skip_thought_signature_validator');
    });

    it('invents nothing for models before Gemini 3', () => {
      const parts = convert(foreignTurn, 'models/gemini-2.5-pro').contents[1]!.parts;
      expect(parts.some((part) => 'thoughtSignature' in part)).toBe(false);
    });

    it('keeps Gemini’s own parallel calls as returned: only the first one signed', () => {
      const parts = convert(
        [
          { role: 'user', content: 'Q' },
          {
            role: 'assistant',
            toolCalls: [
              { id: '1', name: 'a', args: {}, providerMetadata: { thoughtSignature: 'real' } },
              { id: '2', name: 'a', args: {} },
            ],
          },
        ],
        'gemini-3-flash-preview',
      ).contents[1]!.parts;
      expect(parts).toEqual([
        { functionCall: { name: 'a', args: {}, id: '1' }, thoughtSignature: 'real' },
        { functionCall: { name: 'a', args: {}, id: '2' } },
      ]);
    });
  });
});
