import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import { toStrictJsonSchema } from '../../../src/tools/to-strict-json-schema.js';
import { toToolSpec } from '../../../src/tools/to-tool-spec.js';
import { tool, type ToolArgs } from '../../../src/tools/tool.js';

const weather = tool({
  name: 'get_weather',
  description: 'Current weather',
  parameters: z.object({ city: z.string().describe('City name'), unit: z.enum(['c', 'f']).default('c'), days: z.number().int().optional() }),
  execute: async ({ city, unit }) => ({ city, unit, temperature: 21 }),
});

describe('tool', () => {
  it('computes the input JSON Schema once, without $schema, with defaulted fields optional', () => {
    expect(weather.jsonSchema.$schema).toBeUndefined();
    expect(weather.jsonSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['c', 'f'], default: 'c' } },
      required: ['city'],
    });
    expectTypeOf<ToolArgs<typeof weather>>().toEqualTypeOf<{ city: string; unit: 'c' | 'f'; days?: number | undefined }>();
  });

  it('validates plain JSON Schema tools through z.fromJSONSchema', () => {
    const search = tool({
      name: 'search',
      parameters: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false },
    });
    expect(search.jsonSchema.$schema).toBeUndefined();
    expect(search.inputSchema.safeParse({ q: 'x' }).success).toBe(true);
    expect(search.inputSchema.safeParse({ q: 1 }).success).toBe(false);
    expect(search.inputSchema.safeParse({ q: 'x', extra: true }).success).toBe(false);
  });

  it('rejects a bad name, a non-object schema and a non-function execute eagerly', () => {
    expect(() => tool({ name: 'has space', parameters: z.object({}) })).toThrow(InvalidArgumentError);
    expect(() => tool({ name: 'list', parameters: z.array(z.string()) as never })).toThrow(/describe an object/);
    expect(() => tool({ name: 'x', parameters: z.object({}), execute: 3 as never })).toThrow(/`execute` of tool "x" to be a function/);
  });
});

describe('toToolSpec', () => {
  it('sends the plain schema when strict is not asked', () => {
    expect(toToolSpec(weather)).toEqual({ name: 'get_weather', description: 'Current weather', parameters: weather.jsonSchema });
  });

  it('rewrites a strict tool for OpenAI: all required, no extra properties, optional as nullable, no default', () => {
    const strict = tool({ name: 'get_weather', parameters: weather.parameters as z.ZodType, strict: true });
    const spec = toToolSpec(strict, { vendor: 'openai' });
    expect(spec.strict).toBe(true);
    expect(spec.parameters).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { type: ['string', 'null'], enum: ['c', 'f', null] },
        days: { type: ['integer', 'null'], minimum: -9007199254740991, maximum: 9007199254740991 },
      },
      required: ['city', 'unit', 'days'],
      additionalProperties: false,
    });
    // Anthropic and Gemini get the plain schema; Gemini's adapter converts it to its subset.
    expect(toToolSpec(strict, { vendor: 'anthropic' })).toEqual({ name: 'get_weather', parameters: weather.jsonSchema });
  });

  it('falls back to strict: false for a schema with free-form keys', () => {
    const strict = tool({ name: 'tags', parameters: z.object({ tags: z.record(z.string(), z.number()) }), strict: true });
    const spec = toToolSpec(strict);
    expect(spec.strict).toBe(false);
    expect(spec.parameters).toBe(strict.jsonSchema);
  });
});

describe('toToolSpec caching', () => {
  it('returns one frozen spec per tool and mode, so what depends on the spec is computed once', () => {
    const strict = tool({ name: 'get_weather', parameters: weather.parameters as z.ZodType, strict: true });
    expect(Object.isFrozen(strict)).toBe(true);
    const first = toToolSpec(strict, { vendor: 'openai' });
    expect(toToolSpec(strict, { vendor: 'openai' })).toBe(first);
    expect(toToolSpec(strict)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const plain = toToolSpec(strict, { vendor: 'anthropic' });
    expect(plain).not.toBe(first);
    expect(plain.strict).toBeUndefined();
    expect(toToolSpec(strict, { vendor: 'gemini' })).toBe(plain);
  });

  it('cannot be changed behind its cache: a tool is frozen', () => {
    expect(() => {
      (weather as { description?: string }).description = 'changed';
    }).toThrow(TypeError);
    expect(toToolSpec(weather).description).toBe('Current weather');
  });
});

describe('toStrictJsonSchema', () => {
  it('makes nested objects, arrays, refs and optional objects strict', () => {
    const schema = z.toJSONSchema(
      z.object({ items: z.array(z.object({ sku: z.string(), note: z.string().optional() })), ship: z.object({ city: z.string() }).optional() }),
      { io: 'input' },
    );
    const strict = toStrictJsonSchema(schema as Record<string, unknown>)!;
    expect(strict).toMatchObject({
      required: ['items', 'ship'],
      additionalProperties: false,
      properties: {
        items: { type: 'array', items: { required: ['sku', 'note'], additionalProperties: false, properties: { note: { type: ['string', 'null'] } } } },
        ship: { type: ['object', 'null'], required: ['city'], additionalProperties: false },
      },
    });
  });
});
