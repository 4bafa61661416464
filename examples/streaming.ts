/**
 * Streaming, three ways: every part with `for await`, only the text with `textStream`, and a WHATWG
 * `ReadableStream` for web frameworks. Then a stream the consumer stops early: breaking out of the
 * loop cancels the HTTP request and the server sees its socket closed.
 *
 * Run it: `node --import tsx examples/streaming.ts`.
 */
import { pathToFileURL } from 'node:url';
import { anthropic, ResilientLLM } from '../src/index.js';
import { createProviderServer, type ProviderServer } from '../src/testing/index.js';

export type StreamingResult = {
  /** The `type` of every part of the first stream, in order. */
  readonly partTypes: readonly string[];
  readonly text: string;
  readonly textStreamText: string;
  readonly readableText: string;
  /** The text received before the consumer stopped, and how the stopped call ended. */
  readonly stoppedText: string;
  readonly stoppedError: string;
  /** Responses the server saw closed by the client before they ended. */
  readonly closedEarly: number;
};

const POEM = 'Tokens arrive one by one, and the answer builds up on the screen as the model writes it.';

/** Resolves once the server has seen `count` early closes (the socket close reaches it a moment later). */
async function serverSawClose(server: ProviderServer, count: number, timeoutMs = 2_000): Promise<number> {
  const startedAt = performance.now();
  while (server.closedEarly < count && performance.now() - startedAt < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return server.closedEarly;
}

export async function main(write: (text: string) => void = (text) => process.stdout.write(text)): Promise<StreamingResult> {
  const server = await createProviderServer({
    script: {
      'claude-haiku-4-5': [{ text: POEM, chunkDelayMs: 15 }],
      // A long answer, slow enough that the consumer stops it long before the end.
      'claude-long': [{ text: 'word '.repeat(200).trim(), chunkDelayMs: 20 }],
    },
  });
  const llm = new ResilientLLM({
    providers: { claude: anthropic({ apiKey: 'sk-ant-local-test', baseURL: server.baseURL('anthropic') }) },
    models: { haiku: { provider: 'claude', model: 'claude-haiku-4-5' }, long: { provider: 'claude', model: 'claude-long' } },
  });
  const messages = [{ role: 'user', content: 'Show me streaming.' }] as const;
  try {
    // 1. Every part: `start` names the deployment, `text-delta`s carry the text, `finish` the whole response.
    const partTypes: string[] = [];
    const stream = llm.stream({ model: 'haiku', messages });
    for await (const part of stream) {
      partTypes.push(part.type);
      if (part.type === 'start') write(`[${part.provider}/${part.model}] `);
      if (part.type === 'text-delta') write(part.text);
      if (part.type === 'finish') write(`\n(finish: ${part.response.finishReason}, ${part.response.usage.outputTokens} output tokens)\n`);
    }
    const response = await stream.response;

    // 2. Only the text.
    let textStreamText = '';
    for await (const text of llm.stream({ model: 'haiku', messages }).textStream) textStreamText += text;
    write(`textStream: ${textStreamText}\n`);

    // 3. A ReadableStream, as a web framework's response body would take it.
    const reader = llm.stream({ model: 'haiku', messages }).toReadableStream().getReader();
    let readableText = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (value.type === 'text-delta') readableText += value.text;
    }
    write(`toReadableStream(): ${readableText.length} characters\n`);

    // 4. Stop early: `break` cancels the call and closes the socket.
    const long = llm.stream({ model: 'long', messages });
    let stoppedText = '';
    let deltas = 0;
    for await (const text of long.textStream) {
      stoppedText += text;
      if (++deltas === 5) break;
    }
    const stoppedError = await long.response.then(
      () => 'completed',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    );
    const closedEarly = await serverSawClose(server, 1);
    write(`stopped after "${stoppedText}": the call ended with ${stoppedError}, the server saw ${closedEarly} socket closed early\n`);

    return { partTypes, text: response.text, textStreamText, readableText, stoppedText, stoppedError, closedEarly };
  } finally {
    await llm.close();
    await server.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.exitCode = 1;
    console.error(error);
  });
}
