import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { convertToGeminiSchema } from '../../../../src/providers/gemini/convert-to-gemini-schema.js';

describe('convertToGeminiSchema', () => {
  it('drops $schema, additionalProperties, default, examples and $comment', () => {
    expect(
      convertToGeminiSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        $comment: 'x',
        properties: { city: { type: 'string', default: 'Paris', examples: ['Rome'], description: 'A city' } },
        required: ['city'],
      }),
    ).toEqual({ type: 'object', properties: { city: { type: 'string', description: 'A city' } }, required: ['city'] });
  });

  it('keeps an empty object schema as an object with no properties', () => {
    expect(convertToGeminiSchema({ type: 'object', properties: {}, additionalProperties: false })).toEqual({
      type: 'object',
      properties: {},
    });
  });

  it('turns const into a one-value enum and keeps enums', () => {
    expect(convertToGeminiSchema({ type: 'string', const: 'c' })).toEqual({ type: 'string', enum: ['c'] });
    expect(convertToGeminiSchema({ type: 'string', enum: ['c', 'f'] })).toEqual({ type: 'string', enum: ['c', 'f'] });
  });

  it('turns a type array with null into the type plus nullable', () => {
    expect(convertToGeminiSchema({ type: ['string', 'null'] })).toEqual({ type: 'string', nullable: true });
  });

  it('turns a type array of several non-null types into anyOf', () => {
    expect(convertToGeminiSchema({ type: ['string', 'number', 'null'] })).toEqual({
      nullable: true,
      anyOf: [{ type: 'string' }, { type: 'number' }],
    });
  });

  it('flattens anyOf [X, null] (zod nullable) into X with nullable', () => {
    expect(convertToGeminiSchema({ anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }], description: 'Age' })).toEqual({
      type: 'integer',
      minimum: 0,
      nullable: true,
      description: 'Age',
    });
  });

  it('keeps anyOf with several members and maps oneOf to anyOf', () => {
    expect(convertToGeminiSchema({ anyOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'integer' }],
    });
    expect(convertToGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'boolean' }] })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'boolean' }],
    });
  });

  it('inlines $ref to $defs and definitions, with sibling keywords winning', () => {
    expect(
      convertToGeminiSchema({
        type: 'object',
        properties: {
          home: { $ref: '#/$defs/Address', description: 'Home address' },
          work: { $ref: '#/definitions/Address' },
        },
        $defs: { Address: { type: 'object', properties: { street: { type: 'string' } }, description: 'An address' } },
        definitions: { Address: { type: 'object', properties: { zip: { type: 'string' } } } },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        home: { type: 'object', description: 'Home address', properties: { street: { type: 'string' } } },
        work: { type: 'object', properties: { zip: { type: 'string' } } },
      },
    });
  });

  it('cuts a recursive $ref to a plain object instead of looping', () => {
    const converted = convertToGeminiSchema({
      $ref: '#/$defs/Node',
      $defs: {
        Node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } },
      },
    });
    expect(converted).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { type: 'object' } } },
    });
  });

  it('keeps supported formats and drops the others', () => {
    expect(
      convertToGeminiSchema({
        type: 'object',
        properties: {
          when: { type: 'string', format: 'date-time' },
          mail: { type: 'string', format: 'email' },
          id: { type: 'string', format: 'uuid' },
          big: { type: 'integer', format: 'int64' },
          ratio: { type: 'number', format: 'double' },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        when: { type: 'string', format: 'date-time' },
        mail: { type: 'string' },
        id: { type: 'string' },
        big: { type: 'integer', format: 'int64' },
        ratio: { type: 'number', format: 'double' },
      },
    });
  });

  it('converts array items and copies length and range limits', () => {
    expect(
      convertToGeminiSchema({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 5, pattern: '^a' }, minItems: 1, maxItems: 3 }),
    ).toEqual({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 5, pattern: '^a' }, minItems: 1, maxItems: 3 });
  });

  it('merges a one-member allOf', () => {
    expect(convertToGeminiSchema({ allOf: [{ type: 'string', enum: ['a'] }], description: 'Letter' })).toEqual({
      type: 'string',
      enum: ['a'],
      description: 'Letter',
    });
  });

  it('converts what z.toJSONSchema writes for a typical tool', () => {
    const schema = z.toJSONSchema(
      z.object({
        city: z.string().describe('City name'),
        unit: z.enum(['c', 'f']).default('c'),
        days: z.number().int().min(1).nullable(),
        tags: z.array(z.string()).optional(),
      }),
    ) as Record<string, unknown>;
    expect(convertToGeminiSchema(schema)).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { type: 'string', enum: ['c', 'f'] },
        days: expect.objectContaining({ type: 'integer', minimum: 1, nullable: true }),
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: expect.arrayContaining(['city', 'days']),
    });
  });
});
