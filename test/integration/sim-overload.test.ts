import { describe, expect, it } from 'vitest';
import { runArm } from '../../scripts/sim/overload-simulation.js';

// A shortened run of `npm run sim:overload` on simulated time: deterministic, about a second.
describe('overload simulation (6 s phases, simulated time)', () => {
  it('adaptive admission with priorities beats static limits on the qualitative targets', async () => {
    const staticArm = await runArm('static', { phaseMs: 6_000 });
    const adaptive = await runArm('adaptive', { phaseMs: 6_000 });
    const [healthy, partialOutage, overload] = adaptive.phases;
    // While healthy, interactive calls never wait behind queued batch calls: p99 within 10 % of p50.
    expect(healthy!.interactive.ttftP99).toBeLessThanOrEqual(1.1 * healthy!.interactive.ttftP50);
    // In the overload spike the median interactive call starts as fast as a healthy one.
    expect(overload!.interactive.ok).toBeGreaterThan(0);
    expect(overload!.interactive.ttftP50).toBeLessThanOrEqual(1.2 * healthy!.interactive.ttftP50);
    // The target: interactive p99 in the spike within 2x of the healthy p99.
    expect(overload!.interactive.ttftP99).toBeLessThanOrEqual(2 * healthy!.interactive.ttftP99);
    // Retries cannot storm: at most 1.3 upstream requests per call in the partial outage.
    expect(partialOutage!.upstreamPerCall).toBeLessThanOrEqual(1.3);
    // 429s at least halve against static limits.
    expect(staticArm.rateLimited).toBeGreaterThan(0);
    expect(adaptive.rateLimited * 2).toBeLessThanOrEqual(staticArm.rateLimited);
    // Batch is shed, interactive is not while batch waits.
    expect(adaptive.shed).toBeGreaterThan(0);
    expect(adaptive.interactiveShedWhileBatchQueued).toBe(0);
    expect(adaptive.goodput).toBeGreaterThan(staticArm.goodput);
    expect(adaptive.minLimit).toBeLessThan(16);
  }, 60_000);

  it('meets the interactive p99 target in the default 15 s run too', async () => {
    const adaptive = await runArm('adaptive', { phaseMs: 15_000 });
    const [healthy, , overload] = adaptive.phases;
    expect(overload!.interactive.ok).toBe(overload!.interactive.calls);
    expect(overload!.interactive.ttftP99).toBeLessThanOrEqual(2 * healthy!.interactive.ttftP99);
  }, 60_000);
});
