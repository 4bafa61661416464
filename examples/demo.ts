/**
 * `npm run demo`: the library end to end, with no API key and no network.
 *
 * A local provider server (`createProviderServer` from `llm-resilience/testing`) speaks the
 * OpenAI, Anthropic and Gemini wire protocols on 127.0.0.1 and plays a script: healthy answers,
 * then an outage (429 with Retry-After, then 503s until it recovers), then a stream cut mid-answer.
 * One `ResilientLLM` client rides through all of it; the demo prints what it did, with timings.
 *
 * In your app, import from 'llm-resilience' and 'llm-resilience/testing'.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { anthropic, gemini, openai, ResilientLLM } from '../src/index.js';
import type { ChatResponse, EventMap, UsageReport } from '../src/index.js';
import { createProviderServer, cutMidStream, downFor, rateLimit } from '../src/testing/index.js';

export type DemoOptions = {
  /** Where the narrative goes. @default process.stdout.write */
  readonly write?: (text: string) => void;
  /** ANSI colours. @default true when stdout is a TTY and NO_COLOR is unset */
  readonly color?: boolean;
  /** Run `examples/tools-repair.ts` as the last section when it exists. @default true */
  readonly shouldRunToolsRepair?: boolean;
};

/** One line of the outage timeline. */
export type TimelineEntry = { readonly atMs: number; readonly type: string; readonly text: string };

export type DemoResult = {
  readonly chat: { readonly text: string; readonly provider: string; readonly model: string };
  readonly stream: { readonly text: string; readonly deltas: number };
  readonly outage: {
    readonly answers: readonly { readonly alias: string; readonly text: string; readonly attempts: number }[];
    readonly timeline: readonly TimelineEntry[];
    /** `from→to` for every circuit state change of the primary, in order. */
    readonly circuit: readonly string[];
    readonly primaryRequests: number;
    readonly backupRequests: number;
  };
  readonly midStream: { readonly text: string; readonly resets: number; readonly alias: string; readonly provider: string; readonly visible: string };
  readonly usage: UsageReport;
  readonly toolsRepair?: unknown;
};

const ANSWER = 'Circuit breakers stop a failing dependency from taking the whole app down with it.';
const STORY =
  'The primary model started the answer, the connection dropped halfway, and the backup told the whole story again from the top.';

type Style = 'dim' | 'bold' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan';
const ANSI: Record<Style, [number, number]> = {
  dim: [2, 22],
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

/** Writes the narrative, coloured or not. */
class Narrator {
  private readonly write: (text: string) => void;
  private readonly isColored: boolean;

  constructor(write: (text: string) => void, isColored: boolean) {
    this.write = write;
    this.isColored = isColored;
  }

  paint(style: Style, text: string): string {
    if (!this.isColored) return text;
    const [open, close] = ANSI[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  raw(text: string): void {
    this.write(text);
  }

  line(text = ''): void {
    this.write(`${text}\n`);
  }

  heading(text: string): void {
    this.line();
    this.line(this.paint('bold', `━━ ${text}`));
  }
}

function deploymentLabel(event: { readonly alias: string; readonly provider: string; readonly model: string }): string {
  return `${event.alias} (${event.provider}/${event.model})`;
}

function formatUsd(value: number): string {
  return `$${value.toFixed(6)}`;
}

/**
 * Records the client's events for the outage section as timeline lines, each stamped with the
 * milliseconds since the section started.
 */
function recordTimeline(llm: ResilientLLM, narrator: Narrator, startedAt: number, timeline: TimelineEntry[], circuit: string[]): () => void {
  const add = (type: string, style: Style, icon: string, text: string) => {
    const atMs = Math.round(performance.now() - startedAt);
    timeline.push({ atMs, type, text });
    narrator.line(`${narrator.paint('dim', `+${String(atMs).padStart(5)} ms`)}  ${narrator.paint(style, `${icon} ${type.padEnd(13)}`)} ${text}`);
  };
  const subscriptions = [
    llm.on('attempt-start', (event) => add('attempt-start', 'blue', '→', `#${event.attempt} ${deploymentLabel(event)}`)),
    llm.on('attempt-end', (event) =>
      add('attempt-end', 'green', '✓', `#${event.attempt} ${deploymentLabel(event)} ${event.outcome === 'aborted' ? 'cancelled after' : 'answered in'} ${Math.round(event.latencyMs)} ms`),
    ),
    llm.on('attempt-error', (event) => {
      const status = event.error.status !== undefined ? ` HTTP ${event.error.status}` : '';
      const wait = event.error.retryAfterMs !== undefined ? `, server asks to wait ${event.error.retryAfterMs} ms` : '';
      add('attempt-error', 'red', '✗', `#${event.attempt} ${deploymentLabel(event)}: ${event.error.code}${status}${wait}`);
    }),
    llm.on('retry', (event: EventMap['retry']) =>
      add('retry', 'yellow', '↻', `${event.alias} again in ${Math.round(event.delayMs)} ms${event.error.retryAfterMs !== undefined ? ' (Retry-After honoured)' : ' (backoff with jitter)'}`),
    ),
    llm.on('cooldown', (event) =>
      add('cooldown', 'yellow', '⏸', `${event.deploymentId} skipped by every call for ${Math.round(event.untilMs - performance.now())} ms (${event.reason})`),
    ),
    llm.on('fallback', (event) => add('fallback', 'cyan', '⇢', `${event.from} → ${event.to} after ${event.error.code}`)),
    llm.on('circuit-state', (event) => {
      circuit.push(`${event.from}→${event.to}`);
      const style: Style = event.to === 'closed' ? 'green' : event.to === 'open' ? 'magenta' : 'yellow';
      add('circuit-state', style, '◉', `${event.deploymentId}: ${event.from} → ${event.to.toUpperCase()} (${event.reason})`);
    }),
  ];
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the demo and returns what happened, for the examples test. */
export async function main(options: DemoOptions = {}): Promise<DemoResult> {
  const narrator = new Narrator(
    options.write ?? ((text) => process.stdout.write(text)),
    options.color ?? (process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined),
  );
  const server = await createProviderServer({
    script: {
      // (a) healthy: one model answers chat() and stream().
      'gpt-4o-mini': [{ text: ANSWER, chunkDelayMs: 25 }],
      // (b) the outage: a 429 with Retry-After, then 503s for 0.9 s, then healthy again.
      'gpt-4o': [
        rateLimit({ retryAfterSeconds: 1, retryAfterMs: 250 }),
        downFor(900, { reply: { text: 'The primary is back and answering again.' } }),
      ],
      'claude-sonnet-4-5': [{ text: 'The backup, on the Anthropic protocol, answered while the primary was down.' }],
      // (c) a stream cut after four words; the backup speaks the Gemini protocol.
      'gpt-4.1-mini': [cutMidStream({ afterChunks: 4, reply: { text: STORY, chunkDelayMs: 20 } })],
      'gemini-2.5-flash': [{ text: STORY, chunkDelayMs: 12 }],
    },
  });
  const llm = new ResilientLLM({
    providers: {
      openai: openai({ apiKey: 'sk-demo', baseURL: server.baseURL('openai') }),
      claude: anthropic({ apiKey: 'sk-ant-demo', baseURL: server.baseURL('anthropic') }),
      gemini: gemini({ apiKey: 'gemini-demo', baseURL: server.baseURL('gemini') }),
    },
    models: {
      assistant: { provider: 'openai', model: 'gpt-4o-mini' },
      primary: { provider: 'openai', model: 'gpt-4o' },
      backup: { provider: 'claude', model: 'claude-sonnet-4-5' },
      writer: { provider: 'openai', model: 'gpt-4.1-mini' },
      'writer-backup': { provider: 'gemini', model: 'gemini-2.5-flash' },
    },
    fallback: { chain: ['primary', 'backup'] },
    retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 400 },
    // Short enough to watch: open after 3 failures in a row, probe again after 400 ms, close on one good probe.
    breaker: { consecutiveFailures: 3, openMs: 400, halfOpenSuccesses: 1 },
    deadlineMs: 10_000,
  });
  try {
    narrator.line(narrator.paint('bold', 'llm-resilience demo'));
    narrator.line(narrator.paint('dim', `A local provider server at ${server.url} speaks the OpenAI, Anthropic and Gemini protocols. No key, no network.`));

    // (a) chat() and stream()
    narrator.heading('1. chat() and stream()');
    const question = { role: 'user', content: 'Why use a circuit breaker?' } as const;
    const chat = await llm.chat({ model: 'assistant', messages: [question] });
    narrator.line(`${narrator.paint('dim', 'chat()   →')} ${chat.text}`);
    narrator.line(narrator.paint('dim', `           served by ${chat.provider}/${chat.model}, ${chat.usage.totalTokens} tokens, ${formatUsd(chat.cost ?? 0)}`));
    narrator.raw(`${narrator.paint('dim', 'stream() →')} `);
    const stream = llm.stream({ model: 'assistant', messages: [question] });
    let deltas = 0;
    for await (const text of stream.textStream) {
      deltas++;
      narrator.raw(text);
    }
    const streamed = await stream.response;
    narrator.line();
    narrator.line(narrator.paint('dim', `           ${deltas} text deltas, finish reason "${streamed.finishReason}"`));

    // (b) the outage
    narrator.heading('2. An outage: 429 with Retry-After, then 503s; retries, failover, the circuit breaker');
    narrator.line(
      narrator.paint('dim', 'primary = openai/gpt-4o, backup = anthropic protocol/claude-sonnet-4-5; maxRetries 2; the breaker opens after 3 failures in a row.'),
    );
    const outageStartedAt = performance.now();
    const timeline: TimelineEntry[] = [];
    const circuit: string[] = [];
    const stopRecording = recordTimeline(llm, narrator, outageStartedAt, timeline, circuit);
    const answers: { alias: string; text: string; attempts: number }[] = [];
    for (let call = 1; call <= 12; call++) {
      narrator.line(narrator.paint('bold', `call ${call}: chat({ model: 'primary' })`));
      const response: ChatResponse = await llm.chat({ model: 'primary', messages: [{ role: 'user', content: `Status report ${call}, please.` }] });
      answers.push({ alias: response.alias, text: response.text, attempts: response.attempts.length });
      const style: Style = response.alias === 'primary' ? 'green' : 'cyan';
      narrator.line(
        `${narrator.paint('dim', `+${String(Math.round(performance.now() - outageStartedAt)).padStart(5)} ms`)}  ${narrator.paint(style, `★ answered by ${response.alias}`)} after ${response.attempts.length} attempt(s): "${response.text}"`,
      );
      if (response.alias === 'primary' && call > 1) break;
      await sleep(150);
    }
    stopRecording();
    const primaryHealth = llm.health().find((deployment) => deployment.alias === 'primary');
    narrator.line(
      narrator.paint('dim', `health(): primary circuit ${primaryHealth?.circuit.state}, last error ${primaryHealth?.lastError?.code ?? 'none'}`),
    );

    // (c) a stream cut mid-answer
    narrator.heading('3. A stream cut mid-answer: a reset part, and the answer restarts on the backup');
    const cut = llm.stream(
      { model: 'writer', messages: [{ role: 'user', content: 'Tell me what happened.' }] },
      { fallback: { chain: ['writer', 'writer-backup'] } },
    );
    let resets = 0;
    let visible = '';
    for await (const part of cut) {
      if (part.type === 'start') narrator.raw(narrator.paint('dim', `[${part.provider}/${part.model}] `));
      else if (part.type === 'text-delta') {
        visible += part.text;
        narrator.raw(part.text);
      } else if (part.type === 'reset') {
        resets++;
        visible = '';
        narrator.line();
        narrator.line(narrator.paint('red', `✂ reset: ${part.reason}. The text above is void.`));
      }
    }
    const restarted = await cut.response;
    narrator.line();
    narrator.line(narrator.paint('dim', `response.text is only the restarted answer, served by ${restarted.alias} (${restarted.provider}/${restarted.model})`));

    // (d) costs and attempts
    narrator.heading('4. Attempts and costs');
    const usage = llm.usage();
    narrator.line(narrator.paint('dim', 'alias            requests  errors   tokens in/out        cost'));
    for (const [alias, totals] of Object.entries(usage.byAlias)) {
      narrator.line(
        `${alias.padEnd(16)} ${String(totals.requests).padStart(8)} ${String(totals.errors).padStart(7)}   ${`${totals.inputTokens}/${totals.outputTokens}`.padStart(13)}   ${formatUsd(totals.cost)}`,
      );
    }
    narrator.line(
      narrator.paint(
        'bold',
        `${'total'.padEnd(16)} ${String(usage.total.requests).padStart(8)} ${String(usage.total.errors).padStart(7)}   ${`${usage.total.inputTokens}/${usage.total.outputTokens}`.padStart(13)}   ${formatUsd(usage.total.cost)}`,
      ),
    );
    narrator.line(narrator.paint('dim', `The provider server saw ${server.requests.length} requests in all; failed attempts are counted, and their tokens when any were billed.`));

    const result: DemoResult = {
      chat: { text: chat.text, provider: chat.provider, model: chat.model },
      stream: { text: streamed.text, deltas },
      outage: {
        answers,
        timeline,
        circuit,
        primaryRequests: server.requestsFor('gpt-4o').length,
        backupRequests: server.requestsFor('claude-sonnet-4-5').length,
      },
      midStream: { text: restarted.text, resets, alias: restarted.alias, provider: restarted.provider, visible },
      usage,
    };
    const toolsRepair = options.shouldRunToolsRepair === false ? undefined : await runToolsRepair(narrator);
    return toolsRepair === undefined ? result : { ...result, toolsRepair };
  } finally {
    await llm.close();
    await server.close();
  }
}

/**
 * Runs `examples/tools-repair.ts` (validated tool calls, repaired by the model) when it is there.
 * Its lines are indented under this section.
 */
async function runToolsRepair(narrator: Narrator): Promise<unknown> {
  const path = fileURLToPath(new URL('./tools-repair.ts', import.meta.url));
  if (!existsSync(path)) return undefined;
  type ToolsRepairModule = {
    readonly runToolsRepairExample?: (print: (line: string) => void) => Promise<unknown>;
    readonly main?: (print: (line: string) => void) => Promise<unknown>;
  };
  const module = (await import(pathToFileURL(path).href)) as ToolsRepairModule;
  const run = module.runToolsRepairExample ?? module.main;
  if (typeof run !== 'function') return undefined;
  narrator.heading('5. Tool calls validated with zod, and repaired by the model');
  return run((line) => narrator.line(line));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.exitCode = 1;
    console.error(error);
  });
}
