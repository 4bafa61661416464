import { PartialJsonParser, type PartialJson } from './partial-json-parser.js';

export { PartialJsonParser, type PartialJson } from './partial-json-parser.js';

/**
 * Parses a prefix of a JSON text (a streamed object) into the value it holds so far. A string being
 * written is included as far as it goes (`{"a": "Par` → `{ a: 'Par' }`); a key without its value,
 * a number or literal that may still grow, and a trailing comma are left out. Returns undefined
 * when nothing usable has arrived yet or the text is not JSON. One pass, linear in the text; to
 * follow a text that grows, feed a {@link PartialJsonParser} the new part instead of calling this
 * again on the whole text.
 */
export function parsePartialJson(text: string): PartialJson | undefined {
  const parser = new PartialJsonParser();
  parser.feed(text);
  return parser.snapshot();
}
