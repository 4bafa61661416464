/**
 * `chat()` with 50 zod tools against a mock provider, next to the same call without tools: what
 * the tools add per call when nothing about them changes between calls. Run alone with
 * `node --import tsx bench/tools-bench.ts` (source) or from `bench/run.ts` (built package).
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

type Library = typeof import('../src/index.js');
type Testing = typeof import('../src/testing/index.js');

const ITERATIONS = Number(process.env.BENCH_TOOLS_ITERATIONS ?? 5000);
const TOOL_COUNT = 50;

function makeTools(library: Library) {
  return Array.from({ length: TOOL_COUNT }, (_, index) =>
    library.tool({
      name: `tool_${index}`,
      description: `Looks up record ${index} by id and returns its fields.`,
      parameters: z.object({
        id: z.string().describe('The record id'),
        limit: z.number().int().min(1).max(100).optional(),
        unit: z.enum(['c', 'f']).default('c'),
        tags: z.array(z.string()).optional(),
      }),
    }),
  );
}

async function perCallUs(run: () => Promise<unknown>): Promise<number> {
  for (let index = 0; index < Math.min(300, ITERATIONS); index++) await run();
  const start = process.hrtime.bigint();
  for (let index = 0; index < ITERATIONS; index++) await run();
  return Number(process.hrtime.bigint() - start) / 1000 / ITERATIONS;
}

/** Microseconds per `chat()` with a mock provider: no tools, 50 zod tools, 50 plain specs written inline. */
export async function runToolsBench(library?: Library, testing?: Testing): Promise<Record<string, number>> {
  const lib = library ?? ((await import('../src/index.js')) as Library);
  const test = testing ?? ((await import('../src/testing/index.js')) as Testing);
  const llm = new lib.ResilientLLM({
    providers: { mock: test.mockProvider({ steps: [{ text: 'The capital of France is Paris.', usage: { inputTokens: 14, outputTokens: 8 } }] }) },
    models: { main: { provider: 'mock', model: 'mock-1' } },
  });
  const tools = makeTools(lib);
  const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];
  try {
    // Alternating rounds, median of each side, so drift on a shared machine hits both alike.
    const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
    const plainRounds: number[] = [];
    const toolRounds: number[] = [];
    const specRounds: number[] = [];
    for (let round = 0; round < rounds; round++) {
      plainRounds.push(await perCallUs(() => llm.chat({ model: 'main', messages })));
      toolRounds.push(await perCallUs(() => llm.chat({ model: 'main', messages, tools })));
      // Plain JSON Schema specs written inline, as a caller without zod would: new objects per call.
      specRounds.push(await perCallUs(() => llm.chat({ model: 'main', messages, tools: tools.map((item) => ({ name: item.name, description: item.description ?? '', parameters: item.jsonSchema })) })));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const plain = median(plainRounds);
    const withTools = median(toolRounds);
    const withSpecs = median(specRounds);
    return {
      'chat() no tools (µs)': plain,
      [`chat() ${TOOL_COUNT} zod tools (µs)`]: withTools,
      'added by zod tools (µs)': withTools - plain,
      [`chat() ${TOOL_COUNT} plain JSON Schema specs, inline (µs)`]: withSpecs,
      'added by plain specs (µs)': withSpecs - plain,
    };
  } finally {
    await llm.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [key, value] of Object.entries(await runToolsBench())) console.log(`${key}: ${value.toFixed(1)}`);
}
