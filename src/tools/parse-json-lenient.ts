import { MAX_JSON_DEPTH } from './partial-json-parser.js';

/** What `parseJsonLenient` made of a text. */
export type LenientParseResult =
  | { readonly isValid: true; readonly value: unknown; readonly isRepaired: boolean }
  | { readonly isValid: false; readonly error: string };

const LITERALS: Readonly<Record<string, string>> = {
  true: 'true',
  false: 'false',
  null: 'null',
  True: 'true',
  False: 'false',
  None: 'null',
  undefined: 'null',
};

/**
 * Parses JSON a model wrote, repairing the common slips locally before anyone asks the model
 * again: a Markdown code fence or prose around the value, trailing commas, unquoted keys,
 * single-quoted strings, `//` and `/* *\/` comments, Python literals (`True`, `None`), raw
 * newlines inside strings, missing closing brackets at the end, and an object encoded twice
 * (a JSON string holding the object). Anything else is reported with `JSON.parse`'s message.
 * JSON nested deeper than `MAX_JSON_DEPTH` (1,000) levels is refused. Linear in the text.
 */
export function parseJsonLenient(text: string): LenientParseResult {
  if (isNestedTooDeep(text)) return { isValid: false, error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  let firstError: string;
  try {
    const value: unknown = JSON.parse(text);
    const unwrapped = unwrapEncoded(value);
    return { isValid: true, value: unwrapped, isRepaired: unwrapped !== value };
  } catch (error) {
    firstError = (error as Error).message;
  }
  const repaired = repairJsonText(extractJsonText(text));
  if (repaired !== undefined) {
    try {
      return { isValid: true, value: unwrapEncoded(JSON.parse(repaired)), isRepaired: true };
    } catch {
      // Reported below with the first, more telling error.
    }
  }
  return { isValid: false, error: firstError };
}

/** A string that itself holds a JSON object or array was encoded twice: decode it once more. */
function unwrapEncoded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('[')) || isNestedTooDeep(trimmed)) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/**
 * Whether brackets outside double-quoted strings nest deeper than `MAX_JSON_DEPTH`. Checked before
 * `JSON.parse`, whose time grows faster than the text on very deep nesting.
 */
function isNestedTooDeep(text: string): boolean {
  if (text.length <= MAX_JSON_DEPTH) return false;
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      for (index++; index < text.length; index++) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c) index++;
        else if (inner === 0x22) break;
      }
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The JSON-looking part of `text`: inside a code fence, else from the first `{`/`[` to the last `}`/`]`. */
export function extractJsonText(text: string): string {
  const fenced = fenceBody(text);
  if (fenced !== undefined) return fenced;
  const open = text.search(/[{[]/);
  if (open === -1) return text;
  const close = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  return close > open ? text.slice(open, close + 1) : text.slice(open);
}

/** A space other than a line feed (`[^\S\n]`). */
function isInlineSpace(char: string | undefined): boolean {
  return char !== undefined && char !== '\n' && /\s/.test(char);
}

function isFenceTagChar(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || (char >= '0' && char <= '9') || char === '_' || char === '-';
}

/**
 * The body of the first Markdown code fence, as the regex
 * `/```[A-Za-z0-9_-]*[^\S\n]*\n?([\s\S]*?)\n?[^\S\n]*```/` finds it, in one scan: the regex
 * backtracks over the language tag and spaces of a fence that never closes, which is quadratic.
 */
function fenceBody(text: string): string | undefined {
  const open = text.indexOf('```');
  if (open === -1) return undefined;
  let start = open + 3;
  while (start < text.length && isFenceTagChar(text[start]!)) start++;
  while (isInlineSpace(text[start])) start++;
  if (text[start] === '\n') start++;
  // No closing fence after the first opening one means none after any later one either.
  const close = text.indexOf('```', start);
  if (close === -1) return undefined;
  let end = close;
  while (end > start && isInlineSpace(text[end - 1])) end--;
  if (end > start && text[end - 1] === '\n') end--;
  return text.slice(start, end);
}

function isIdentifierStart(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || char === '_' || char === '$';
}

function isIdentifierPart(char: string): boolean {
  return isIdentifierStart(char) || (char >= '0' && char <= '9');
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\n' || char === '\r' || char === '\t';
}

/** Skips whitespace and comments from `index`; returns the next significant index. */
function skipInsignificant(text: string, index: number): number {
  let position = index;
  for (;;) {
    while (position < text.length && isSpace(text[position])) position++;
    if (text[position] === '/' && text[position + 1] === '/') {
      while (position < text.length && text[position] !== '\n') position++;
    } else if (text[position] === '/' && text[position + 1] === '*') {
      const end = text.indexOf('*/', position + 2);
      position = end === -1 ? text.length : end + 2;
    } else {
      return position;
    }
  }
}

/**
 * Reads a string quoted with `quote` starting at `start`: its JSON form, and whether that differs
 * from the source text (another quote, an escaped `'`, a raw control character); undefined if unterminated.
 */
function readString(text: string, start: number, quote: string): { json: string; end: number; isChanged: boolean } | undefined {
  // Plain characters are copied a run at a time: one concatenation per run, not per character.
  let value = '';
  let runStart = start + 1;
  let isChanged = quote !== '"';
  for (let index = start + 1; index < text.length; index++) {
    const char = text[index]!;
    const isPlain = char !== '\\' && char !== quote && char !== '"' && char >= ' ';
    if (isPlain) continue;
    value += text.slice(runStart, index);
    runStart = index + 1;
    if (char === '\\') {
      const next = text[index + 1];
      if (next === undefined) return undefined;
      if (next === "'") {
        value += "'";
        isChanged = true;
      } else {
        value += char + next;
      }
      index++;
      runStart = index + 1;
      continue;
    }
    if (char === quote) return { json: `"${value}"`, end: index + 1, isChanged };
    isChanged = true;
    if (char === '"') value += '\\"';
    else if (char === '\n') value += '\\n';
    else if (char === '\r') value += '\\r';
    else if (char === '\t') value += '\\t';
    else value += `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
  return undefined;
}

function isNumberPart(code: number): boolean {
  // 0-9 e E . + -
  return (code >= 0x30 && code <= 0x39) || code === 0x65 || code === 0x45 || code === 0x2e || code === 0x2b || code === 0x2d;
}

/**
 * Rewrites near-JSON to JSON, token by token; undefined when a slip is not one we repair. Text that
 * needs no change (most of it) is copied a run at a time, so a long answer with one slip costs one
 * scan and a few slices, not a concatenation per token.
 */
function repairJsonText(text: string): string | undefined {
  let output = '';
  /** Where the text not yet copied to `output` starts. */
  let copiedTo = 0;
  /** Replaces `text[from, to)` with `replacement` in the output. */
  const replace = (from: number, to: number, replacement: string): void => {
    output += text.slice(copiedTo, from) + replacement;
    copiedTo = to;
  };
  /** Skips whitespace and comments from `index`; a gap holding a comment becomes one space in the output. */
  const skipGap = (index: number): number => {
    const end = skipInsignificant(text, index);
    for (let at = index; at < end; at++) {
      if (text.charCodeAt(at) === 0x2f) {
        replace(index, end, ' ');
        break;
      }
    }
    return end;
  };
  const closers: string[] = [];
  let index = skipGap(0);
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"' || char === "'") {
      const string = readString(text, index, char);
      if (!string) return undefined;
      if (string.isChanged) replace(index, string.end, string.json);
      index = string.end;
    } else if (char === '{' || char === '[') {
      if (closers.length >= MAX_JSON_DEPTH) return undefined;
      closers.push(char === '{' ? '}' : ']');
      index++;
    } else if (char === '}' || char === ']') {
      if (closers.pop() !== char) return undefined;
      index++;
    } else if (char === ',') {
      const next = skipInsignificant(text, index + 1);
      // A trailing comma before a closing bracket (or the end) is dropped.
      if (next >= text.length || text[next] === '}' || text[next] === ']') replace(index, index + 1, '');
      index++;
    } else if (char === ':') {
      index++;
    } else if (isIdentifierStart(char)) {
      let end = index + 1;
      while (end < text.length && isIdentifierPart(text[end]!)) end++;
      const word = text.slice(index, end);
      const after = skipInsignificant(text, end);
      if (text[after] === ':') replace(index, end, `"${word}"`);
      else if (!Object.hasOwn(LITERALS, word)) return undefined;
      else if (LITERALS[word] !== word) replace(index, end, LITERALS[word]!);
      index = end;
    } else if (char === '-' || char === '+' || char === '.' || (char >= '0' && char <= '9')) {
      let end = index + 1;
      while (end < text.length && isNumberPart(text.charCodeAt(end))) end++;
      if (char === '+' || char === '.' || (char === '-' && text[index + 1] === '.')) {
        let number = text.slice(index, end);
        if (number.startsWith('+')) number = number.slice(1);
        if (number.startsWith('.')) number = `0${number}`;
        if (number.startsWith('-.')) number = `-0${number.slice(1)}`;
        replace(index, end, number);
      }
      index = end;
    } else {
      return undefined;
    }
    index = skipGap(index);
  }
  output += text.slice(copiedTo);
  if (closers.length > 0) {
    const trimmed = output.trimEnd();
    if (trimmed.endsWith(':')) return undefined;
    output = (trimmed.endsWith(',') ? trimmed.slice(0, -1) : trimmed) + closers.reverse().join('');
  }
  return output;
}
