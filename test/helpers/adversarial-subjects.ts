/**
 * Every function that reads user- or model-supplied text, each wrapped as `(text) => void`, for
 * the adversarial-input suite and `scripts/adversarial-timings.ts`.
 */
import { z } from 'zod';
import { localEmbedder } from '../../src/cache/local-embedder.js';
import { checkGuards, questionFacts } from '../../src/cache/question-guards.js';
import { compact, normalizeWhitespace, words } from '../../src/cache/question-text.js';
import { errorFromHttp } from '../../src/errors/error-from-http.js';
import { redact } from '../../src/errors/resilient-llm-error.js';
import { classifyTask } from '../../src/routing/classify-task.js';
import { checkResponse } from '../../src/tools/check-response.js';
import { parseJsonLenient } from '../../src/tools/parse-json-lenient.js';
import { parsePartialJson } from '../../src/tools/parse-partial-json.js';
import * as partialModule from '../../src/tools/parse-partial-json.js';
import { structuredOutput } from '../../src/tools/structured-output.js';
import { tool } from '../../src/tools/tool.js';
import { indexTools, validateToolCall } from '../../src/tools/validate-tool-call.js';
import type { ChatResponse } from '../../src/client/types.js';
import { toDeltas } from './adversarial-inputs.js';

export type AdversarialSubject = { readonly name: string; readonly run: (text: string) => void };

const embedder = localEmbedder();
const searchTool = tool({ name: 'search', parameters: z.object({ query: z.string(), limit: z.number().optional() }) });
const toolsByName = indexTools([searchTool]);
const output = structuredOutput(z.object({ title: z.string(), tags: z.array(z.string()) }));
const otherFacts = questionFacts('What is the capital of France?');

type IncrementalParser = { feed(delta: string): void; take(force?: boolean): unknown };
/** Missing before the incremental parser existed; the script then times what `stream()` did. */
const Parser = (partialModule as { PartialJsonParser?: new () => IncrementalParser }).PartialJsonParser;

/** Feeds `text` in small deltas, taking a partial object whenever it changed, as `stream()` with `schema` does. */
function feedIncrementally(text: string): void {
  const deltas = toDeltas(text);
  if (Parser) {
    const parser = new Parser();
    for (const delta of deltas) {
      parser.feed(delta);
      parser.take();
    }
    parser.take(true);
    return;
  }
  // Before the incremental parser existed: the whole text so far parsed again on every delta.
  let soFar = '';
  for (const delta of deltas) {
    soFar += delta;
    const parsed = parsePartialJson(soFar);
    if (parsed) JSON.stringify(parsed.value);
  }
}

function fakeResponse(text: string): ChatResponse {
  return {
    text,
    toolCalls: [],
    incompleteToolCalls: [],
    reasoning: [],
    finishReason: 'stop',
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    provider: 'p',
    model: 'm',
    message: { role: 'assistant', content: text },
  } as unknown as ChatResponse;
}

export const ADVERSARIAL_SUBJECTS: readonly AdversarialSubject[] = [
  { name: 'router: classifyTask', run: (text) => void classifyTask({ model: 'auto', messages: [{ role: 'user', content: text }] }) },
  { name: 'cache: question guards', run: (text) => void checkGuards(questionFacts(text), otherFacts) },
  {
    name: 'cache: question text',
    run: (text) => {
      normalizeWhitespace(text);
      words(text);
      compact(text);
    },
  },
  { name: 'cache: local embedder', run: (text) => void embedder.embed([text], new AbortController().signal) },
  { name: 'json: parseJsonLenient', run: (text) => void parseJsonLenient(text) },
  { name: 'json: parsePartialJson', run: (text) => void parsePartialJson(text) },
  { name: 'json: partial, fed in deltas', run: feedIncrementally },
  { name: 'tools: validateToolCall', run: (text) => void validateToolCall({ id: 'c', name: 'search', args: {}, argsText: text }, toolsByName) },
  { name: 'tools: structured answer check', run: (text) => void checkResponse(fakeResponse(text), new Map(), output) },
  { name: 'errors: classify and redact', run: (text) => void redact(errorFromHttp({ status: 400, message: text }).message) },
];
