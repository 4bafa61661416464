import type { Clock } from '../../shared/clock.js';
import { StateScope } from '../../state/state-scope.js';
import { expectFraction, expectInteger, expectNumber } from '../validate-option.js';
import { RollingWindow } from './rolling-window.js';
import { Emitter, type EventListener, type Unsubscribe } from '../../events/emitter.js';

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
  /**
   * How long the half-open probe holds its slot against other processes sharing the state, at
   * most, in case the process running it dies without reporting. Its own process never lets a
   * second probe in while it runs, and renews the lease whenever it sees it half gone. The client
   * passes the call's time left to its deadline instead, so a probe holds the slot for as long as
   * it may run.
   * @default the longer of `openMs` and 60000
   */
  readonly probeLeaseMs?: number;
};

/**
 * Called on every state change, synchronously, after the state changed.
 * @deprecated Subscribe with `breaker.on('state-change', ({ from, to, reason }) => …)`.
 */
export type CircuitStateListener = (from: CircuitState, to: CircuitState, reason: CircuitTransitionReason) => void;

/** A breaker's state change, after it happened (also one made by another process sharing the state). */
export type CircuitStateChange = { readonly from: CircuitState; readonly to: CircuitState; readonly reason: CircuitTransitionReason };

/** The events a breaker publishes, by type. */
export type CircuitBreakerEventMap = { readonly 'state-change': CircuitStateChange };

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
  minimumProbeLeaseMs: 60_000,
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
  if (options.probeLeaseMs !== undefined) expectNumber(`${prefix}probeLeaseMs`, options.probeLeaseMs, 1);
}

/**
 * A circuit breaker for one deployment. The caller takes a permit with `tryAcquire()` and ends it
 * with exactly one of `recordSuccess()`, `recordFailure()` or `release()` (no verdict, e.g. the
 * caller aborted). Only failures that say the deployment is unhealthy should be recorded as
 * failures (see `breakerVerdictFor`); a 400 is the caller's fault and counts as a success.
 *
 * The state lives in a `StateStore` scope, so breakers of several processes given the same scope of
 * a shared store open, probe and close together:
 * - `opened-at`: present while the circuit is not closed; it is `open` until `opened-at + openMs`,
 *   then `half-open` (no write is needed for that step);
 * - `generation` and `reason`: counted up and set on every transition, so a breaker notices
 *   transitions made elsewhere and reports them to its listener;
 * - `probe`: the half-open probe's lease, until `probeLeaseMs` after it started or was last renewed
 *   (a probe whose process died frees the slot then); `probe-successes`;
 * - `consecutive-failures`, `last-failure-at`, and the rolling window's counters.
 */
export class CircuitBreaker {
  private readonly clock: Clock;
  private readonly events = new Emitter<CircuitBreakerEventMap>();
  private readonly consecutiveFailureLimit: number;
  private readonly failureRateThreshold: number;
  private readonly minimumRequests: number;
  private readonly openMs: number;
  private readonly halfOpenSuccesses: number;
  private readonly probeLeaseMs: number;
  private readonly window: RollingWindow;
  private readonly scope: StateScope;
  private readonly keys: {
    readonly openedAt: string;
    readonly generation: string;
    readonly reason: string;
    readonly probe: string;
    readonly probeSuccesses: string;
    readonly consecutiveFailures: string;
    readonly lastFailureAt: string;
  };

  /** The state this breaker last saw, to report changes made elsewhere or by time. */
  private seenState: CircuitState = 'closed';
  private seenGeneration = 0;
  /** Whether this breaker's process runs the half-open probe: then it lets no other probe in. */
  private isHoldingProbe = false;
  /** The probe lease this breaker wrote (stored time) and its length, to renew it and release only its own. */
  private heldLeaseUntil = 0;
  private heldLeaseMs = 0;

  /**
   * `scope` says where the state lives; by default the breaker keeps it to itself.
   * `onStateChange` is a deprecated alias of `on('state-change', …)`.
   */
  constructor(
    options: CircuitBreakerOptions = {},
    clock: Clock,
    onStateChange?: CircuitStateListener,
    scope: StateScope = StateScope.inMemory(clock),
  ) {
    validateCircuitBreakerOptions(options);
    this.clock = clock;
    if (onStateChange) this.events.on('state-change', (change) => onStateChange(change.from, change.to, change.reason));
    this.consecutiveFailureLimit = options.consecutiveFailures ?? DEFAULTS.consecutiveFailures;
    this.failureRateThreshold = options.failureRateThreshold ?? DEFAULTS.failureRateThreshold;
    this.minimumRequests = options.minimumRequests ?? DEFAULTS.minimumRequests;
    this.openMs = options.openMs ?? DEFAULTS.openMs;
    this.halfOpenSuccesses = options.halfOpenSuccesses ?? DEFAULTS.halfOpenSuccesses;
    this.probeLeaseMs = options.probeLeaseMs ?? Math.max(this.openMs, DEFAULTS.minimumProbeLeaseMs);
    this.scope = scope;
    this.keys = {
      openedAt: scope.key('opened-at'),
      generation: scope.key('generation'),
      reason: scope.key('reason'),
      probe: scope.key('probe'),
      probeSuccesses: scope.key('probe-successes'),
      consecutiveFailures: scope.key('consecutive-failures'),
      lastFailureAt: scope.key('last-failure-at'),
    };
    this.window = new RollingWindow(options.windowMs ?? DEFAULTS.windowMs, options.windowBuckets ?? DEFAULTS.windowBuckets, scope);
    this.seenGeneration = this.scope.number(this.keys.generation) ?? 0;
    this.seenState = this.readState(clock.now());
  }

  /** Subscribes to the breaker's events (`state-change`); returns the function that unsubscribes. */
  on<T extends keyof CircuitBreakerEventMap>(type: T, listener: EventListener<CircuitBreakerEventMap, T>): Unsubscribe {
    return this.events.on(type, listener);
  }

  /** The current state; an open circuit whose `openMs` elapsed reads `half-open`. */
  get state(): CircuitState {
    return this.observe(this.clock.now());
  }

  /**
   * Whether `tryAcquire()` would admit a call now, without taking the permit (and without
   * consuming the half-open probe slot). For availability checks while picking a deployment.
   */
  canAcquire(now: number = this.clock.now()): boolean {
    const state = this.observe(now);
    if (state === 'closed') return true;
    return state === 'half-open' && !this.isProbeBusy(now);
  }

  /**
   * Increases on every transition (open, reopen, close). Read it right after `tryAcquire()` and
   * pass it to the verdict methods: a verdict from an earlier generation (a call admitted before the
   * circuit opened that ends while a probe is out) is then ignored instead of being taken for the probe's.
   */
  get generation(): number {
    return this.scope.number(this.keys.generation) ?? 0;
  }

  /**
   * Takes a permit: always in `closed`; never in `open`; the one probe slot in `half-open`, held
   * until the probe's verdict (against other processes, for `probeLeaseMs` or the given `leaseMs`
   * if longer, renewed while it runs). Pass `now` when the caller just read the clock.
   */
  tryAcquire(now: number = this.clock.now(), leaseMs?: number): boolean {
    const state = this.observe(now);
    if (state === 'closed') return true;
    if (state !== 'half-open' || this.isProbeBusy(now)) return false;
    this.heldLeaseMs = leaseMs !== undefined && Number.isFinite(leaseMs) && leaseMs > this.probeLeaseMs ? leaseMs : this.probeLeaseMs;
    this.lease(now);
    this.isHoldingProbe = true;
    return true;
  }

  /**
   * The permitted call succeeded (or failed in a way that says nothing about health). Pass `now`
   * when the caller just read the clock.
   */
  recordSuccess(generation?: number, now: number = this.clock.now()): void {
    if (this.isStale(generation)) return;
    const state = this.observe(now);
    if (state === 'closed') {
      if (this.scope.number(this.keys.consecutiveFailures)) this.scope.store.delete(this.keys.consecutiveFailures);
      this.window.recordSuccess(now);
      return;
    }
    if (state === 'half-open' && this.isHoldingProbe) {
      this.releaseProbe();
      const successes = this.scope.store.increment(this.keys.probeSuccesses, 1);
      if (successes >= this.halfOpenSuccesses) this.transition('closed', 'probes-succeeded', now);
    }
    // A late success from a call admitted before the circuit opened proves nothing about now.
  }

  /** The permitted call failed in a way that says the deployment is unhealthy. */
  recordFailure(generation?: number): void {
    if (this.isStale(generation)) return;
    const now = this.clock.now();
    this.scope.setTime(this.keys.lastFailureAt, now);
    const state = this.observe(now);
    if (state === 'closed') {
      const failures = this.scope.store.increment(this.keys.consecutiveFailures, 1);
      this.window.recordFailure(now);
      if (failures >= this.consecutiveFailureLimit) {
        this.transition('open', 'consecutive-failures', now);
      } else if (this.window.total(now) >= this.minimumRequests && this.window.failureRate(now) >= this.failureRateThreshold) {
        this.transition('open', 'failure-rate', now);
      }
      return;
    }
    if (state === 'half-open' && this.isHoldingProbe) {
      this.releaseProbe();
      this.transition('open', 'probe-failed', now);
    }
  }

  /** The permitted call ended with no verdict (aborted by the caller, lost a hedge race). */
  release(generation?: number): void {
    if (this.isStale(generation)) return;
    if (this.isHoldingProbe) this.releaseProbe();
  }

  snapshot(): CircuitBreakerSnapshot {
    const now = this.clock.now();
    const state = this.observe(now);
    const openedAt = this.scope.time(this.keys.openedAt);
    const lastFailureAt = this.scope.time(this.keys.lastFailureAt);
    return {
      state,
      ...(state !== 'closed' && openedAt !== undefined ? { openedAt } : {}),
      ...(state === 'open' && openedAt !== undefined ? { reopensAt: openedAt + this.openMs } : {}),
      consecutiveFailures: this.scope.number(this.keys.consecutiveFailures) ?? 0,
      failureRate: this.window.failureRate(now),
      ...(lastFailureAt !== undefined ? { lastFailureAt } : {}),
    };
  }

  /** When an open circuit will admit a probe (clock time); `undefined` unless open. */
  get reopensAt(): number | undefined {
    const openedAt = this.scope.time(this.keys.openedAt);
    return openedAt !== undefined && this.clock.now() < openedAt + this.openMs ? openedAt + this.openMs : undefined;
  }

  private readState(now: number): CircuitState {
    const openedAt = this.scope.time(this.keys.openedAt);
    if (openedAt === undefined) return 'closed';
    return now < openedAt + this.openMs ? 'open' : 'half-open';
  }

  /** Reads the state and reports a change this breaker has not seen: by time, or made elsewhere. */
  private observe(now: number): CircuitState {
    const state = this.readState(now);
    if (state === 'closed' && this.seenState === 'closed') return state;
    const generation = this.generation;
    if (state === this.seenState && generation === this.seenGeneration) return state;
    const from = this.seenState;
    const madeElsewhere = generation !== this.seenGeneration;
    this.seenState = state;
    this.seenGeneration = generation;
    if (madeElsewhere) this.isHoldingProbe = false;
    if (state !== from) {
      const stored = this.scope.store.get(this.keys.reason);
      const reason = !madeElsewhere || state === 'half-open' ? 'open-elapsed' : (stored as CircuitTransitionReason);
      if (this.events.has('state-change')) this.events.emit('state-change', { from, to: state, reason });
    }
    return state;
  }

  private isStale(generation: number | undefined): boolean {
    return generation !== undefined && generation !== this.generation;
  }

  /**
   * Whether a probe is out: this process's own (its lease renewed when half gone, so a probe
   * running longer than a lease keeps the slot), or another process's whose lease has not ended.
   */
  private isProbeBusy(now: number): boolean {
    if (this.isHoldingProbe) {
      if (this.heldLeaseUntil - this.scope.timeOrigin - now < this.heldLeaseMs / 2) this.lease(now);
      return true;
    }
    const leasedUntil = this.scope.time(this.keys.probe);
    return leasedUntil !== undefined && now < leasedUntil;
  }

  private lease(now: number): void {
    this.scope.setTime(this.keys.probe, now + this.heldLeaseMs, this.heldLeaseMs);
    this.heldLeaseUntil = now + this.heldLeaseMs + this.scope.timeOrigin;
  }

  private releaseProbe(): void {
    this.isHoldingProbe = false;
    // Only its own lease: another process may have taken the slot after this one's lapsed.
    if (this.scope.store.get(this.keys.probe) === this.heldLeaseUntil) this.scope.store.delete(this.keys.probe);
  }

  private transition(to: CircuitState, reason: CircuitTransitionReason, now: number): void {
    const from = this.seenState;
    const store = this.scope.store;
    this.seenGeneration = store.increment(this.keys.generation, 1);
    this.seenState = to;
    store.set(this.keys.reason, reason);
    store.delete(this.keys.probe);
    store.delete(this.keys.probeSuccesses);
    this.isHoldingProbe = false;
    if (to === 'open') this.scope.setTime(this.keys.openedAt, now);
    if (to === 'closed') {
      store.delete(this.keys.openedAt);
      store.delete(this.keys.consecutiveFailures);
      this.window.reset(now);
    }
    if (this.events.has('state-change')) this.events.emit('state-change', { from, to, reason });
  }
}
