/** Words and numbers, with inner apostrophes, dots, commas and hyphens (`don't`, `3.5`, `1,000`, `gpt-4o`). */
export const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’.,\-][\p{L}\p{N}]+)*/gu;

/**
 * More combining marks in a row than any writing system uses. Longer runs are cut to this length
 * (Unicode's Stream-Safe Text Format bounds them the same way) because normalization reorders a
 * run of marks in time quadratic in its length: 64 KiB of alternating accents took seconds.
 */
const MARK_RUN = /(\p{M}{30})\p{M}+/gu;

/** NFKC, after cutting runs of combining marks longer than 30: the form every cache comparison uses. */
export function normalizeText(text: string): string {
  return text.replace(MARK_RUN, '$1').normalize('NFKC');
}

/** Trims and collapses whitespace; the exact tier keys on this form, so case is kept. */
export function normalizeWhitespace(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** Words and numbers as written (case kept), with inner apostrophes, dots, commas and hyphens. */
export function words(text: string): string[] {
  return normalizeText(text).match(WORD_PATTERN) ?? [];
}

/** Lower case letters and digits only: the form in which entity mentions are compared. */
export function compact(text: string): string {
  return normalizeText(text).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

const QUOTE_OPENERS = '"“`';
const QUOTE_CLOSERS = '"”`';

/**
 * The spans of two or more characters between quotes (`"…"`, `“…”`, backticks), as
 * `/["“`]([^"”`]{2,})["”`]/g` finds them, in one scan: the regex rescans to the end of the text
 * from every opener when no closer follows, which is quadratic on a run of `“`.
 */
export function quotedSpans(text: string): string[] {
  const spans: string[] = [];
  let index = 0;
  while (index < text.length) {
    if (!QUOTE_OPENERS.includes(text[index]!)) {
      index++;
      continue;
    }
    let close = index + 1;
    while (close < text.length && !QUOTE_CLOSERS.includes(text[close]!)) close++;
    // No closer after this opener means none after any later one either.
    if (close >= text.length) break;
    if (close - index - 1 >= 2) {
      spans.push(text.slice(index + 1, close));
      index = close + 1;
    } else {
      index++;
    }
  }
  return spans;
}
