import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartialJsonParser, parsePartialJson } from '../../../src/tools/parse-partial-json.js';
import { parsePartialJson as quadraticParsePartialJson } from './reference/quadratic-parse-partial-json.js';

const jsonValue = fc.jsonValue({ maxDepth: 4 });

describe('PartialJsonParser', () => {
  it('reads every prefix of any JSON value as the previous whole-text parser did', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer({ min: 0, max: 2 }), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        for (let end = 1; end <= text.length; end++) {
          const prefix = text.slice(0, end);
          expect(parsePartialJson(prefix), prefix).toEqual(quadraticParsePartialJson(prefix));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same value fed in any split as parsed whole', () => {
    fc.assert(
      fc.property(jsonValue, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 30 }), (value, steps) => {
        const text = JSON.stringify(value);
        const parser = new PartialJsonParser();
        for (let index = 0, step = 0; index < text.length; step++) {
          const length = steps[step % steps.length]!;
          parser.feed(text.slice(index, index + length));
          index += length;
          expect(parser.snapshot()).toEqual(parsePartialJson(text.slice(0, index)));
        }
        expect(parser.snapshot()).toEqual({ value: JSON.parse(text), isComplete: true });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps earlier snapshots unchanged as more text arrives', () => {
    const parser = new PartialJsonParser();
    parser.feed('{"list": [{"a": 1}, "x');
    const first = parser.snapshot()!.value;
    parser.feed('yz", 2], "b": {"c": true}}');
    expect(first).toEqual({ list: [{ a: 1 }, 'x'] });
    expect(parser.snapshot()).toEqual({ value: { list: [{ a: 1 }, 'xyz', 2], b: { c: true } }, isComplete: true });
  });

  it('sets __proto__ as an own property, as JSON.parse does', () => {
    const parsed = parsePartialJson('{"__proto__": {"polluted": true}, "b": [')!.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a trailing comma before a closer and refuses other slips', () => {
    expect(parsePartialJson('[1, 2,]')).toEqual({ value: [1, 2], isComplete: true });
    expect(parsePartialJson('{"a": 1,}')).toEqual({ value: { a: 1 }, isComplete: true });
    for (const text of ['{"a": 1]', '[1 2]', '{"a" 1}', '{1: 2}', '["a\\x"]', '["a\nb"]', '{"a": 1} {', '[01]', '[tru]', ']']) {
      expect(parsePartialJson(text), text).toBeUndefined();
    }
  });

  it('bumps its version only when the visible value changes', () => {
    const parser = new PartialJsonParser();
    const versions: number[] = [];
    for (const delta of ['{"ti', 'tle"', ': ', '"Du', 'ne"', ', "year": 19', '65', '}']) {
      parser.feed(delta);
      versions.push(parser.version);
    }
    // {}: 1; key and colon: no change; "Du": opened and grew; "ne" grew, closing quote no change;
    // the number only counts once it ends; the closer changes nothing.
    expect(versions).toEqual([1, 1, 1, 3, 4, 4, 4, 5]);
  });

  it('spaces snapshots of a huge open array so that copying stays linear, and flushes on demand', () => {
    const parser = new PartialJsonParser();
    parser.feed('[' + '1,'.repeat(10_000));
    expect(parser.take()).toBeDefined();
    parser.feed('2,');
    // 10,001 open entries to copy for 2 new characters: held back.
    expect(parser.take()).toBeUndefined();
    expect((parser.take(true)!.value as unknown[]).length).toBe(10_001);
    expect(parser.take(true)).toBeUndefined();
  });
});
