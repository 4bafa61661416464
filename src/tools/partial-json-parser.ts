/** What a partial JSON parse made of the text so far. */
export type PartialJson = {
  /** The value so far: open strings, arrays and objects closed where they stop. */
  readonly value: unknown;
  /** Whether the text is one complete JSON value. */
  readonly isComplete: boolean;
};

/**
 * What the parser expects next. `value`: a value (or `]` in an array: empty, or after a trailing
 * comma); `key`: a key (or `}`); `colon`; `after`: `,` or the closer; `done`: only whitespace.
 */
type Mode = 'value' | 'key' | 'colon' | 'after' | 'done' | 'string' | 'atom' | 'failed';

type Frame = {
  readonly isArray: boolean;
  readonly container: unknown[] | Record<string, unknown>;
  /** The key whose value is being read (objects). */
  key: string;
  /** Entries added, for the snapshot cost. */
  entries: number;
};

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NONE: unique symbol = Symbol('none');
/** Deeper JSON is refused: no answer nests this deep, and deep values are costly to everyone who walks them. */
export const MAX_JSON_DEPTH = 1_000;
/** A snapshot is taken once at least this many characters arrived per open entry it copies. */
const CHARS_PER_COPIED_ENTRY = 1 / 8;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Ends a number or literal: whitespace, `,`, `:`, `]`, `}`. */
function isAtomEnd(code: number): boolean {
  return isWhitespace(code) || code === 0x2c || code === 0x3a || code === 0x5d || code === 0x7d;
}

const ATOM_CHARS = new Uint8Array(128);
for (const char of '0123456789+-.eEtruefalsn') ATOM_CHARS[char.charCodeAt(0)] = 1;

/** A character of a number or of `true`, `false`, `null`. */
function isAtomChar(code: number): boolean {
  return code < 128 && ATOM_CHARS[code] === 1;
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** Sets an own property, as `JSON.parse` does, also for the key `__proto__`. */
function setProperty(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

function atomValue(token: string): unknown {
  if (token === 'true') return true;
  if (token === 'false') return false;
  if (token === 'null') return null;
  return NUMBER.test(token) ? Number(token) : NONE;
}

/**
 * Parses a JSON text that arrives in pieces, keeping its state between them: each character is
 * read once, so feeding a text of any length in any number of deltas is linear. The value is
 * built as it is read; a snapshot copies only the open containers (completed values are shared
 * between snapshots, so treat snapshots as read-only). `version` changes whenever the visible
 * value changes. Strict JSON, except that a trailing comma before a closer is accepted.
 */
export class PartialJsonParser {
  /** Bumped whenever the value a snapshot would show changes. */
  version = 0;
  private mode: Mode = 'value';
  private readonly frames: Frame[] = [];
  private top: unknown = NONE;
  /** The string being read (a key or a value) and its escape state: 0 none, 1 after `\`, 2 in `\u`. */
  private text = '';
  private isKey = false;
  private escape = 0;
  private hex = '';
  private atom = '';
  private isAtomPlaced = false;
  /** Frames plus the entries of every open container: what a snapshot copies. */
  private spineCost = 0;
  private charsSinceSnapshot = 0;
  private snapshotVersion = -1;

  get isFailed(): boolean {
    return this.mode === 'failed';
  }

  /** Reads the next piece of text. */
  feed(delta: string): void {
    this.charsSinceSnapshot += delta.length;
    const length = delta.length;
    let index = 0;
    while (index < length && this.mode !== 'failed') {
      if (this.mode === 'string') {
        index = this.readString(delta, index);
        continue;
      }
      if (this.mode === 'atom') {
        const start = index;
        let code = 0;
        while (index < length && !isAtomEnd((code = delta.charCodeAt(index)))) {
          if (!isAtomChar(code)) return this.fail();
          index++;
        }
        this.atom += delta.slice(start, index);
        if (this.frames.length === 0) this.version++;
        if (index < length) this.endAtom();
        continue;
      }
      const code = delta.charCodeAt(index);
      if (!isWhitespace(code)) this.readStructure(delta[index]!, code);
      index++;
    }
  }

  /**
   * A snapshot when the value changed since the last one taken and enough text arrived to pay for
   * copying the open containers (about 8 entries per character), so a huge open array is not
   * copied on every delta; `force` takes it whenever the value changed.
   */
  take(force = false): PartialJson | undefined {
    if (this.version === this.snapshotVersion || this.mode === 'failed') return undefined;
    // A top-level number is read whole for each snapshot: count it like the entries it would copy.
    const cost = this.spineCost + (this.frames.length === 0 ? this.atom.length : 0);
    if (!force && this.charsSinceSnapshot < cost * CHARS_PER_COPIED_ENTRY) return undefined;
    // Counted as taken even when there is nothing to show (a top-level token that is not a number
    // yet), so the throttle also spaces out the attempts.
    this.snapshotVersion = this.version;
    this.charsSinceSnapshot = 0;
    return this.snapshot();
  }

  /** The value so far, or undefined when nothing usable arrived or the text is not JSON. */
  snapshot(): PartialJson | undefined {
    switch (this.mode) {
      case 'failed':
        return undefined;
      case 'done':
        return { value: this.top, isComplete: true };
      case 'atom':
        if (this.frames.length === 0) {
          const value = this.isAtomPlaced ? atomValue(this.atom) : NONE;
          return value === NONE ? undefined : { value, isComplete: true };
        }
        break;
    }
    let child: unknown = this.mode === 'string' && !this.isKey ? this.text : NONE;
    if (this.frames.length === 0) return child === NONE ? undefined : { value: child, isComplete: false };
    for (let index = this.frames.length - 1; index >= 0; index--) {
      const frame = this.frames[index]!;
      if (frame.isArray) {
        const copy = (frame.container as unknown[]).slice();
        if (child !== NONE) copy.push(child);
        child = copy;
      } else {
        const copy = { ...(frame.container as Record<string, unknown>) };
        if (child !== NONE) setProperty(copy, frame.key, child);
        child = copy;
      }
    }
    return { value: child, isComplete: false };
  }

  private fail(): void {
    this.mode = 'failed';
  }

  private readStructure(char: string, code: number): void {
    const frame = this.frames[this.frames.length - 1];
    switch (char) {
      case '{':
      case '[':
        if (this.mode !== 'value' || this.frames.length >= MAX_JSON_DEPTH) return this.fail();
        this.frames.push({ isArray: char === '[', container: char === '[' ? [] : {}, key: '', entries: 0 });
        this.spineCost++;
        this.mode = char === '[' ? 'value' : 'key';
        this.version++;
        return;
      case '}':
      case ']': {
        const isArray = char === ']';
        const isAllowed =
          frame !== undefined &&
          frame.isArray === isArray &&
          (this.mode === 'after' || (isArray ? this.mode === 'value' : this.mode === 'key'));
        if (!isAllowed) return this.fail();
        this.frames.pop();
        this.spineCost -= 1 + frame.entries;
        // The container was already visible while open: completing it changes nothing.
        this.completeValue(frame.container, false);
        return;
      }
      case ',':
        if (this.mode !== 'after' || frame === undefined) return this.fail();
        this.mode = frame.isArray ? 'value' : 'key';
        return;
      case ':':
        if (this.mode !== 'colon') return this.fail();
        this.mode = 'value';
        return;
      case '"':
        if (this.mode !== 'value' && this.mode !== 'key') return this.fail();
        this.isKey = this.mode === 'key';
        this.mode = 'string';
        this.text = '';
        this.escape = 0;
        if (!this.isKey) this.version++;
        return;
      default:
        // A number or literal; judged once it ends (a trailing one may still grow).
        if (this.mode === 'done' || !isAtomChar(code)) return this.fail();
        this.isAtomPlaced = this.mode === 'value';
        this.mode = 'atom';
        this.atom = char;
        if (this.frames.length === 0) this.version++;
    }
  }

  private endAtom(): void {
    const value = this.isAtomPlaced ? atomValue(this.atom) : NONE;
    this.atom = '';
    if (value === NONE) return this.fail();
    this.completeValue(value, true);
  }

  private completeValue(value: unknown, isVisibleChange: boolean): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) {
      this.top = value;
      this.mode = 'done';
    } else {
      if (frame.isArray) (frame.container as unknown[]).push(value);
      else setProperty(frame.container as Record<string, unknown>, frame.key, value);
      frame.entries++;
      this.spineCost++;
      this.mode = 'after';
    }
    if (isVisibleChange) this.version++;
  }

  /** Reads string characters from `index`; returns where it stopped. */
  private readString(delta: string, start: number): number {
    const length = delta.length;
    let index = start;
    let runStart = index;
    let isChanged = false;
    while (index < length) {
      const code = delta.charCodeAt(index);
      if (this.escape === 0) {
        if (code === 0x22 || code === 0x5c || code < 0x20) {
          if (index > runStart) {
            this.text += delta.slice(runStart, index);
            isChanged = true;
          }
          index++;
          if (code === 0x22) {
            if (isChanged && !this.isKey) this.version++;
            this.endString();
            return index;
          }
          if (code < 0x20) {
            this.fail();
            return length;
          }
          this.escape = 1;
          continue;
        }
        index++;
        continue;
      }
      if (this.escape === 1) {
        const char = delta[index]!;
        index++;
        if (char === 'u') {
          this.escape = 2;
          this.hex = '';
        } else {
          const decoded = ESCAPES[char];
          if (decoded === undefined) {
            this.fail();
            return length;
          }
          // Consecutive escapes are gathered and appended once: one concatenation per run, not per escape.
          let run = decoded;
          while (delta.charCodeAt(index) === 0x5c && index + 1 < length) {
            const next = ESCAPES[delta[index + 1]!];
            if (next === undefined) break;
            run += next;
            index += 2;
          }
          this.text += run;
          isChanged = true;
          this.escape = 0;
        }
        runStart = index;
        continue;
      }
      if (!isHexDigit(code)) {
        this.fail();
        return length;
      }
      this.hex += delta[index]!;
      index++;
      if (this.hex.length === 4) {
        this.text += String.fromCharCode(Number.parseInt(this.hex, 16));
        isChanged = true;
        this.escape = 0;
      }
      runStart = index;
    }
    if (this.escape === 0 && index > runStart) {
      this.text += delta.slice(runStart, index);
      isChanged = true;
    }
    if (isChanged && !this.isKey) this.version++;
    return index;
  }

  private endString(): void {
    const text = this.text;
    this.text = '';
    if (this.isKey) {
      this.frames[this.frames.length - 1]!.key = text;
      this.mode = 'colon';
      return;
    }
    this.completeValue(text, false);
  }
}
