import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractJsonText } from '../../../src/tools/parse-json-lenient.js';

/** The fence regex `extractJsonText` used before its one-pass scan (quadratic on an unclosed fence). */
const FENCE_REGEX = /```[A-Za-z0-9_-]*[^\S\n]*\n?([\s\S]*?)\n?[^\S\n]*```/;

/** Without a fence: from the first `{`/`[` to the last `}`/`]`. */
function bracketed(text: string): string {
  const open = text.search(/[{[]/);
  if (open === -1) return text;
  const close = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  return close > open ? text.slice(open, close + 1) : text.slice(open);
}

describe('extractJsonText', () => {
  it('finds the same fence body as the regex it replaces', () => {
    const piece = fc.constantFrom('`', '```', 'a', 'json', '$', '-', ' ', '\t', '\r', '\n', '{', '}', '\u2028', 'x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join('')), (text) => {
        const fence = FENCE_REGEX.exec(text);
        expect(extractJsonText(text)).toBe(fence ? fence[1] : bracketed(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the JSON inside a fence and around prose', () => {
    expect(extractJsonText('Here:\n```json\n{"a": 1}\n```\nDone')).toBe('{"a": 1}');
    expect(extractJsonText('The answer is {"a": [1]} as asked')).toBe('{"a": [1]}');
  });
});
