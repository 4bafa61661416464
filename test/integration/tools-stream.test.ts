import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StreamPart } from '../../src/client/types.js';
import { ToolRepairError } from '../../src/errors/errors.js';
import type { ServerStep } from '../../src/testing/index.js';
import { prepareToolRequest } from '../../src/tools/run-with-tool-repairs.js';
import { structuredOutput } from '../../src/tools/structured-output.js';
import { tool } from '../../src/tools/tool.js';
import { validateStream } from '../../src/tools/validate-stream.js';
import { vendorClientForTest, type Vendor } from './helpers/server-for-test.js';

const MODELS: Record<Vendor, string> = { openai: 'gpt-x', anthropic: 'claude-x', gemini: 'gemini-x' };

async function setup(vendor: Vendor, steps: readonly ServerStep[]) {
  return (await vendorClientForTest(vendor, MODELS[vendor], steps)).llm;
}

async function collect(source: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of source) parts.push(part);
  return parts;
}

const Movie = z.object({ title: z.string(), year: z.number().int() });
const output = structuredOutput(Movie);
const weather = tool({ name: 'get_weather', parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }) });

describe.each(['openai', 'anthropic', 'gemini'] as const)('validated streams over the %s wire format', (vendor) => {
  it('streams partial objects as the JSON grows and finishes with the validated object', async () => {
    const json = '{"title": "Dune", "year": 1965}';
    const step: ServerStep = vendor === 'anthropic' ? { toolCalls: [{ name: 'response', args: JSON.parse(json) }], chunkSize: 6 } : { chunks: json.match(/.{1,6}/g)!, chunkSize: 6 };
    const client = await setup(vendor, [step]);
    const request = prepareToolRequest({ model: 'main', messages: [{ role: 'user', content: 'Dune as JSON' }] }, [], output, vendor);
    const parts = await collect(validateStream(client.stream(request), { output }));
    const partials = parts.filter((part) => part.type === 'partial-object').map((part) => (part as { object: unknown }).object);
    expect(partials.length).toBeGreaterThan(2);
    expect(partials[0]).toEqual({});
    expect(partials).toContainEqual({ title: 'Dune' });
    expect(partials.at(-1)).toEqual({ title: 'Dune', year: 1965 });
    const finish = parts.at(-1)!;
    expect(finish.type === 'finish' ? finish.response.object : undefined).toEqual({ title: 'Dune', year: 1965 });
    expect(parts.some((part) => part.type === 'tool-call' || part.type === 'tool-call-delta')).toBe(false);
  });

  it('emits a validated tool-call part and fails the stream on an invalid call', async () => {
    const client = await setup(vendor, [{ toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] }, { toolCalls: [{ name: 'get_weather', args: { city: 3 } }] }]);
    const request = prepareToolRequest({ model: 'main', messages: [{ role: 'user', content: 'Weather?' }] }, [weather], undefined, vendor);
    const parts = await collect(validateStream(client.stream(request), { tools: [weather] }));
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([{ type: 'tool-call', toolCall: expect.objectContaining({ name: 'get_weather', args: { city: 'Paris', unit: 'c' } }) }]);
    const seen: StreamPart[] = [];
    const error = await (async () => {
      for await (const part of validateStream(client.stream(request), { tools: [weather] })) seen.push(part);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolRepairError);
    expect(seen.some((part) => part.type === 'tool-call' || part.type === 'finish')).toBe(false);
  });
});
