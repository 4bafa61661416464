// npm run sim:overload: static limits against adaptive admission under a vendor slowdown.
// Runs on simulated time (scripts/sim/virtual-clock.ts), so its figures do not depend on the
// machine's load; only its run time does. Options: --phase-ms=15000 --seed=19
import { loadavg } from 'node:os';
import { runArm, type ArmResult } from './sim/overload-simulation.js';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const phaseMs = Number(args['phase-ms'] ?? 15_000);
const seed = Number(args.seed ?? 19);

const startedAt = performance.now();
const results: ArmResult[] = [];
for (const arm of ['static', 'adaptive'] as const) results.push(await runArm(arm, { phaseMs, seed }));
const runSeconds = (performance.now() - startedAt) / 1000;

const fixed = (value: number, digits = 0) => value.toFixed(digits);
console.log(`Overload simulation: 4 phases of ${phaseMs / 1000} s (healthy, partial outage, overload spike, recovery), seed ${seed}`);
console.log('');
console.log('| | static limits | adaptive admission |');
console.log('|---|---|---|');
const row = (label: string, value: (result: ArmResult) => string) => console.log(`| ${label} | ${results.map(value).join(' | ')} |`);
row('goodput (calls/s)', (result) => fixed(result.goodput, 2));
row('upstream requests per call (all)', (result) => fixed(result.upstreamPerCall, 2));
row('upstream requests per call (partial outage)', (result) => fixed(result.phases[1]!.upstreamPerCall, 2));
row('429s received', (result) => String(result.rateLimited));
row('succeeded calls (interactive / batch)', (result) => `${sum(result, 'interactive', 'ok')} / ${sum(result, 'batch', 'ok')}`);
row('shed calls (interactive / batch)', (result) => `${sum(result, 'interactive', 'shed')} / ${sum(result, 'batch', 'shed')}`);
row('failed calls (interactive / batch)', (result) => `${sum(result, 'interactive', 'failed')} / ${sum(result, 'batch', 'failed')}`);
for (const phase of results[0]!.phases.map((item) => item.name)) {
  for (const priority of ['interactive', 'batch'] as const) {
    row(`${phase}: ${priority} TTFT p50 / p99 (ms)`, (result) => {
      const stats = result.phases.find((item) => item.name === phase)![priority];
      return `${fixed(stats.ttftP50)} / ${fixed(stats.ttftP99)}`;
    });
  }
}
row('interactive shed while batch queued', (result) => String(result.interactiveShedWhileBatchQueued));
console.log('');
const [, adaptive] = results as [ArmResult, ArmResult];
const healthyP99 = adaptive.phases[0]!.interactive.ttftP99;
const overloadP99 = adaptive.phases[2]!.interactive.ttftP99;
console.log('Targets (adaptive admission):');
console.log(`- interactive p99 TTFT in the overload spike ${fixed(overloadP99)} ms <= 2 x healthy ${fixed(healthyP99)} ms: ${overloadP99 <= 2 * healthyP99 ? 'met' : 'MISSED'}`);
console.log(`- upstream requests per call in the partial outage ${fixed(adaptive.phases[1]!.upstreamPerCall, 2)} <= 1.3: ${adaptive.phases[1]!.upstreamPerCall <= 1.3 ? 'met' : 'MISSED'}`);
console.log(`- 429s ${adaptive.rateLimited} <= half of static ${results[0]!.rateLimited}: ${adaptive.rateLimited * 2 <= results[0]!.rateLimited ? 'met' : 'MISSED'}`);
console.log(`- interactive calls shed while batch calls queued: ${adaptive.interactiveShedWhileBatchQueued} (${adaptive.interactiveShedWhileBatchQueued === 0 ? 'met' : 'MISSED'})`);
console.log('');
console.log(`Run time ${fixed(runSeconds, 1)} s; load average ${loadavg().map((value) => fixed(value, 2)).join(' ')} (simulated time: figures do not depend on load).`);

function sum(result: ArmResult, priority: 'interactive' | 'batch', field: 'ok' | 'shed' | 'failed'): number {
  return result.phases.reduce((total, phase) => total + phase[priority][field], 0);
}
