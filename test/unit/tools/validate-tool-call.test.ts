import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolInputInvalidError } from '../../../src/errors/errors.js';
import { tool } from '../../../src/tools/tool.js';
import { indexTools, validateToolCall } from '../../../src/tools/validate-tool-call.js';

const weather = tool({
  name: 'get_weather',
  parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c'), days: z.number().int().min(1).max(7).optional() }),
});
const order = tool({
  name: 'place_order',
  parameters: z.strictObject({ items: z.array(z.strictObject({ sku: z.string(), qty: z.number().int().positive() })).min(1) }),
});
const tools = indexTools([weather, order]);

function issuesOf(call: Parameters<typeof validateToolCall>[0], options?: Parameters<typeof validateToolCall>[2]) {
  const result = validateToolCall(call, tools, options);
  if (result.isValid) throw new Error('expected an invalid call');
  expect(result.error).toBeInstanceOf(ToolInputInvalidError);
  expect(result.error.code).toBe('RLLM_TOOL_INPUT_INVALID');
  expect(result.error.toolCallId).toBe(call.id);
  return result.error.issues.map(({ path, expected, received }) => ({ path, expected, received }));
}

describe('validateToolCall', () => {
  it('returns the schema output with defaults applied', () => {
    const result = validateToolCall({ id: 'c1', name: 'get_weather', args: { city: 'Paris' } }, tools);
    expect(result).toEqual({ isValid: true, isLocallyRepaired: false, toolCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris', unit: 'c' } } });
  });

  it('reports a wrong type with path, expected and received', () => {
    expect(issuesOf({ id: 'c1', name: 'get_weather', args: { city: 42, unit: 'kelvin' } })).toEqual([
      { path: 'city', expected: 'string', received: 'number 42' },
      { path: 'unit', expected: 'one of "c", "f"', received: 'string "kelvin"' },
    ]);
  });

  it('reports a missing field as missing', () => {
    expect(issuesOf({ id: 'c1', name: 'get_weather', args: { unit: 'c' } })).toEqual([
      { path: 'city', expected: 'string', received: 'nothing (the field is missing)' },
    ]);
  });

  it('reports each extra field under a strict schema, nested paths included', () => {
    expect(issuesOf({ id: 'c1', name: 'place_order', args: { items: [{ sku: 'A', qty: 0, colour: 'red' }], rush: true } })).toEqual([
      { path: 'items[0].qty', expected: 'a number at least 0 (exclusive)', received: 'number 0' },
      { path: 'items[0].colour', expected: 'no property "colour" (it is not in the schema; remove it)', received: 'string "red"' },
      { path: 'rush', expected: 'no property "rush" (it is not in the schema; remove it)', received: 'boolean true' },
    ]);
  });

  it('reports an unknown tool with the names of the available ones', () => {
    expect(issuesOf({ id: 'c1', name: 'get_wether', args: {} })).toEqual([
      { path: '', expected: 'the name of an available tool: "get_weather", "place_order"', received: 'a call to unknown tool "get_wether"' },
    ]);
  });

  it('reports unparseable arguments with the parser message and the text', () => {
    const [issue] = issuesOf({ id: 'c1', name: 'get_weather', args: {}, argsText: '{"city": Paris}' });
    expect(issue!.expected).toBe('a JSON object of arguments');
    expect(issue!.received).toMatch(/^text that is not valid JSON \(.+\): "\{\\"city\\": Paris\}"$/);
  });

  it('repairs common slips locally and then validates', () => {
    const result = validateToolCall({ id: 'c1', name: 'get_weather', args: {}, argsText: "```json\n{city: 'Paris', unit: 'f',}\n```" }, tools);
    expect(result).toEqual({ isValid: true, isLocallyRepaired: true, toolCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris', unit: 'f' } } });
  });

  it('treats null for an optional field as absent (what OpenAI strict mode sends)', () => {
    const result = validateToolCall({ id: 'c1', name: 'get_weather', args: { city: 'Paris', unit: null, days: null } }, tools);
    expect(result).toMatchObject({ isValid: true, isLocallyRepaired: true, toolCall: { args: { city: 'Paris', unit: 'c' } } });
    // null for a required field is still an error.
    expect(issuesOf({ id: 'c2', name: 'get_weather', args: { city: null } })).toEqual([{ path: 'city', expected: 'string', received: 'null' }]);
  });

  it('refuses a call cut by the output token limit', () => {
    expect(issuesOf({ id: 'c1', name: 'get_weather', argsText: '{"city": "Pa' }, { isIncomplete: true })[0]!.received).toMatch(/cut off by the output token limit/);
  });

  it('keeps vendor metadata (Gemini thought signatures) on the validated call', () => {
    const result = validateToolCall({ id: 'c1', name: 'get_weather', args: { city: 'Oslo' }, providerMetadata: { thoughtSignature: 'sig' } }, tools);
    expect(result.isValid && result.toolCall.providerMetadata).toEqual({ thoughtSignature: 'sig' });
  });
});
