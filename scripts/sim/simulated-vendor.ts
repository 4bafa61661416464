import type { Clock } from '../../src/shared/clock.js';
import type { MockStep } from '../../src/testing/mock-step.js';

/** One stretch of the vendor's life. */
export type VendorPhase = {
  readonly name: string;
  /** When it ends, in simulated ms from the start. */
  readonly untilMs: number;
  /** Requests served at once; as many more wait in the vendor's own queue, the rest get 429. */
  readonly capacity: number;
  /** Share of requests answered 503 (a partial outage). */
  readonly errorRate: number;
  /** Demand multiplier for batch callers (an overload spike). */
  readonly batchLoad: number;
};

/** What the vendor saw in one phase. */
export type VendorCounts = { requests: number; rateLimited: number; unavailable: number };

export type SimulatedVendorOptions = {
  readonly phases: readonly VendorPhase[];
  readonly clock: Clock;
  readonly random: () => number;
  /** Time to first token of an idle vendor. */
  readonly firstTokenMs: number;
  /** Time from the first token to the end of the answer. */
  readonly generationMs: number;
};

/**
 * A vendor whose capacity, latency and errors change over time: `capacity` requests run at once
 * (slower as they fill it), as many again wait in its queue (their first token comes later), and
 * past that it answers 429 at once. Answers are `MockStep`s for `mockProvider({ respond })`.
 */
export class SimulatedVendor {
  readonly counts: Map<string, VendorCounts>;
  private readonly options: SimulatedVendorOptions;
  /** End times of accepted requests still running or queued. */
  private ends: number[] = [];

  constructor(options: SimulatedVendorOptions) {
    this.options = options;
    this.counts = new Map(options.phases.map((phase) => [phase.name, { requests: 0, rateLimited: 0, unavailable: 0 }]));
  }

  phaseAt(timeMs: number): VendorPhase {
    const phases = this.options.phases;
    return phases.find((phase) => timeMs < phase.untilMs) ?? phases[phases.length - 1]!;
  }

  respond = (): MockStep => {
    const { clock, random, firstTokenMs, generationMs } = this.options;
    const now = clock.now();
    const phase = this.phaseAt(now);
    const counts = this.counts.get(phase.name)!;
    counts.requests++;
    if (random() < phase.errorRate) {
      counts.unavailable++;
      return { error: { status: 503, message: 'The service is temporarily unavailable' }, delayMs: 20 };
    }
    this.ends = this.ends.filter((end) => end > now).sort((left, right) => left - right);
    const capacity = phase.capacity;
    const waiting = this.ends.length - capacity;
    if (waiting >= capacity) {
      counts.rateLimited++;
      return { error: { status: 429, message: 'Rate limit reached for requests' }, delayMs: 10 };
    }
    const startAt = waiting >= 0 ? this.ends[waiting]! : now;
    const utilization = Math.min(1, (this.ends.length + 1) / capacity);
    const slowdown = 1 + 0.5 * utilization;
    const firstToken = startAt - now + firstTokenMs * slowdown;
    const generation = generationMs * slowdown;
    this.ends.push(now + firstToken + generation);
    return { text: 'one two three four', firstTokenDelayMs: firstToken, chunkDelayMs: generation / 3 };
  };
}
