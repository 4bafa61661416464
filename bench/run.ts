/**
 * `npm run bench`: the library against raw undici on the same loopback server, in one run.
 * Prints added latency (p50/p99, one request in flight), throughput at 32 concurrent requests,
 * CPU time per request and the stream chunk rate, each next to raw undici, then the other
 * benchmarks (deployment pick, cache, streamed structured output). Not part of `npm test`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createParser } from 'eventsource-parser';
import { Pool } from 'undici';
// The built package, as users get it (run `npm run build` first; `npm run bench` does).
const distEntry: string = '../dist/index.js';
const { ResilientLLM, openai } = (await import(distEntry)) as typeof import('../src/index.js');

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 2000);
const CONCURRENT_TOTAL = Number(process.env.BENCH_CONCURRENT_TOTAL ?? 5000);
const CONCURRENCY = 32;
const STREAMS = Number(process.env.BENCH_STREAMS ?? 200);

type Runner = { chat: () => Promise<unknown>; stream: () => Promise<number> };

// The raw side serializes its request per call, as any real caller must; the body is the same.
const rawRequest = { model: 'gpt-bench', messages: [{ role: 'user', content: 'What is the capital of France?' }], temperature: 0 };
const rawStreamRequest = { ...rawRequest, stream: true, stream_options: { include_usage: true } };
const headers = { authorization: 'Bearer sk-bench-key-000000', 'content-type': 'application/json', accept: 'application/json' };
const streamHeaders = { ...headers, accept: 'text/event-stream' };

function rawRunner(origin: string): Runner & { close: () => Promise<void> } {
  const pool = new Pool(origin, { connections: 64 });
  return {
    async chat() {
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body: JSON.stringify(rawRequest) });
      const json = (await response.body.json()) as { choices: { message: { content: string } }[] };
      return json.choices[0]!.message.content;
    },
    async stream() {
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: streamHeaders, body: JSON.stringify(rawStreamRequest) });
      let chunks = 0;
      let text = '';
      const parser = createParser({
        onEvent(event) {
          if (event.data === '[DONE]') return;
          const json = JSON.parse(event.data) as { choices: { delta?: { content?: string } }[] };
          const content = json.choices[0]?.delta?.content;
          if (content) {
            text += content;
            chunks++;
          }
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      return chunks;
    },
    close: () => pool.close(),
  };
}

function libraryRunner(origin: string): Runner & { close: () => Promise<void> } {
  const llm = new ResilientLLM({
    providers: { local: openai({ apiKey: 'sk-bench-key-000000', baseURL: `${origin}/v1` }) },
    models: { main: { provider: 'local', model: 'gpt-bench' } },
    transport: { connections: 64 },
  });
  const request = { model: 'main', messages: [{ role: 'user' as const, content: 'What is the capital of France?' }], temperature: 0 };
  return {
    async chat() {
      return (await llm.chat(request)).text;
    },
    async stream() {
      let chunks = 0;
      for await (const part of llm.stream(request)) if (part.type === 'text-delta') chunks++;
      return chunks;
    },
    close: () => llm.close(),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latency(run: () => Promise<unknown>, count: number): Promise<{ p50: number; p99: number; cpuUs: number }> {
  for (let index = 0; index < 300; index++) await run();
  const samples = new Array<number>(count);
  const cpuStart = process.cpuUsage();
  for (let index = 0; index < count; index++) {
    const start = process.hrtime.bigint();
    await run();
    samples[index] = Number(process.hrtime.bigint() - start) / 1000;
  }
  const cpu = process.cpuUsage(cpuStart);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), cpuUs: (cpu.user + cpu.system) / count };
}

async function throughput(run: () => Promise<unknown>, total: number): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await run();
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return total / seconds;
}

async function chunkRate(run: () => Promise<number>, count: number): Promise<number> {
  for (let index = 0; index < 20; index++) await run();
  let chunks = 0;
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index++) chunks += await run();
  return chunks / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function startServer(): Promise<{ origin: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(new URL('./loopback-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const [data] = (await once(child.stdout!, 'data')) as [Buffer];
  return { origin: `http://127.0.0.1:${data.toString().trim()}`, child };
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<void> {
  const { origin, child } = await startServer();
  const raw = rawRunner(origin);
  const library = libraryRunner(origin);
  try {
    // Rounds alternate raw and library so drift on a shared machine hits both sides alike; each
    // figure is the median of its rounds (latency: the round with the median p50).
    const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const medianRound = (list: Awaited<ReturnType<typeof latency>>[]) => [...list].sort((a, b) => a.p50 - b.p50)[Math.floor(list.length / 2)]!;
    const latencies = { raw: [] as Awaited<ReturnType<typeof latency>>[], lib: [] as Awaited<ReturnType<typeof latency>>[] };
    const throughputs = { raw: [] as number[], lib: [] as number[] };
    const chunkRates = { raw: [] as number[], lib: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      latencies.raw.push(await latency(raw.chat, SEQUENTIAL));
      latencies.lib.push(await latency(library.chat, SEQUENTIAL));
      throughputs.raw.push(await throughput(raw.chat, CONCURRENT_TOTAL));
      throughputs.lib.push(await throughput(library.chat, CONCURRENT_TOTAL));
      chunkRates.raw.push(await chunkRate(raw.stream, STREAMS));
      chunkRates.lib.push(await chunkRate(library.stream, STREAMS));
    }
    const rawLatency = medianRound(latencies.raw);
    const libLatency = medianRound(latencies.lib);
    const rawThroughput = median(throughputs.raw);
    const libThroughput = median(throughputs.lib);
    const rawChunks = median(chunkRates.raw);
    const libChunks = median(chunkRates.lib);

    const rows = [
      ['chat latency p50 (µs)', fmt(rawLatency.p50), fmt(libLatency.p50), `+${fmt(libLatency.p50 - rawLatency.p50)} µs`, 'added ≤ 50 µs'],
      ['chat latency p99 (µs)', fmt(rawLatency.p99), fmt(libLatency.p99), `+${fmt(libLatency.p99 - rawLatency.p99)} µs`, ''],
      ['CPU per request (µs)', fmt(rawLatency.cpuUs), fmt(libLatency.cpuUs), `${fmt(libLatency.cpuUs / rawLatency.cpuUs, 2)}×`, ''],
      [`throughput @${CONCURRENCY} (req/s)`, fmt(rawThroughput, 0), fmt(libThroughput, 0), `${fmt((libThroughput / rawThroughput) * 100)} %`, '≥ 85 %'],
      ['stream chunks/s', fmt(rawChunks, 0), fmt(libChunks, 0), `${fmt((libChunks / rawChunks) * 100)} %`, '≥ 80 %'],
    ];
    console.log(`\nllm-resilience vs raw undici (node ${process.version}, loopback, server in its own process, median of ${rounds} alternating rounds)\n`);
    console.log(['metric', 'raw undici', 'llm-resilience', 'difference', 'target'].join(' | '));
    console.log('--- | --- | --- | --- | ---');
    for (const row of rows) console.log(row.join(' | '));
  } finally {
    await raw.close();
    await library.close();
    child.send('stop');
  }

  for (const [file, name] of [
    ['./pick-bench.ts', 'runPickBench'],
    ['./cache-bench.ts', 'runCacheBench'],
    ['./structured-stream-bench.ts', 'runStructuredStreamBench'],
  ] as const) {
    try {
      const module = (await import(file)) as Record<string, () => Promise<Record<string, number | string>>>;
      const run = module[name];
      if (!run) continue;
      console.log(`\n${name}:`);
      for (const [key, value] of Object.entries(await run())) console.log(`  ${key}: ${typeof value === 'number' ? fmt(value, 3) : value}`);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') continue;
      throw error;
    }
  }
}

await main();
