/** Words and numbers, with inner apostrophes, dots, commas and hyphens (`don't`, `3.5`, `1,000`, `gpt-4o`). */
export const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’.,\-][\p{L}\p{N}]+)*/gu;

/** Trims and collapses whitespace; the exact tier keys on this form, so case is kept. */
export function normalizeWhitespace(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** Words and numbers as written (case kept), with inner apostrophes, dots, commas and hyphens. */
export function words(text: string): string[] {
  return text.normalize('NFKC').match(WORD_PATTERN) ?? [];
}

/** Lower case letters and digits only: the form in which entity mentions are compared. */
export function compact(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}
