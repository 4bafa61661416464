/**
 * Hostile texts of any size, for the adversarial-input suite (test/unit/adversarial) and
 * `scripts/adversarial-timings.ts`. Each family aims at one way a parser or a regex can go
 * quadratic: a long run of one character (every position a match start), deep nesting, an opener
 * that never closes, a line with no spaces, and Unicode that normalization or `\p{…}` classes
 * treat specially. Every text is built by repetition, so it is the same on every run.
 */

/** One hostile text family; `make(size)` returns about `size` UTF-16 code units. */
export type AdversarialInput = {
  readonly name: string;
  readonly make: (size: number) => string;
  /** How many times longer NFKC makes the text (what the cache functions then read). @default 1 */
  readonly nfkcExpansion?: number;
};

function repeat(unit: string, size: number, prefix = ''): string {
  return prefix + unit.repeat(Math.max(1, Math.floor((size - prefix.length) / unit.length)));
}

/** A pseudo-random run of letters and digits with no space (a minified or base64-like line). */
function noSpaces(size: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=._-';
  let state = 0x2545f491;
  const chunk: string[] = [];
  for (let index = 0; index < 4096; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    chunk.push(alphabet[(state >>> 0) % alphabet.length]!);
  }
  return repeat(chunk.join(''), size);
}

export const ADVERSARIAL_INPUTS: readonly AdversarialInput[] = [
  // One repeated character.
  { name: "1 char: 'a'", make: (size) => repeat('a', size) },
  { name: "1 char: ' '", make: (size) => repeat(' ', size) },
  { name: "1 char: '\\n'", make: (size) => repeat('\n', size) },
  { name: "1 char: '\\r'", make: (size) => repeat('\r', size) },
  { name: "1 char: '1'", make: (size) => repeat('1', size) },
  { name: "1 char: '?'", make: (size) => repeat('?', size) },
  { name: "1 char: '-'", make: (size) => repeat('-', size) },
  { name: "1 char: '`'", make: (size) => repeat('`', size) },
  { name: "1 char: '\"'", make: (size) => repeat('"', size) },
  { name: "1 char: '“'", make: (size) => repeat('“', size) },
  { name: "1 char: '\\\\'", make: (size) => repeat('\\', size) },
  { name: "1 char: '/'", make: (size) => repeat('/', size) },
  { name: "1 char: '('", make: (size) => repeat('(', size) },
  { name: "1 char: ','", make: (size) => repeat(',', size) },
  // Repeated short units that regexes like to start on.
  { name: "unit: 'a.'", make: (size) => repeat('a.', size) },
  { name: "unit: 'a-'", make: (size) => repeat('a-', size) },
  { name: "unit: '1,'", make: (size) => repeat('1,', size) },
  { name: "unit: '\\n '", make: (size) => repeat('\n ', size) },
  { name: "unit: ' \\n'", make: (size) => repeat(' \n', size) },
  { name: "unit: '- '", make: (size) => repeat('- ', size) },
  { name: "unit: 'at '", make: (size) => repeat('at ', size) },
  { name: "unit: 'select '", make: (size) => repeat('select ', size) },
  { name: "unit: 'def '", make: (size) => repeat('def ', size) },
  { name: "unit: 'write a '", make: (size) => repeat('write a ', size) },
  { name: "unit: 'uncaught '", make: (size) => repeat('uncaught ', size) },
  { name: "unit: 'a(', 'a.a'", make: (size) => repeat('a(a.a', size) },
  { name: "unit: 'not 2 Paris '", make: (size) => repeat('not 2 Paris ', size) },
  // Deep nesting.
  { name: "nest: '['", make: (size) => repeat('[', size) },
  { name: "nest: '{'", make: (size) => repeat('{', size) },
  { name: 'nest: \'{"a":\'', make: (size) => repeat('{"a":', size) },
  { name: "nest: \"{'a':\"", make: (size) => repeat("{'a':", size) },
  { name: "nest: '[1,'", make: (size) => repeat('[1,', size) },
  { name: "nest: '{a:'", make: (size) => repeat('{a:', size) },
  { name: 'nest: closed \'{"a":…}\'', make: (size) => '{"a":'.repeat(Math.floor(size / 6)) + '1' + '}'.repeat(Math.floor(size / 6)) },
  // Unclosed strings, comments and fences.
  { name: 'open: string value', make: (size) => repeat('x', size, '{"a": "') },
  { name: 'open: string of escapes', make: (size) => repeat('\\"', size, '{"a": "') },
  { name: 'open: single-quoted', make: (size) => repeat('x', size, "{'a': '") },
  { name: 'open: block comment', make: (size) => repeat('x', size, '{"a": /*') },
  { name: "open: fence '```'+'a'", make: (size) => repeat('a', size, '```') },
  { name: "open: fence '```'+' '", make: (size) => repeat(' ', size, '```') },
  { name: "open: fence '```json\\n'+JSON", make: (size) => repeat('{"k": [1, 2], ', size, '```json\n') },
  { name: 'many fences', make: (size) => repeat('```js\nx\n', size) },
  // Long lines with no spaces.
  { name: 'no spaces: base64-like', make: noSpaces },
  { name: 'no spaces: minified code', make: (size) => repeat('function(a){return a.b(c)===d?e:f()};', size) },
  { name: 'no spaces: numbers', make: (size) => repeat('1234567890', size) },
  // Pathological Unicode.
  { name: 'unicode: combining marks', make: (size) => repeat('\u0301', size, 'a') },
  { name: 'unicode: mixed-class marks', make: (size) => repeat('\u0301\u0316', size, 'a') },
  { name: 'unicode: lone surrogates', make: (size) => repeat('\ud800', size) },
  { name: 'unicode: reversed pairs', make: (size) => repeat('\udc00\ud800', size) },
  { name: 'unicode: emoji', make: (size) => repeat('👩‍💻', size) },
  { name: 'unicode: RTL', make: (size) => repeat('\u202eשלום \u05d0\u05b7', size) },
  { name: 'unicode: zero-width', make: (size) => repeat('\u200b\u200c\u200d\ufeff', size) },
  { name: 'unicode: NFKC expanding', make: (size) => repeat('\ufdfa', size), nfkcExpansion: 18 },
  { name: 'unicode: CJK', make: (size) => repeat('证明分析逐步', size) },
];

/** A realistic structured answer of about `size` characters: an array of records, as extraction returns. */
export function structuredAnswer(size: number): string {
  const records: unknown[] = [];
  let length = 20;
  for (let index = 0; length < size; index++) {
    const record = {
      id: index,
      name: `Entity ${index} “quoted” \\ name`,
      tags: ['alpha', 'beta', `t${index % 7}`],
      score: (index * 7.25) % 100,
      isActive: index % 3 === 0,
      note: index % 5 === 0 ? null : `Line one\nline two with unicode é ✓ ${index}`,
    };
    records.push(record);
    length += JSON.stringify(record).length + 1;
  }
  return JSON.stringify({ total: records.length, records });
}

/** Splits `text` into deltas of 1 to 8 characters, as a model streams tokens. */
export function toDeltas(text: string): string[] {
  const deltas: string[] = [];
  for (let index = 0, step = 0; index < text.length; step++) {
    const length = 1 + ((step * 5) % 8);
    deltas.push(text.slice(index, index + length));
    index += length;
  }
  return deltas;
}
