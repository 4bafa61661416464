import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import { toolFromSpec } from '../../../src/tools/tool-from-spec.js';

const spec = () => ({
  name: 'lookup',
  description: 'Finds a record',
  parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false },
});

describe('toolFromSpec', () => {
  it('makes one tool for equal specs, even when each call writes the spec inline', () => {
    const first = toolFromSpec(spec());
    expect(toolFromSpec(spec())).toBe(first);
    expect(first.inputSchema.safeParse({ id: 'a' }).success).toBe(true);
    expect(first.inputSchema.safeParse({ id: 1 }).success).toBe(false);
  });

  it('makes a new tool when the caller changes the spec object, and the old tool keeps its schema', () => {
    const given = spec();
    const before = toolFromSpec(given);
    (given.parameters.properties.id as { type: string }).type = 'number';
    const after = toolFromSpec(given);
    expect(after).not.toBe(before);
    expect(after.inputSchema.safeParse({ id: 1 }).success).toBe(true);
    expect(before.inputSchema.safeParse({ id: 1 }).success).toBe(false);
    expect(before.jsonSchema).toEqual(spec().parameters);
  });

  it('caches a frozen spec by identity', () => {
    const frozen = Object.freeze({ ...spec(), name: 'frozen_lookup' });
    expect(toolFromSpec(frozen)).toBe(toolFromSpec(frozen));
    expect(toolFromSpec(frozen).name).toBe('frozen_lookup');
  });

  it('rejects an invalid spec on every call: nothing is cached for it', () => {
    const bad = { name: 'bad name', parameters: { type: 'object' } };
    expect(() => toolFromSpec(bad)).toThrow(InvalidArgumentError);
    expect(() => toolFromSpec(bad)).toThrow(InvalidArgumentError);
  });
});
