import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkGuards, questionFacts } from '../../../src/cache/question-guards.js';
import { normalizeText } from '../../../src/cache/question-text.js';
import type { StreamPart } from '../../../src/client/types.js';
import { classifyTask } from '../../../src/routing/classify-task.js';
import { parseJsonLenient } from '../../../src/tools/parse-json-lenient.js';
import { parsePartialJson } from '../../../src/tools/parse-partial-json.js';
import { MAX_JSON_DEPTH } from '../../../src/tools/partial-json-parser.js';
import { structuredOutput } from '../../../src/tools/structured-output.js';
import { validateStream } from '../../../src/tools/validate-stream.js';
import { structuredAnswer, toDeltas } from '../../helpers/adversarial-inputs.js';

describe('hostile input', () => {
  it('refuses JSON nested deeper than MAX_JSON_DEPTH and reads it up to that depth', () => {
    const atLimit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    const tooDeep = `[${atLimit}]`;
    expect(parsePartialJson(atLimit)?.isComplete).toBe(true);
    expect(parsePartialJson(tooDeep)).toBeUndefined();
    expect(parseJsonLenient(atLimit).isValid).toBe(true);
    expect(parseJsonLenient(tooDeep)).toEqual({ isValid: false, error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
    expect(parseJsonLenient(JSON.stringify(tooDeep))).toEqual({ isValid: true, value: tooDeep, isRepaired: false });
  });

  it('cuts runs of combining marks at 30 before normalizing, and keeps ordinary accents', () => {
    expect(normalizeText('cafe\u0301')).toBe('café');
    expect(normalizeText(`a${'\u0301'.repeat(1000)}b`)).toBe(`a${'\u0301'.repeat(30)}b`.normalize('NFKC'));
  });

  it('still compares the entities of long questions, by word and then by search', () => {
    const names = Array.from({ length: 20_000 }, (_, index) => `Name${index}`).join(' ');
    // The role guard refuses any question this long (it will not judge word order past 4,096 words),
    // so the entity guard is checked on its own here.
    const entitiesOnly = { roles: false } as const;
    expect(checkGuards(questionFacts(`${names} in Paris?`), questionFacts(`${names} in paris`), entitiesOnly)).toBeUndefined();
    expect(checkGuards(questionFacts(`${names} in Paris?`), questionFacts(`${names} in Rome`), entitiesOnly)).toBe('entity');
    expect(checkGuards(questionFacts(`${names} in Paris?`), questionFacts(`${names} in paris`))).toBe('role');
    expect(checkGuards(questionFacts('Deploy to "New York"'), questionFacts('deploy to new york'))).toBeUndefined();
  });

  it('classifies long runs the same way as short ones', () => {
    const classify = (text: string) => classifyTask({ model: 'auto', messages: [{ role: 'user', content: text }] }).signals;
    expect(classify(`${'\n'.repeat(100_000)}1. a\n- b\n* c`).requirementCount).toBe(3);
    expect(classify(`Error:\n${' '.repeat(100_000)}at main (index.js:1:1)`).hasStackTrace).toBe(true);
    expect(classify(`${'a'.repeat(100_000)}()`).codeTokenCount).toBe(1);
  });

  it('streams a 108 KB structured answer in about 27,000 deltas in well under a second', async () => {
    const text = structuredAnswer(108_000);
    const deltas = toDeltas(text);
    async function* parts(): AsyncGenerator<StreamPart> {
      for (const delta of deltas) yield { type: 'text-delta', text: delta };
    }
    const start = performance.now();
    const partials: unknown[] = [];
    for await (const part of validateStream(parts(), { output: structuredOutput(z.unknown()) })) {
      if (part.type === 'partial-object') partials.push(part.object);
    }
    const elapsedMs = performance.now() - start;
    expect(deltas.length).toBeGreaterThan(20_000);
    expect(partials.length).toBeGreaterThan(1000);
    expect(partials.at(-1)).toEqual(JSON.parse(text));
    // The bench asserts the 500 ms target; here a bound a shared machine keeps (the old parser took 44 s).
    expect(elapsedMs).toBeLessThan(2000);
  });
});
