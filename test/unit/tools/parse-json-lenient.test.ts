import { describe, expect, it } from 'vitest';
import { parseJsonLenient } from '../../../src/tools/parse-json-lenient.js';

describe('parseJsonLenient', () => {
  it('parses valid JSON without marking it repaired', () => {
    expect(parseJsonLenient('{"a":1}')).toEqual({ isValid: true, value: { a: 1 }, isRepaired: false });
  });

  it.each([
    ['a code fence', '```json\n{"city": "Paris"}\n```', { city: 'Paris' }],
    ['prose around the object', 'Here you go: {"city": "Paris"} hope that helps', { city: 'Paris' }],
    ['trailing commas', '{"a": [1, 2,], "b": 3,}', { a: [1, 2], b: 3 }],
    ['unquoted keys', '{city: "Paris", days_ahead: 2}', { city: 'Paris', days_ahead: 2 }],
    ['single quotes', "{'city': 'Paris \\'centre\\'', 'note': 'say \"hi\"'}", { city: "Paris 'centre'", note: 'say "hi"' }],
    ['comments', '{"a": 1, // one\n /* two */ "b": 2}', { a: 1, b: 2 }],
    ['Python literals', "{'ok': True, 'none': None, 'no': False}", { ok: true, none: null, no: false }],
    ['a raw newline in a string', '{"text": "line 1\nline 2"}', { text: 'line 1\nline 2' }],
    ['missing closing brackets', '{"a": {"b": [1, 2', { a: { b: [1, 2] } }],
    ['an object encoded twice', '"{\\"city\\": \\"Paris\\"}"', { city: 'Paris' }],
  ])('repairs %s', (_name, text, expected) => {
    const result = parseJsonLenient(text);
    expect(result).toEqual({ isValid: true, value: expected, isRepaired: true });
  });

  it('copies what needs no repair as it is, around the parts it rewrites', () => {
    const text = `{note: 'it\\'s', "list": [1, 2.5e3, -0.5, .25, +7, true, None,], "deep": {"x": "y" /* c */},}`;
    expect(parseJsonLenient(text)).toEqual({
      isValid: true,
      value: { note: "it's", list: [1, 2500, -0.5, 0.25, 7, true, null], deep: { x: 'y' } },
      isRepaired: true,
    });
  });

  it.each([
    ['an unquoted string value', '{"city": Paris}'],
    ['a cut string', '{"city": "Par'],
    ['a dangling key', '{"city":'],
    ['mismatched brackets', '{"a": [1}'],
    ['two numbers a space apart (never glued into one)', '-.5 1e5'],
    ['two numbers a comment apart', '+2/* c */1e5'],
  ])('refuses %s and reports JSON.parse\'s message', (_name, text) => {
    const result = parseJsonLenient(text);
    expect(result.isValid).toBe(false);
    if (!result.isValid) expect(result.error).toMatch(/JSON|Unexpected|Unterminated|Expected/);
  });
});
