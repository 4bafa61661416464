import { InvalidArgumentError } from '../errors/errors.js';

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Throws unless `value` is an integer ≥ `minimum` (or `Infinity` when `allowInfinity`). */
export function expectInteger(field: string, value: unknown, minimum: number, allowInfinity = false): void {
  if (typeof value === 'number' && (Number.isInteger(value) || (allowInfinity && value === Infinity)) && value >= minimum) return;
  const kind = minimum === 0 ? 'a non-negative integer' : minimum === 1 ? 'a positive integer' : `an integer ≥ ${minimum}`;
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be ${kind}, got ${describeValue(value)}.`);
}

/** Throws unless `value` is a finite number ≥ `minimum` (> `minimum` when `isExclusive`). */
export function expectNumber(field: string, value: unknown, minimum: number, isExclusive = false): void {
  if (typeof value === 'number' && Number.isFinite(value) && (isExclusive ? value > minimum : value >= minimum)) return;
  const kind = minimum === 0 ? (isExclusive ? 'a positive number' : 'a non-negative number') : `a number ${isExclusive ? '>' : '≥'} ${minimum}`;
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be ${kind}, got ${describeValue(value)}.`);
}

/** Throws unless `value` is a finite number in the interval (0, 1]. */
export function expectFraction(field: string, value: unknown): void {
  if (typeof value === 'number' && value > 0 && value <= 1) return;
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be a number in (0, 1], got ${describeValue(value)}.`);
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

/** Throws unless `value` is one of `allowed`. */
export function expectOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return;
  throw new InvalidArgumentError(
    field,
    `Expected \`${field}\` to be one of ${allowed.map((entry) => JSON.stringify(entry)).join(', ')}, got ${describeValue(value)}.`,
  );
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
