import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quotedSpans } from '../../../src/cache/question-text.js';

/** The regex `quotedSpans` replaces (quadratic on a run of openers with no closer). */
const QUOTED_REGEX = /["“`]([^"”`]{2,})["”`]/g;

describe('quotedSpans', () => {
  it('finds the same spans as the regex it replaces', () => {
    const piece = fc.constantFrom('"', '“', '”', '`', 'a', 'b', ' ', 'New York');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join('')), (text) => {
        expect(quotedSpans(text)).toEqual([...text.matchAll(QUOTED_REGEX)].map((match) => match[1]));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads quoted names', () => {
    expect(quotedSpans('What does "strict mode" do in `tsc`? “x”')).toEqual(['strict mode', 'tsc']);
  });
});
