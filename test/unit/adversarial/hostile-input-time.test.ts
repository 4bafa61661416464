/**
 * Every function that reads user- or model-supplied text, on every hostile input family
 * (test/helpers/adversarial-inputs.ts), must stay under 100 ms per Mi characters and grow linearly.
 * A run well under the bound is not repeated; otherwise each timing is the best of 3 runs (the
 * machine may be shared). Growth is judged from 256 Ki to 1 Mi characters: 4× when linear, 16×
 * when quadratic, failing above 10×; times under a few milliseconds are noise and not compared.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ADVERSARIAL_INPUTS } from '../../helpers/adversarial-inputs.js';
import { ADVERSARIAL_SUBJECTS, type AdversarialSubject } from '../../helpers/adversarial-subjects.js';

const MI = 1024 * 1024;
const MAX_MS_PER_MI = 100;
const MAX_GROWTH = 10;
const NOISE_FLOOR_MS = 8;

/** The best of 3 runs; with `isQuick`, one run is enough when it is under a third of the bound. */
function bestMs(subject: AdversarialSubject, text: string, isQuick: boolean): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    subject.run(text);
    best = Math.min(best, performance.now() - start);
    if (isQuick && best < (MAX_MS_PER_MI * text.length) / MI / 3) break;
  }
  return best;
}

describe.each(ADVERSARIAL_SUBJECTS)('$name', (subject) => {
  it('stays under 100 ms per Mi characters of every hostile input, growing linearly', () => {
    const failures: string[] = [];
    const report: string[] = [];
    for (const input of ADVERSARIAL_INPUTS) {
      subject.run(input.make(4096));
      const large = input.make(MI);
      const quarter = input.make(MI / 4);
      const perMi = (ms: number) => (ms * MI) / large.length;
      const growth = (largeMs: number, quarterMs: number) => (largeMs > NOISE_FLOOR_MS ? largeMs / Math.max(quarterMs, NOISE_FLOOR_MS / 4) : 1);
      let largeMs = bestMs(subject, large, true);
      let quarterMs = bestMs(subject, quarter, true);
      if (perMi(largeMs) > MAX_MS_PER_MI || growth(largeMs, quarterMs) > MAX_GROWTH) {
        // A single run may have been unlucky on a shared machine: judge the best of 3.
        largeMs = bestMs(subject, large, false);
        quarterMs = bestMs(subject, quarter, false);
      }
      report.push(`${input.name}: ${perMi(largeMs).toFixed(1)} ms/Mi, ×${growth(largeMs, quarterMs).toFixed(1)}`);
      if (perMi(largeMs) > MAX_MS_PER_MI) failures.push(`${input.name}: ${perMi(largeMs).toFixed(0)} ms per Mi characters`);
      if (growth(largeMs, quarterMs) > MAX_GROWTH) failures.push(`${input.name}: ${growth(largeMs, quarterMs).toFixed(1)}× slower on 4× the input`);
    }
    expect(failures, report.join('\n')).toEqual([]);
  }, 180_000);
});
