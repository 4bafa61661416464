/** What `parsePartialJson` made of a prefix of a JSON text. */
export type PartialJson = {
  /** The value so far: open strings, arrays and objects closed where they stop. */
  readonly value: unknown;
  /** Whether the text is one complete JSON value. */
  readonly isComplete: boolean;
};

type Frame = { readonly closer: '}' | ']'; state: 'key' | 'colon' | 'value' | 'comma' };

function closersOf(stack: readonly Frame[]): string {
  let text = '';
  for (let index = stack.length - 1; index >= 0; index--) text += stack[index]!.closer;
  return text;
}

function isDelimiter(char: string): boolean {
  return char === ',' || char === '}' || char === ']' || char === ' ' || char === '\n' || char === '\r' || char === '\t' || char === ':';
}

/**
 * Parses a growing JSON text (a streamed object) into the value it holds so far. A string being
 * written is included as far as it goes (`{"a": "Par` → `{ a: 'Par' }`); a key without its value,
 * a number or literal that may still grow, and a trailing comma are left out. Returns undefined
 * when nothing usable has arrived yet or the text is not JSON. One pass, no regex per character.
 */
export function parsePartialJson(text: string): PartialJson | undefined {
  const stack: Frame[] = [];
  /** The end of the longest prefix that closes cleanly, and the closers it needs. */
  let safeEnd = -1;
  let safeClosers = '';
  let isTopDone = false;
  let index = 0;
  const length = text.length;
  const markSafe = (end: number) => {
    safeEnd = end;
    safeClosers = closersOf(stack);
  };
  const valueDone = (end: number) => {
    const frame = stack[stack.length - 1];
    if (frame) frame.state = 'comma';
    else isTopDone = true;
    markSafe(end);
  };

  while (index < length) {
    const char = text[index]!;
    if (char === ' ' || char === '\n' || char === '\r' || char === '\t') {
      index++;
      continue;
    }
    const frame = stack[stack.length - 1];
    if (char === '"') {
      const isKey = frame?.state === 'key';
      let end = index + 1;
      let isClosed = false;
      while (end < length) {
        const inner = text[end]!;
        if (inner === '\\') end += 2;
        else if (inner === '"') {
          isClosed = true;
          break;
        } else end++;
      }
      if (!isClosed) {
        if (isKey) break;
        // An open string value: keep what arrived, minus an escape sequence cut in half.
        let body = text.slice(index, Math.min(end, length));
        const escape = body.lastIndexOf('\\');
        if (escape !== -1 && (escape === body.length - 1 || (body[escape + 1] === 'u' && body.length - escape < 6))) {
          let backslashes = 0;
          for (let position = escape; position >= 0 && body[position] === '\\'; position--) backslashes++;
          if (backslashes % 2 === 1) body = body.slice(0, escape);
        }
        return finish(text.slice(0, index) + body + '"' + closersOf(stack), false);
      }
      index = end + 1;
      if (isKey) frame!.state = 'colon';
      else valueDone(index);
      continue;
    }
    if (char === '{' || char === '[') {
      stack.push({ closer: char === '{' ? '}' : ']', state: char === '{' ? 'key' : 'value' });
      index++;
      markSafe(index);
      continue;
    }
    if (char === '}' || char === ']') {
      stack.pop();
      index++;
      valueDone(index);
      continue;
    }
    if (char === ':') {
      if (frame) frame.state = 'value';
      index++;
      continue;
    }
    if (char === ',') {
      if (frame) frame.state = frame.closer === '}' ? 'key' : 'value';
      index++;
      continue;
    }
    // A number or literal: complete only once a delimiter follows it.
    let end = index + 1;
    while (end < length && !isDelimiter(text[end]!)) end++;
    if (end >= length) {
      if (stack.length === 0) return finish(text, true);
      break;
    }
    index = end;
    valueDone(index);
  }
  if (isTopDone && stack.length === 0) return finish(text, true);
  if (safeEnd === -1) return undefined;
  return finish(text.slice(0, safeEnd) + safeClosers, false);
}

function finish(candidate: string, isComplete: boolean): PartialJson | undefined {
  try {
    return { value: JSON.parse(candidate) as unknown, isComplete };
  } catch {
    // A trailing comma left before the closers (`{"a":1,` cut at the comma is already excluded,
    // but `[1,` after a nested value is not): retry without it once.
    const repaired = candidate.replace(/,(\s*[}\]]+)$/, '$1');
    if (repaired === candidate) return undefined;
    try {
      return { value: JSON.parse(repaired) as unknown, isComplete };
    } catch {
      return undefined;
    }
  }
}
