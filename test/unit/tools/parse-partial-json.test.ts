import { describe, expect, it } from 'vitest';
import { parsePartialJson } from '../../../src/tools/parse-partial-json.js';

describe('parsePartialJson', () => {
  it.each([
    ['{', {}],
    ['{"ci', {}],
    ['{"city"', {}],
    ['{"city":', {}],
    ['{"city": "Par', { city: 'Par' }],
    ['{"city": "Paris", "temp', { city: 'Paris' }],
    ['{"city": "Paris", "temp": 2', { city: 'Paris' }],
    ['{"city": "Paris", "temp": 21,', { city: 'Paris', temp: 21 }],
    ['{"tags": ["a", "b', { tags: ['a', 'b'] }],
    ['{"tags": ["a", {"x": tr', { tags: ['a', {}] }],
    ['{"text": "a\\', { text: 'a' }],
    ['{"text": "caf\\u00', { text: 'caf' }],
    ['{"n": {"deep": [1, 2]}, "m"', { n: { deep: [1, 2] } }],
  ])('reads %s as the object so far', (text, expected) => {
    expect(parsePartialJson(text)).toEqual({ value: expected, isComplete: false });
  });

  it('reports a complete value as complete', () => {
    expect(parsePartialJson('{"a": [1, true, null]}')).toEqual({ value: { a: [1, true, null] }, isComplete: true });
    expect(parsePartialJson('42')).toEqual({ value: 42, isComplete: true });
  });

  it('returns undefined before anything usable arrived, or for non-JSON', () => {
    expect(parsePartialJson('')).toBeUndefined();
    expect(parsePartialJson('  ')).toBeUndefined();
    expect(parsePartialJson('{"a": x}')).toBeUndefined();
  });

  it('grows monotonically over every prefix of a real object', () => {
    const full = JSON.stringify({ title: 'Dune', year: 1965, tags: ['sf', 'classic'], author: { name: 'Frank "F" Herbert' } });
    let previousKeys = 0;
    for (let end = 1; end <= full.length; end++) {
      const parsed = parsePartialJson(full.slice(0, end));
      if (!parsed) continue;
      const keys = Object.keys(parsed.value as object).length;
      expect(keys).toBeGreaterThanOrEqual(previousKeys);
      previousKeys = keys;
    }
    expect(parsePartialJson(full)).toEqual({ value: JSON.parse(full), isComplete: true });
  });
});
