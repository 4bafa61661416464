/**
 * Splits text into stream deltas. With `size`, every delta holds `size` code points (never a
 * broken surrogate pair); without it, text is split like model tokens: each delta is one word
 * with the whitespace before it (`"Hello"`, `" world"`).
 */
export function splitText(text: string, size?: number): string[] {
  if (text.length === 0) return [];
  if (size !== undefined) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Expected \`chunkSize\` to be a positive integer, got ${size}.`);
    const codePoints = Array.from(text);
    const chunks: string[] = [];
    for (let start = 0; start < codePoints.length; start += size) chunks.push(codePoints.slice(start, start + size).join(''));
    return chunks;
  }
  const chunks: string[] = [];
  let start = 0;
  for (let index = 1; index < text.length; index++) {
    if (isSpace(text.charCodeAt(index)) && !isSpace(text.charCodeAt(index - 1))) {
      chunks.push(text.slice(start, index));
      start = index;
    }
  }
  const rest = text.slice(start);
  // Trailing whitespace stays with the last word rather than becoming a delta of its own.
  if (chunks.length > 0 && rest.trim() === '') chunks[chunks.length - 1] += rest;
  else chunks.push(rest);
  return chunks;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** Estimates tokens as one per four characters, rounded up; the testing kit's documented default. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
