import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { validateRequestWithKnownTools } from '../../../src/client/known-tool-specs.js';
import { chatRequestSchema, validateChatRequest } from '../../../src/client/validate-request.js';
import { estimateTokens } from '../../../src/cost/estimate-tokens.js';
import { InvalidArgumentError } from '../../../src/errors/errors.js';
import { toToolSpec } from '../../../src/tools/to-tool-spec.js';
import { tool } from '../../../src/tools/tool.js';

const lookup = tool({ name: 'lookup', description: 'Finds a record', parameters: z.object({ id: z.string() }) });
const messages = [{ role: 'user' as const, content: 'Find record 7' }];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('validateRequestWithKnownTools', () => {
  it('validates a frozen tool spec once, then only the rest of the request', () => {
    const spec = toToolSpec(lookup);
    const parse = vi.spyOn(chatRequestSchema(), 'safeParse');
    const request = { model: 'main', messages, tools: [spec], temperature: 0 };
    expect(validateRequestWithKnownTools(request)).toBe(request);
    expect(parse.mock.calls[0]![0]).toHaveProperty('tools');
    parse.mockClear();
    expect(validateRequestWithKnownTools({ ...request })).toEqual(request);
    // The second call never hands the tools to zod.
    for (const [argument] of parse.mock.calls) expect(argument).not.toHaveProperty('tools');
  });

  it('still rejects the rest of a request whose tools are known, with the same message', () => {
    const spec = toToolSpec(lookup);
    validateRequestWithKnownTools({ model: 'main', messages, tools: [spec] });
    const bad = { model: 'main', messages, tools: [spec], temperature: 7 };
    const expected = (() => {
      try {
        validateChatRequest(bad);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    expect(() => validateRequestWithKnownTools(bad)).toThrow(InvalidArgumentError);
    expect(() => validateRequestWithKnownTools(bad)).toThrow(expected);
  });

  it('validates an unfrozen spec on every call, so a change after the first call is caught', () => {
    const spec: { name: string; parameters: Record<string, unknown> } = { name: 'lookup', parameters: { type: 'object' } };
    validateRequestWithKnownTools({ model: 'main', messages, tools: [spec] });
    spec.name = 'not a valid name';
    expect(() => validateRequestWithKnownTools({ model: 'main', messages, tools: [spec] })).toThrow(/tools\.0\.name/);
  });

  it('rejects an invalid frozen spec on every call: only a spec that passed is remembered', () => {
    const spec = Object.freeze({ name: 'bad name', parameters: { type: 'object' } });
    expect(() => validateRequestWithKnownTools({ model: 'main', messages, tools: [spec] })).toThrow(InvalidArgumentError);
    expect(() => validateRequestWithKnownTools({ model: 'main', messages, tools: [spec] })).toThrow(InvalidArgumentError);
  });
});

describe('estimateTokens with frozen tool specs', () => {
  it('gives the same estimate from the cache as from a fresh copy of the spec', () => {
    const spec = toToolSpec(lookup);
    const frozen = estimateTokens({ model: 'main', messages, tools: [spec] });
    expect(estimateTokens({ model: 'main', messages, tools: [spec] })).toBe(frozen);
    expect(estimateTokens({ model: 'main', messages, tools: [{ ...spec }] })).toBe(frozen);
    expect(frozen).toBeGreaterThan(estimateTokens({ model: 'main', messages }));
  });
});
