import type { Clock } from '../../providers/provider.js';
import { expectFraction, expectInteger, expectNumber } from '../validate-option.js';
import { RollingWindow } from './rolling-window.js';

/** `closed`: calls flow. `open`: calls are refused. `half-open`: one probe at a time tests recovery. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Why the circuit changed state; also the `reason` of the `circuit-state` event. */
export type CircuitTransitionReason =
  | 'consecutive-failures'
  | 'failure-rate'
  | 'open-elapsed'
  | 'probe-failed'
  | 'probes-succeeded';

export type CircuitBreakerOptions = {
  /**
   * Open after this many failures in a row (any success resets the count). `Infinity` disables it.
   * @default 5
   */
  readonly consecutiveFailures?: number;
  /**
   * Open when failures / requests over the window reach this fraction (and `minimumRequests` were seen).
   * @default 0.5
   */
  readonly failureRateThreshold?: number;
  /**
   * The failure rate is only judged once the window holds this many requests, so that 1 failure
   * out of 2 does not open a circuit.
   * @default 10
   */
  readonly minimumRequests?: number;
  /**
   * The length of the sliding window the failure rate is measured over.
   * @default 30000
   */
  readonly windowMs?: number;
  /**
   * The number of time buckets the window is split into (its resolution is `windowMs / windowBuckets`).
   * @default 10
   */
  readonly windowBuckets?: number;
  /**
   * How long an open circuit refuses calls before it lets a probe through.
   * @default 15000
   */
  readonly openMs?: number;
  /**
   * Probes that must succeed (one at a time) before a half-open circuit closes.
   * @default 2
   */
  readonly halfOpenSuccesses?: number;
};

/** Called on every state change, synchronously, after the state changed. */
export type CircuitStateListener = (from: CircuitState, to: CircuitState, reason: CircuitTransitionReason) => void;

/** A point-in-time view of a breaker, for `llm.health()`. Times are on the breaker's clock. */
export type CircuitBreakerSnapshot = {
  readonly state: CircuitState;
  readonly openedAt?: number;
  readonly reopensAt?: number;
  readonly consecutiveFailures: number;
  readonly failureRate: number;
  readonly lastFailureAt?: number;
};

const DEFAULTS = {
  consecutiveFailures: 5,
  failureRateThreshold: 0.5,
  minimumRequests: 10,
  windowMs: 30_000,
  windowBuckets: 10,
  openMs: 15_000,
  halfOpenSuccesses: 2,
} as const;

/** Validates breaker options; throws `InvalidArgumentError` naming the field. */
export function validateCircuitBreakerOptions(options: CircuitBreakerOptions, prefix = ''): void {
  if (options.consecutiveFailures !== undefined) expectInteger(`${prefix}consecutiveFailures`, options.consecutiveFailures, 1, true);
  if (options.failureRateThreshold !== undefined) expectFraction(`${prefix}failureRateThreshold`, options.failureRateThreshold);
  if (options.minimumRequests !== undefined) expectInteger(`${prefix}minimumRequests`, options.minimumRequests, 1);
  if (options.windowMs !== undefined) expectNumber(`${prefix}windowMs`, options.windowMs, 0, true);
  if (options.windowBuckets !== undefined) expectInteger(`${prefix}windowBuckets`, options.windowBuckets, 1);
  if (options.openMs !== undefined) expectNumber(`${prefix}openMs`, options.openMs, 0);
  if (options.halfOpenSuccesses !== undefined) expectInteger(`${prefix}halfOpenSuccesses`, options.halfOpenSuccesses, 1);
}

/**
 * A circuit breaker for one deployment. The caller takes a permit with `tryAcquire()` and ends it
 * with exactly one of `recordSuccess()`, `recordFailure()` or `release()` (no verdict, e.g. the
 * caller aborted). Only failures that say the deployment is unhealthy should be recorded as
 * failures (see `breakerVerdictFor`); a 400 is the caller's fault and counts as a success.
 */
export class CircuitBreaker {
  private readonly clock: Clock;
  private readonly onStateChange: CircuitStateListener | undefined;
  private readonly consecutiveFailureLimit: number;
  private readonly failureRateThreshold: number;
  private readonly minimumRequests: number;
  private readonly openMs: number;
  private readonly halfOpenSuccesses: number;
  private readonly window: RollingWindow;

  private currentState: CircuitState = 'closed';
  private consecutiveFailureCount = 0;
  private probeSuccessCount = 0;
  private isProbeInFlight = false;
  private openedAt = 0;
  private lastFailureAt: number | undefined;
  private stateGeneration = 0;

  constructor(options: CircuitBreakerOptions = {}, clock: Clock, onStateChange?: CircuitStateListener) {
    validateCircuitBreakerOptions(options);
    this.clock = clock;
    this.onStateChange = onStateChange;
    this.consecutiveFailureLimit = options.consecutiveFailures ?? DEFAULTS.consecutiveFailures;
    this.failureRateThreshold = options.failureRateThreshold ?? DEFAULTS.failureRateThreshold;
    this.minimumRequests = options.minimumRequests ?? DEFAULTS.minimumRequests;
    this.openMs = options.openMs ?? DEFAULTS.openMs;
    this.halfOpenSuccesses = options.halfOpenSuccesses ?? DEFAULTS.halfOpenSuccesses;
    this.window = new RollingWindow(options.windowMs ?? DEFAULTS.windowMs, options.windowBuckets ?? DEFAULTS.windowBuckets);
  }

  /** The current state; an open circuit whose `openMs` elapsed reads (and becomes) `half-open`. */
  get state(): CircuitState {
    this.refresh(this.clock.now());
    return this.currentState;
  }

  /**
   * Whether `tryAcquire()` would admit a call now, without taking the permit (and without
   * consuming the half-open probe slot). For availability checks while picking a deployment.
   */
  canAcquire(now: number = this.clock.now()): boolean {
    if (this.currentState === 'closed') return true;
    if (this.currentState === 'open') return now >= this.openedAt + this.openMs;
    return !this.isProbeInFlight;
  }

  /**
   * Increases on every state change. Read it right after `tryAcquire()` and pass it to the verdict
   * methods: a verdict from an earlier generation (a call admitted before the circuit opened that
   * ends while a probe is out) is then ignored instead of being taken for the probe's.
   */
  get generation(): number {
    return this.stateGeneration;
  }

  /** Takes a permit: always in `closed`; never in `open`; the one probe slot in `half-open`. */
  tryAcquire(): boolean {
    if (this.currentState === 'closed') return true;
    this.refresh(this.clock.now());
    if (this.currentState !== 'half-open' || this.isProbeInFlight) return false;
    this.isProbeInFlight = true;
    return true;
  }

  /** The permitted call succeeded (or failed in a way that says nothing about health). */
  recordSuccess(generation?: number): void {
    if (generation !== undefined && generation !== this.stateGeneration) return;
    const now = this.clock.now();
    if (this.currentState === 'closed') {
      this.consecutiveFailureCount = 0;
      this.window.recordSuccess(now);
      return;
    }
    if (this.currentState === 'half-open' && this.isProbeInFlight) {
      this.isProbeInFlight = false;
      this.probeSuccessCount += 1;
      if (this.probeSuccessCount >= this.halfOpenSuccesses) this.transition('closed', 'probes-succeeded', now);
    }
    // A late success from a call admitted before the circuit opened proves nothing about now.
  }

  /** The permitted call failed in a way that says the deployment is unhealthy. */
  recordFailure(generation?: number): void {
    if (generation !== undefined && generation !== this.stateGeneration) return;
    const now = this.clock.now();
    this.lastFailureAt = now;
    if (this.currentState === 'closed') {
      this.consecutiveFailureCount += 1;
      this.window.recordFailure(now);
      if (this.consecutiveFailureCount >= this.consecutiveFailureLimit) {
        this.transition('open', 'consecutive-failures', now);
      } else if (
        this.window.total(now) >= this.minimumRequests &&
        this.window.failureRate(now) >= this.failureRateThreshold
      ) {
        this.transition('open', 'failure-rate', now);
      }
      return;
    }
    if (this.currentState === 'half-open' && this.isProbeInFlight) {
      this.isProbeInFlight = false;
      this.transition('open', 'probe-failed', now);
    }
  }

  /** The permitted call ended with no verdict (aborted by the caller, lost a hedge race). */
  release(generation?: number): void {
    if (generation !== undefined && generation !== this.stateGeneration) return;
    if (this.currentState === 'half-open') this.isProbeInFlight = false;
  }

  snapshot(): CircuitBreakerSnapshot {
    const now = this.clock.now();
    this.refresh(now);
    const isOpen = this.currentState === 'open';
    return {
      state: this.currentState,
      ...(this.currentState !== 'closed' ? { openedAt: this.openedAt } : {}),
      ...(isOpen ? { reopensAt: this.openedAt + this.openMs } : {}),
      consecutiveFailures: this.consecutiveFailureCount,
      failureRate: this.window.failureRate(now),
      ...(this.lastFailureAt !== undefined ? { lastFailureAt: this.lastFailureAt } : {}),
    };
  }

  /** When an open circuit will admit a probe (clock time); `undefined` unless open. */
  get reopensAt(): number | undefined {
    return this.currentState === 'open' ? this.openedAt + this.openMs : undefined;
  }

  private refresh(now: number): void {
    if (this.currentState === 'open' && now >= this.openedAt + this.openMs) {
      this.transition('half-open', 'open-elapsed', now);
    }
  }

  private transition(to: CircuitState, reason: CircuitTransitionReason, now: number): void {
    const from = this.currentState;
    this.currentState = to;
    this.stateGeneration += 1;
    this.isProbeInFlight = false;
    this.probeSuccessCount = 0;
    if (to === 'open') this.openedAt = now;
    if (to === 'closed') {
      this.consecutiveFailureCount = 0;
      this.window.reset();
    }
    this.onStateChange?.(from, to, reason);
  }
}
