import type { z } from 'zod';
import type { ToolIssue } from '../errors/errors.js';

type ZodIssue = z.core.$ZodIssue;

const MAX_TEXT = 80;

/** `city`, `items[0].qty`; empty for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      text += /^[A-Za-z_$][\w$]*$/.test(key) ? (text === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}

/** Describes a value for a model: `number 3`, `string "kelvin"`, `an object with keys a, b`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    default:
      break;
  }
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}`;
  }
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in (current as object))) return { found: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current };
}

function issue(path: string, expected: string, received: string): ToolIssue {
  return { path, expected, received, message: `${path === '' ? '(root)' : path}: expected ${expected}, received ${received}` };
}

function bound(value: unknown, inclusive: boolean | undefined, word: 'least' | 'most'): string {
  return `at ${word} ${String(value)}${inclusive === false ? ' (exclusive)' : ''}`;
}

function sizeExpectation(zodIssue: Extract<ZodIssue, { code: 'too_small' | 'too_big' }>): string {
  const isMinimum = zodIssue.code === 'too_small';
  const limit = isMinimum ? (zodIssue as { minimum: unknown }).minimum : (zodIssue as { maximum: unknown }).maximum;
  const word = isMinimum ? 'least' : 'most';
  switch (zodIssue.origin) {
    case 'string':
      return `a string of at ${word} ${String(limit)} characters`;
    case 'array':
    case 'set':
      return `at ${word} ${String(limit)} items`;
    default:
      return `a number ${bound(limit, zodIssue.inclusive, word)}`;
  }
}

/**
 * Turns zod issues into `ToolIssue`s that say exactly where, what was expected and what was
 * received, so a model can fix its call. `input` is the value that was validated. Unknown keys
 * become one issue per key; a union failure reports the branch that came closest.
 */
export function toToolIssues(issues: readonly ZodIssue[], input: unknown, basePath: readonly PropertyKey[] = []): ToolIssue[] {
  const result: ToolIssue[] = [];
  for (const zodIssue of issues) {
    const fullPath = [...basePath, ...zodIssue.path];
    const path = formatPath(fullPath);
    const located = valueAt(input, fullPath);
    const received = located.found ? describeValue(located.value) : 'nothing (the field is missing)';
    switch (zodIssue.code) {
      case 'invalid_type':
        result.push(issue(path, zodIssue.expected === 'int' ? 'an integer' : zodIssue.expected, received));
        break;
      case 'invalid_value':
        result.push(
          issue(path, zodIssue.values.length === 1 ? JSON.stringify(zodIssue.values[0]) : `one of ${zodIssue.values.map((value) => JSON.stringify(value)).join(', ')}`, received),
        );
        break;
      case 'unrecognized_keys':
        for (const key of zodIssue.keys) {
          const keyPath = formatPath([...fullPath, key]);
          result.push(issue(keyPath, `no property "${key}" (it is not in the schema; remove it)`, describeValue(valueAt(input, [...fullPath, key]).value)));
        }
        break;
      case 'too_small':
      case 'too_big':
        result.push(issue(path, sizeExpectation(zodIssue), received));
        break;
      case 'not_multiple_of':
        result.push(issue(path, `a multiple of ${String(zodIssue.divisor)}`, received));
        break;
      case 'invalid_format':
        result.push(issue(path, zodIssue.format === 'regex' && 'pattern' in zodIssue ? `a string matching /${String(zodIssue.pattern)}/` : `a string in ${zodIssue.format} format`, received));
        break;
      case 'invalid_union': {
        const branches = zodIssue.errors.filter((branch) => branch.length > 0);
        const closest = branches.reduce<readonly ZodIssue[] | undefined>((best, branch) => (best === undefined || branch.length < best.length ? branch : best), undefined);
        if (closest && branches.length > 0 && !('note' in zodIssue && zodIssue.note === 'No matching discriminator')) {
          result.push(...toToolIssues(closest, input, fullPath));
        } else {
          result.push(issue(path, 'one of the allowed shapes', received));
        }
        break;
      }
      case 'invalid_key':
      case 'invalid_element':
        result.push(...toToolIssues(zodIssue.issues, input, fullPath));
        break;
      default:
        result.push(issue(path, zodIssue.message, received));
    }
  }
  return result;
}

/** A tool-level issue (unknown tool, unparseable arguments), not tied to one field. */
export function rootIssue(expected: string, received: string): ToolIssue {
  return issue('', expected, received);
}
