/**
 * Every function that reads user- or model-supplied text, on every hostile input family
 * (test/helpers/adversarial-inputs.ts), must stay under 100 ms per Mi characters and grow linearly.
 * Each timing is the best of 3 runs (the machine may be shared); a 1 Mi run well under the bound
 * is not repeated. Growth is judged from 256 Ki to 1 Mi characters: 4× when linear, 16× when
 * quadratic, failing above 10×; times under a few milliseconds are noise and not compared.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ADVERSARIAL_INPUTS } from '../../helpers/adversarial-inputs.js';
import { ADVERSARIAL_SUBJECTS, type AdversarialSubject } from '../../helpers/adversarial-subjects.js';

const MI = 1024 * 1024;
const MAX_MS_PER_MI = 100;
const MAX_GROWTH = 10;
const NOISE_FLOOR_MS = 8;

/** The best of 3 runs; with `isQuick`, one run is enough when it is already a third of the bound. */
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
      const largeMs = bestMs(subject, large, true);
      const smallMs = bestMs(subject, input.make(MI / 4), false);
      const perMi = (largeMs * MI) / large.length;
      const growth = largeMs / Math.max(smallMs, NOISE_FLOOR_MS / 4);
      report.push(`${input.name}: ${perMi.toFixed(1)} ms/Mi, ×${growth.toFixed(1)}`);
      if (perMi > MAX_MS_PER_MI) failures.push(`${input.name}: ${perMi.toFixed(0)} ms per Mi characters`);
      if (largeMs > NOISE_FLOOR_MS && growth > MAX_GROWTH) failures.push(`${input.name}: ${growth.toFixed(1)}× slower on 4× the input`);
    }
    expect(failures, report.join('\n')).toEqual([]);
  }, 180_000);
});
