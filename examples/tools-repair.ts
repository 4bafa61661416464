// A tool call repaired by the model itself: the scripted "model" first sends `city` as a number,
// gets the validation error back as a tool result, and answers correctly on the second try.
// Runs offline against the library's loopback provider server: `node --import tsx examples/tools-repair.ts`.
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ResilientLLM, openai, tool } from 'llm-resilience';
import { createProviderServer } from 'llm-resilience/testing';

/** Runs the example and returns what it printed, so the test suite can check it. */
export async function runToolsRepairExample(print: (line: string) => void = console.log): Promise<string[]> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    print(line);
  };
  const server = await createProviderServer({
    script: {
      'gpt-demo': [
        { toolCalls: [{ name: 'get_weather', args: { city: 75001 } }] },
        { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] },
      ],
    },
  });
  const llm = new ResilientLLM({
    providers: { openai: openai({ apiKey: 'sk-demo-not-a-real-key', baseURL: server.baseURL('openai') }) },
    models: { fast: { provider: 'openai', model: 'gpt-demo' } },
  });
  try {
    const weather = tool({
      name: 'get_weather',
      description: 'Current weather in a city',
      parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
    });
    llm.on('tool-repair', (event) => say(`repair ${event.repair}: ${event.issues}`));
    const response = await llm.chat({
      model: 'fast',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [weather],
      maxToolRepairs: 2,
    });
    const call = response.toolCalls[0]!;
    say(`validated call: ${call.name}(${JSON.stringify(call.args)})`);
    say(`attempts: ${response.attempts.map((attempt) => (attempt.toolRepair ? `repair ${attempt.toolRepair}` : 'first')).join(', ')}`);
    say(`tokens over both calls: ${response.usage.totalTokens}`);
    const repairRequest = server.requests[1]!.body as { messages: { role: string; content?: string }[] };
    say(`what the model was told: ${repairRequest.messages.at(-1)!.content!.split('\n').join(' | ')}`);
  } finally {
    await llm.close();
    await server.close();
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runToolsRepairExample();
}
