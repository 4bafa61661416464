/**
 * Times every function that reads user- or model-supplied text on hostile inputs
 * (test/helpers/adversarial-inputs.ts) at growing sizes, and the streamed structured answer that
 * `stream()` with `schema` parses as it arrives. Prints Markdown tables: per function, the worst
 * input, its time per MiB and how the time grows when the input grows 4× (1 = linear, 2 =
 * quadratic). A run predicted to take longer than `--budget` seconds is extrapolated, not run.
 *
 *   node --import tsx scripts/adversarial-timings.ts [--budget 3] [--max-mib 1] [--all]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { StreamPart } from '../src/client/types.js';
import { structuredOutput } from '../src/tools/structured-output.js';
import { validateStream } from '../src/tools/validate-stream.js';
import { ADVERSARIAL_INPUTS, structuredAnswer, toDeltas } from '../test/helpers/adversarial-inputs.js';
import { ADVERSARIAL_SUBJECTS } from '../test/helpers/adversarial-subjects.js';

const MIB = 1024 * 1024;

type Row = { subject: string; input: string; sizes: number[]; ms: number[]; isExtrapolated: boolean };

function timeOnce(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** The minimum of `runs` timings, stopping early when one run alone is over `budgetMs`. */
function timeMin(run: () => void, runs: number, budgetMs: number): number {
  let best = Infinity;
  for (let index = 0; index < runs; index++) {
    const ms = timeOnce(run);
    best = Math.min(best, ms);
    if (ms > budgetMs / runs) break;
  }
  return best;
}

function measure(subject: (typeof ADVERSARIAL_SUBJECTS)[number], input: (typeof ADVERSARIAL_INPUTS)[number], sizes: readonly number[], budgetMs: number): Row {
  const row: Row = { subject: subject.name, input: input.name, sizes: [], ms: [], isExtrapolated: false };
  for (const size of sizes) {
    const previous = row.ms.at(-1);
    const previousSize = row.sizes.at(-1);
    if (previous !== undefined && previousSize !== undefined) {
      // Assume the worst seen so far (quadratic) to decide whether the next size fits the budget.
      const predicted = previous * (size / previousSize) ** 2;
      if (predicted > budgetMs) {
        const exponent = row.ms.length >= 2 ? Math.log(row.ms.at(-1)! / row.ms.at(-2)!) / Math.log(row.sizes.at(-1)! / row.sizes.at(-2)!) : 2;
        row.sizes.push(size);
        row.ms.push(previous * (size / previousSize) ** Math.max(1, exponent));
        row.isExtrapolated = true;
        break;
      }
    }
    const text = input.make(size);
    row.sizes.push(size);
    row.ms.push(timeMin(() => subject.run(text), 3, budgetMs));
  }
  return row;
}

function growth(row: Row): number {
  const count = row.ms.length;
  if (count < 2) return NaN;
  const ratio = Math.max(row.ms[count - 1]!, 0.01) / Math.max(row.ms[count - 2]!, 0.01);
  return Math.log(ratio) / Math.log(row.sizes[count - 1]! / row.sizes[count - 2]!);
}

function perMib(row: Row): number {
  return row.ms.at(-1)! / (row.sizes.at(-1)! / MIB);
}

function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

async function streamStructured(size: number): Promise<{ bytes: number; deltas: number; ms: number; partials: number }> {
  const text = structuredAnswer(size);
  const deltas = toDeltas(text);
  const output = structuredOutput(z.unknown());
  async function* parts(): AsyncGenerator<StreamPart> {
    for (const delta of deltas) yield { type: 'text-delta', text: delta };
  }
  const start = performance.now();
  let partials = 0;
  for await (const part of validateStream(parts(), { output })) if (part.type === 'partial-object') partials++;
  return { bytes: text.length, deltas: deltas.length, ms: performance.now() - start, partials };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { budget: { type: 'string', default: '3' }, 'max-mib': { type: 'string', default: '1' }, all: { type: 'boolean', default: false } },
  });
  const budgetMs = Number(values.budget) * 1000;
  const maxSize = Number(values['max-mib']) * MIB;
  const sizes: number[] = [];
  for (let size = maxSize; size >= 16 * 1024 && sizes.length < 4; size /= 4) sizes.unshift(Math.round(size));

  // Warm every path once so the first row does not pay for compilation.
  for (const subject of ADVERSARIAL_SUBJECTS) for (const input of ADVERSARIAL_INPUTS) subject.run(input.make(1024));

  console.log(`Adversarial inputs (node ${process.version}; sizes ${sizes.map((size) => `${size / 1024} KiB`).join(', ')}; minimum of 3 runs)\n`);
  const rows: Row[] = [];
  for (const subject of ADVERSARIAL_SUBJECTS) {
    for (const input of ADVERSARIAL_INPUTS) rows.push(measure(subject, input, sizes, budgetMs));
  }

  console.log('function | worst input | time at largest size | ms per MiB | growth per 4× (1 = linear)');
  console.log('--- | --- | --- | --- | ---');
  for (const subject of ADVERSARIAL_SUBJECTS) {
    const own = rows.filter((row) => row.subject === subject.name);
    const worst = own.reduce((a, b) => (perMib(b) > perMib(a) ? b : a));
    const largest = `${formatMs(worst.ms.at(-1)!)} at ${worst.sizes.at(-1)! / 1024} KiB${worst.isExtrapolated ? ' (extrapolated)' : ''}`;
    console.log([subject.name, worst.input, largest, formatMs(perMib(worst)), growth(worst).toFixed(2)].join(' | '));
  }
  if (values.all) {
    console.log('\nfunction | input | ' + sizes.map((size) => `${size / 1024} KiB`).join(' | '));
    console.log('--- | --- | ' + sizes.map(() => '---').join(' | '));
    for (const row of rows) console.log([row.subject, row.input, ...row.ms.map((ms, index) => formatMs(ms) + (row.isExtrapolated && index === row.ms.length - 1 ? '*' : ''))].join(' | '));
  }

  console.log('\nstream() with schema: a structured answer streamed in 1–8 character deltas through validateStream\n');
  console.log('answer | deltas | time | partial objects emitted');
  console.log('--- | --- | --- | ---');
  for (const size of [53_000, 108_000]) {
    let result = await streamStructured(size);
    if (result.ms < budgetMs) {
      const again = await streamStructured(size);
      if (again.ms < result.ms) result = again;
    }
    console.log([`${(result.bytes / 1000).toFixed(0)} KB`, result.deltas, formatMs(result.ms), result.partials].join(' | '));
  }
}

await main();
