import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatRequestSchema, toInvalidArgumentError, validateChatRequest } from '../../../src/client/validate-request.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';

const PLAIN = {
  model: 'main',
  messages: [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: 'What is the capital of France?' },
    { role: 'assistant' as const, content: null },
  ],
  temperature: 0,
  maxTokens: 64,
  topP: 1,
  stop: 'END',
  seed: 7,
};

/** What zod alone says about `request`: undefined when it accepts it, else the error the client throws. */
function zodVerdict(request: unknown): InvalidArgumentError | undefined {
  const result = chatRequestSchema().safeParse(request);
  return result.success ? undefined : toInvalidArgumentError(result.error.issues, request);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('validateChatRequest', () => {
  it('accepts a plain text request as the same object, without running the zod schema', () => {
    const safeParse = vi.spyOn(chatRequestSchema(), 'safeParse');
    expect(validateChatRequest(PLAIN)).toBe(PLAIN);
    expect(safeParse).not.toHaveBeenCalled();
  });

  it('hands requests outside the plain shape to zod, and accepts the valid ones', () => {
    const safeParse = vi.spyOn(chatRequestSchema(), 'safeParse');
    const withTools = { ...PLAIN, tools: [{ name: 'get_weather', parameters: { type: 'object' } }] };
    const withParts = { model: 'main', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };
    const withToolResult = {
      model: 'main',
      messages: [
        { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', args: {} }] },
        { role: 'tool', toolCallId: 'call_1', content: { celsius: 21 } },
      ],
    };
    for (const request of [withTools, withParts, withToolResult, { ...PLAIN, stop: ['a', 'b'] }]) {
      expect(validateChatRequest(request)).toBe(request);
    }
    expect(safeParse).toHaveBeenCalledTimes(4);
  });

  it('throws the error zod gives for every request just outside the plain shape', () => {
    const user = { role: 'user', content: 'Hi' };
    const invalid: unknown[] = [
      undefined,
      null,
      'Hi',
      [],
      {},
      { ...PLAIN, model: '' },
      { ...PLAIN, model: 42 },
      { ...PLAIN, messages: [] },
      { ...PLAIN, messages: 'Hi' },
      { ...PLAIN, messages: [null] },
      { ...PLAIN, messages: [{ role: 'robot', content: 'Hi' }] },
      { ...PLAIN, messages: [{ role: 'user', content: 42 }] },
      { ...PLAIN, messages: [{ role: 'system' }] },
      { ...PLAIN, messages: [{ role: 'assistant', content: 42 }] },
      { ...PLAIN, messages: [user, { role: 'tool', content: 'x' }] },
      { ...PLAIN, temperature: -0.1 },
      { ...PLAIN, temperature: 2.5 },
      { ...PLAIN, temperature: Number.NaN },
      { ...PLAIN, temperature: '0' },
      { ...PLAIN, maxTokens: 0 },
      { ...PLAIN, maxTokens: 1.5 },
      { ...PLAIN, topP: 1.1 },
      { ...PLAIN, stop: 42 },
      { ...PLAIN, seed: 0.5 },
      { ...PLAIN, signal: new AbortController().signal },
      { ...PLAIN, temprature: 0 },
    ];
    for (const request of invalid) {
      const expected = zodVerdict(request);
      expect(expected).toBeInstanceOf(InvalidArgumentError);
      let thrown: unknown;
      try {
        validateChatRequest(request);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidArgumentError);
      expect(thrown).toMatchObject({ field: expected!.field, message: expected!.message });
    }
  });

  it('still requires the media type of an image given as bytes', () => {
    const request = { model: 'main', messages: [{ role: 'user', content: [{ type: 'image', image: new Uint8Array([1]) }] }] };
    expect(() => validateChatRequest(request)).toThrow('Expected `messages.0.content.0.mediaType` to be set for an image given as bytes, got undefined.');
  });
});
