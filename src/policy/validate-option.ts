import { InvalidArgumentError } from '../errors/errors.js';

/**
 * The one option validator. Every option object (client, adapters, models, policies, cache, call)
 * is checked with these helpers, so every mistake reads the same: an `InvalidArgumentError` whose
 * `field` is the path (`budget.perRequestUsd`) and whose message says what was expected, or which
 * key is unknown and the closest valid one.
 */

/** A short, key-safe description of a received value. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Throws "Expected `field` to be <expected>, got <value>." */
export function failOption(field: string, expected: string, received: unknown): never {
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be ${expected}, got ${describeValue(received)}.`);
}

/**
 * The frozen set of an options type's keys; the type check fails when `keys` misses one. Module-level
 * calls carry a pure annotation, so that a bundler drops the sets of features an app never uses.
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    ...keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { readonly missing: Exclude<keyof T, K[number]> })
  ): ReadonlySet<string> => Object.freeze(new Set<string>(keys));
}

/** Throws unless `value` is a plain object (not null, not an array). */
export function expectObject(field: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) failOption(field, 'an object', value);
}

/**
 * Throws on the first key of `value` that is not in `known`, naming it with its path and the
 * closest valid name: "`budget.maxUsdPerRequest` is not an option; did you mean `perRequestUsd`?".
 * `path` is the object's own path (`budget`), empty for a top-level object. A quick loop over a
 * frozen `Set`: cheap enough to run on every call.
 */
export function expectKnownKeys(value: object, known: ReadonlySet<string>, path = '', kind = 'an option'): void {
  for (const key in value) {
    if (!known.has(key)) throwUnknownKey(key, known, path, kind);
  }
}

/** Throws the error for an unknown key; see {@link expectKnownKeys}. */
export function throwUnknownKey(key: string, known: Iterable<string>, path = '', kind = 'an option'): never {
  throw unknownKeyError(key, known, path, kind);
}

/** The error for an unknown key, naming the closest valid name (or listing them all). */
export function unknownKeyError(key: string, known: Iterable<string>, path = '', kind = 'an option'): InvalidArgumentError {
  const field = path === '' ? key : `${path}.${key}`;
  const candidates = [...known];
  const suggestion = closestName(key, candidates);
  const hint = suggestion !== undefined ? `did you mean \`${suggestion}\`?` : `expected one of ${candidates.map((name) => `\`${name}\``).join(', ')}.`;
  return new InvalidArgumentError(field, `\`${field}\` is not ${kind}; ${hint}`);
}

/** Splits `maxUsdPerRequest` / `max_usd-per request` into lower-case words. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/)
    .filter((word) => word.length > 0);
}

/** Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[] = new Array<number>(rows * columns);
  for (let i = 0; i < rows; i++) table[i * columns] = i;
  for (let j = 0; j < columns; j++) table[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(table[(i - 1) * columns + j]! + 1, table[i * columns + j - 1]! + 1, table[(i - 1) * columns + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, table[(i - 2) * columns + j - 2]! + 1);
      table[i * columns + j] = best;
    }
  }
  return table[rows * columns - 1]!;
}

/**
 * The valid name closest to a misspelt one, or `undefined` when none is close. Two measures, the
 * better one counts: edit distance (typos, case: `perRequestUSD`, `maxRetry`) and shared camelCase
 * words (reordered names: `maxUsdPerRequest` → `perRequestUsd`).
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const words = new Set(wordsOf(name));
  let best: string | undefined;
  let bestScore = 0;
  for (const candidate of candidates) {
    const candidateLower = candidate.toLowerCase();
    const editScore = 1 - editDistance(lower, candidateLower) / Math.max(lower.length, candidateLower.length, 1);
    const candidateWords = wordsOf(candidate);
    let shared = 0;
    for (const word of candidateWords) if (words.has(word)) shared++;
    const wordScore = words.size + candidateWords.length === 0 ? 0 : (2 * shared) / (words.size + candidateWords.length);
    const score = Math.max(editScore, wordScore);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return bestScore >= 0.5 ? best : undefined;
}

/** Throws unless `value` is an integer ≥ `minimum` (or `Infinity` when `allowInfinity`). */
export function expectInteger(field: string, value: unknown, minimum: number, allowInfinity = false): void {
  if (typeof value === 'number' && (Number.isInteger(value) || (allowInfinity && value === Infinity)) && value >= minimum) return;
  failOption(field, minimum === 0 ? 'a non-negative integer' : minimum === 1 ? 'a positive integer' : `an integer ≥ ${minimum}`, value);
}

/** Throws unless `value` is a finite number ≥ `minimum` (> `minimum` when `isExclusive`). */
export function expectNumber(field: string, value: unknown, minimum: number, isExclusive = false): void {
  if (typeof value === 'number' && Number.isFinite(value) && (isExclusive ? value > minimum : value >= minimum)) return;
  failOption(
    field,
    minimum === 0 ? (isExclusive ? 'a positive number' : 'a non-negative number') : `a number ${isExclusive ? '>' : '≥'} ${minimum}`,
    value,
  );
}

/** Throws unless `value` is a finite number in the interval (0, 1]. */
export function expectFraction(field: string, value: unknown): void {
  if (typeof value === 'number' && value > 0 && value <= 1) return;
  failOption(field, 'a number in (0, 1]', value);
}

/** Throws unless `value` is a positive, finite number of milliseconds. */
export function expectDurationMs(field: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return;
  failOption(field, 'a positive number of milliseconds', value);
}

/** Throws unless `value` is one of `values`. */
export function expectOneOf<T>(field: string, value: unknown, values: readonly T[]): asserts value is T {
  if (values.includes(value as T)) return;
  failOption(field, `one of ${values.map((item) => JSON.stringify(item)).join(', ')}`, value);
}

/** Throws unless `value` is a function. */
export function expectFunction(field: string, value: unknown): void {
  if (typeof value !== 'function') failOption(field, 'a function', value);
}

/** Throws unless `value` is a boolean. */
export function expectBoolean(field: string, value: unknown): void {
  if (typeof value === 'boolean') return;
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be a boolean, got ${describeValue(value)}.`);
}

/** Throws unless `value` is a non-empty string. */
export function expectNonEmptyString(field: string, value: unknown): void {
  if (typeof value === 'string' && value !== '') return;
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be a non-empty string, got ${describeValue(value)}.`);
}

/** Returns `value` without trailing slashes; throws unless it is an http(s) URL. */
export function expectHttpURL(field: string, value: unknown): string {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
    } catch {
      // Reported below.
    }
  }
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be an http(s) URL, got ${describeValue(value)}.`);
}
