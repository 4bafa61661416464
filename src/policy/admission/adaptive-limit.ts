import { expectFraction, expectInteger, expectNumber } from '../validate-option.js';

/** Bounds and steps of an adaptive concurrency limit. */
export type AdaptiveLimitOptions = {
  /**
   * The limit a deployment starts at.
   * @default 8
   */
  readonly initialLimit?: number;
  /**
   * The limit never goes below this.
   * @default 1
   */
  readonly minLimit?: number;
  /**
   * The limit never goes above this.
   * @default 128
   */
  readonly maxLimit?: number;
  /**
   * What the limit is multiplied by on a 429, 503/529 or a latency rise (at most once per round trip).
   * @default 0.9
   */
  readonly backoffRatio?: number;
  /**
   * A latency rise: the smoothed time to first token above `latencyTolerance` × the healthy baseline.
   * @default 1.5
   */
  readonly latencyTolerance?: number;
};

/** How an attempt ended, as the limit sees it. */
export type LimitVerdict = 'success' | 'overload' | 'neutral';

/** Why the limit last moved. */
export type LimitChangeReason = 'healthy' | 'overload' | 'latency';

const DEFAULTS = { initialLimit: 8, minLimit: 1, maxLimit: 128, backoffRatio: 0.9, latencyTolerance: 1.5 } as const;
/** The weight of the newest latency sample in the smoothed latency. */
const LATENCY_SMOOTHING = 0.2;
/** How fast the baseline follows latency upwards (downwards it follows at once). */
const BASELINE_DRIFT = 0.002;

/** Validates adaptive-limit options; throws `InvalidArgumentError` naming the field. */
export function validateAdaptiveLimitOptions(options: AdaptiveLimitOptions, prefix = ''): void {
  if (options.minLimit !== undefined) expectInteger(`${prefix}minLimit`, options.minLimit, 1);
  if (options.maxLimit !== undefined) expectInteger(`${prefix}maxLimit`, options.maxLimit, options.minLimit ?? 1);
  if (options.initialLimit !== undefined) expectInteger(`${prefix}initialLimit`, options.initialLimit, options.minLimit ?? 1);
  if (options.backoffRatio !== undefined) expectFraction(`${prefix}backoffRatio`, options.backoffRatio);
  if (options.latencyTolerance !== undefined) expectNumber(`${prefix}latencyTolerance`, options.latencyTolerance, 1, true);
}

/**
 * AIMD on in-flight attempts, with a latency gradient: each healthy answer adds `1 / limit` (one
 * slot per round trip's worth of answers) while the limit is in use; a 429, a 503/529 or a smoothed
 * time to first token beyond `latencyTolerance` × the healthy baseline multiplies it by
 * `backoffRatio`. One decrease per round trip: answers to attempts that started before the last
 * decrease cannot decrease it again, so a burst of 429s from one overload counts once.
 */
export class AdaptiveLimit {
  readonly minLimit: number;
  readonly maxLimit: number;
  private readonly backoffRatio: number;
  private readonly latencyTolerance: number;
  private value: number;
  private smoothedMs: number | undefined;
  private baselineMs: number | undefined;
  private decreasedAt = -Infinity;

  constructor(options: AdaptiveLimitOptions = {}) {
    validateAdaptiveLimitOptions(options);
    this.minLimit = options.minLimit ?? DEFAULTS.minLimit;
    this.maxLimit = Math.max(this.minLimit, options.maxLimit ?? DEFAULTS.maxLimit);
    this.backoffRatio = options.backoffRatio ?? DEFAULTS.backoffRatio;
    this.latencyTolerance = options.latencyTolerance ?? DEFAULTS.latencyTolerance;
    this.value = Math.min(this.maxLimit, Math.max(this.minLimit, options.initialLimit ?? DEFAULTS.initialLimit));
  }

  /** Attempts that may be in flight now. */
  get limit(): number {
    return Math.floor(this.value);
  }

  /** The healthy time to first token the latency is compared with, once known. */
  get baselineLatencyMs(): number | undefined {
    return this.baselineMs;
  }

  /**
   * Takes one ended attempt into account: how it ended, its time to first token (when it got one),
   * when it started and how many attempts were in flight when it did. Returns the reason when the
   * whole-number limit changed, else undefined.
   */
  update(verdict: LimitVerdict, latencyMs: number | undefined, startedAt: number, inFlight: number, now: number): LimitChangeReason | undefined {
    const before = Math.floor(this.value);
    let reason: LimitChangeReason | undefined;
    if (verdict === 'overload') {
      if (startedAt >= this.decreasedAt) reason = this.decrease(now, 'overload');
    } else if (verdict === 'success' && latencyMs !== undefined && latencyMs >= 0) {
      const smoothed = this.smoothedMs === undefined ? latencyMs : this.smoothedMs + LATENCY_SMOOTHING * (latencyMs - this.smoothedMs);
      this.smoothedMs = smoothed;
      const baseline = this.baselineMs;
      this.baselineMs = baseline === undefined || smoothed < baseline ? smoothed : baseline + BASELINE_DRIFT * (smoothed - baseline);
      if (baseline !== undefined && smoothed > this.latencyTolerance * baseline) {
        if (startedAt >= this.decreasedAt) reason = this.decrease(now, 'latency');
      } else if (inFlight * 2 >= this.value && this.value < this.maxLimit) {
        this.value = Math.min(this.maxLimit, this.value + 1 / this.value);
        reason = 'healthy';
      }
    }
    return Math.floor(this.value) === before ? undefined : reason;
  }

  private decrease(now: number, reason: LimitChangeReason): LimitChangeReason {
    this.value = Math.max(this.minLimit, this.value * this.backoffRatio);
    this.decreasedAt = now;
    return reason;
  }
}
