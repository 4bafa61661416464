import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StreamPart } from '../../../src/client/types.js';
import { ToolRepairError } from '../../../src/errors/errors.js';
import { structuredOutput } from '../../../src/tools/structured-output.js';
import { tool } from '../../../src/tools/tool.js';
import { validateStream } from '../../../src/tools/validate-stream.js';
import { fakeResponse } from './fake-response.js';

async function* from(parts: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts;
}

async function collect(source: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of source) parts.push(part);
  return parts;
}

const weather = tool({ name: 'get_weather', parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }) });

describe('validateStream', () => {
  it('passes each completed tool call on with validated arguments and validates the final response', async () => {
    const call = { id: 'a', name: 'get_weather', args: { city: 'Paris' } };
    const parts = await collect(
      validateStream(
        from([
          { type: 'tool-call-delta', index: 0, id: 'a', name: 'get_weather', argsTextDelta: '{"city":"Paris"}' },
          { type: 'tool-call', toolCall: call },
          { type: 'finish', response: fakeResponse({ toolCalls: [call] }) },
        ]),
        { tools: [weather] },
      ),
    );
    expect(parts[1]).toEqual({ type: 'tool-call', toolCall: { id: 'a', name: 'get_weather', args: { city: 'Paris', unit: 'c' } } });
    expect((parts[2]!.type === 'finish' ? parts[2]!.response.toolCalls : undefined)).toEqual([{ id: 'a', name: 'get_weather', args: { city: 'Paris', unit: 'c' } }]);
  });

  it('holds back an invalid tool call and fails the stream with ToolRepairError', async () => {
    const call = { id: 'a', name: 'get_weather', args: { city: 3 } };
    const seen: StreamPart[] = [];
    const error = await (async () => {
      for await (const part of validateStream(from([{ type: 'tool-call', toolCall: call }, { type: 'finish', response: fakeResponse({ toolCalls: [call] }) }]), { tools: [weather] })) {
        seen.push(part);
      }
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual([]);
    expect(error).toBeInstanceOf(ToolRepairError);
    expect((error as ToolRepairError).repairAttempts[0]!.errors[0]!.issues[0]).toMatchObject({ path: 'city', expected: 'string', received: 'number 3' });
  });

  it('streams partial objects from text as the JSON grows, then the validated object', async () => {
    const output = structuredOutput(z.object({ title: z.string(), year: z.number() }));
    const chunks = ['Sure: {"ti', 'tle": "Du', 'ne", "ye', 'ar": 19', '65}'];
    const parts = await collect(
      validateStream(from([...chunks.map((text): StreamPart => ({ type: 'text-delta', text })), { type: 'finish', response: fakeResponse({ text: chunks.join('') }) }]), { output }),
    );
    const partials = parts.filter((part) => part.type === 'partial-object').map((part) => (part as { object: unknown }).object);
    expect(partials).toEqual([{}, { title: 'Du' }, { title: 'Dune' }, { title: 'Dune', year: 1965 }]);
    const finish = parts.at(-1)!;
    expect(finish.type === 'finish' && finish.response.object).toEqual({ title: 'Dune', year: 1965 });
  });

  it('streams partial objects from the Anthropic forced tool without exposing it as a tool call', async () => {
    const output = structuredOutput(z.object({ title: z.string() }), { name: 'movie' });
    const call = { id: 't', name: 'movie', args: { title: 'Dune' } };
    const parts = await collect(
      validateStream(
        from([
          { type: 'tool-call-delta', index: 0, id: 't', name: 'movie', argsTextDelta: '{"title": "Du' },
          { type: 'tool-call-delta', index: 0, id: 't', name: 'movie', argsTextDelta: 'ne"}' },
          { type: 'tool-call', toolCall: call },
          { type: 'finish', response: fakeResponse({ toolCalls: [call] }) },
        ]),
        { output },
      ),
    );
    expect(parts.map((part) => part.type)).toEqual(['partial-object', 'partial-object', 'finish']);
    const finish = parts.at(-1)!;
    expect(finish.type === 'finish' && [finish.response.object, finish.response.toolCalls]).toEqual([{ title: 'Dune' }, []]);
  });

  it('starts the partial object over after a reset', async () => {
    const output = structuredOutput(z.object({ a: z.number() }));
    const parts = await collect(
      validateStream(
        from([
          { type: 'text-delta', text: '{"a": 1,' },
          { type: 'reset', reason: 'failover' },
          { type: 'text-delta', text: '{"a": 2}' },
          { type: 'finish', response: fakeResponse({ text: '{"a": 2}' }) },
        ]),
        { output },
      ),
    );
    expect(parts.filter((part) => part.type === 'partial-object')).toEqual([
      { type: 'partial-object', object: { a: 1 } },
      { type: 'partial-object', object: { a: 2 } },
    ]);
  });
});
