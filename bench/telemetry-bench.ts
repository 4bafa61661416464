/**
 * What telemetry costs on `llm.chat()`: one client without it, one instrumented with
 * `instrumentTelemetry()` (and `telemetryAttemptHook`) while no OpenTelemetry SDK is registered (the API's no-op tracer and
 * meter), and one recording into a real SDK (BasicTracerProvider with a no-op processor, a
 * MeterProvider with a reader), in alternating rounds against the benchmark's loopback server in
 * its own process. Prints CPU and wall time per call. `npm run bench:telemetry`.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
// The built package, as users get it (`npm run bench:telemetry` builds it first): run from source
// through tsx, every closure made per call pays for tsx's name-keeping helper and the figures inflate.
const distEntry: string = '../dist/index.js';
const distTelemetry: string = '../dist/telemetry.js';
const distTesting: string = '../dist/testing/index.js';
const { openai, ResilientLLM } = (await import(distEntry)) as typeof import('../src/index.js');
const { instrumentTelemetry, telemetryAttemptHook } = (await import(distTelemetry)) as typeof import('../src/telemetry.js');
const { mockProvider } = (await import(distTesting)) as typeof import('../src/testing/index.js');
type ResilientLLM = import('../src/index.js').ResilientLLM;

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const child = fork(fileURLToPath(new URL('./loopback-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const [portData] = (await once(child.stdout!, 'data')) as [Buffer];
const baseURL = `http://127.0.0.1:${portData.toString().trim()}/v1`;
const makeClient = (isTraced: boolean) =>
  new ResilientLLM({
    providers: { openai: openai({ apiKey: 'sk-bench-key-000000', baseURL }) },
    models: { chat: { provider: 'openai', model: 'gpt-bench' } },
    ...(isTraced ? { attemptHooks: [telemetryAttemptHook] } : {}),
  });
const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];

class Reader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

// In process, against a mock adapter: no socket, so the added CPU stands out of the noise.
const makeMock = (isTraced: boolean) =>
  new ResilientLLM({
    providers: { mock: mockProvider({ respond: () => ({ text: 'The capital of France is Paris.' }) }) },
    models: { chat: { provider: 'mock', model: 'gpt-bench' } },
    ...(isTraced ? { attemptHooks: [telemetryAttemptHook] } : {}),
  });
const mockPlain = makeMock(false);
const mockNoSdk = makeMock(true);
const disposeMock = await instrumentTelemetry(mockNoSdk);
const plain = makeClient(false);
const noSdk = makeClient(true);
const withSdk = makeClient(true);
const disposeNoSdk = await instrumentTelemetry(noSdk);
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
const meterProvider = new MeterProvider({ readers: [new Reader()] });
const disposeSdk = await instrumentTelemetry(withSdk, { tracer: tracerProvider.getTracer('bench'), meter: meterProvider.getMeter('bench') });

type Sample = { cpuUs: number; wallUs: number };
async function round(llm: ResilientLLM): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let index = 0; index < CALLS; index++) await llm.chat({ model: 'chat', messages });
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / CALLS, wallUs: Number(process.hrtime.bigint() - start) / 1e3 / CALLS };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results = { plain: [] as Sample[], noSdk: [] as Sample[], withSdk: [] as Sample[], mockPlain: [] as Sample[], mockNoSdk: [] as Sample[] };
try {
  for (const llm of [plain, noSdk, withSdk, mockPlain, mockNoSdk]) await round(llm); // warm-up
  for (let index = 0; index < ROUNDS; index++) {
    results.plain.push(await round(plain));
    results.noSdk.push(await round(noSdk));
    results.withSdk.push(await round(withSdk));
    results.mockPlain.push(await round(mockPlain));
    results.mockNoSdk.push(await round(mockNoSdk));
  }
  const cpuOf = (list: Sample[]) => median(list.map((item) => item.cpuUs));
  const wallOf = (list: Sample[]) => median(list.map((item) => item.wallUs));
  const line = (name: string, list: Sample[]) => `${name.padEnd(38)} cpu ${cpuOf(list).toFixed(1)} µs/call   wall ${wallOf(list).toFixed(1)} µs/call`;
  console.log(line('chat() without telemetry', results.plain));
  console.log(line('chat() with telemetry, no SDK', results.noSdk));
  console.log(line('chat() with telemetry, SDK recording', results.withSdk));
  console.log(line('mock adapter, without telemetry', results.mockPlain));
  console.log(line('mock adapter, telemetry and no SDK', results.mockNoSdk));
  console.log(`in process, telemetry with no SDK adds: cpu ${(cpuOf(results.mockNoSdk) - cpuOf(results.mockPlain)).toFixed(1)} µs/call`);
  console.log(`over loopback HTTP, telemetry with no SDK adds: cpu ${(cpuOf(results.noSdk) - cpuOf(results.plain)).toFixed(1)} µs/call, wall ${(wallOf(results.noSdk) - wallOf(results.plain)).toFixed(1)} µs/call`);
} finally {
  disposeNoSdk();
  disposeSdk();
  disposeMock();
  await Promise.all([mockPlain.close(), mockNoSdk.close(), plain.close(), noSdk.close(), withSdk.close(), tracerProvider.shutdown(), meterProvider.shutdown()]);
  child.kill();
}
