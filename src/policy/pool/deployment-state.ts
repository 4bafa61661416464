import type { Clock } from '../../shared/clock.js';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  type CircuitStateListener,
  validateCircuitBreakerOptions,
} from '../circuit-breaker/circuit-breaker.js';
import type { BreakerVerdict } from '../circuit-breaker/is-deployment-failure.js';
import { RateLimiter, type RateLimitOptions, validateRateLimitOptions } from '../rate-limit/rate-limiter.js';
import { StateScope } from '../../state/state-scope.js';
import { expectFraction, expectInteger, expectNumber } from '../validate-option.js';
import type { AdmissionSnapshot, DeploymentAdmission } from '../admission/deployment-admission.js';
import type { RetryBudget } from '../admission/retry-budget.js';

/** Why a deployment cannot take a request right now. */
export type UnavailableReason = 'cooling-down' | 'circuit-open' | 'rate-limited';

export type DeploymentStateOptions = {
  /** Unique across the client, e.g. `opus#0` or a user-given id. */
  readonly id: string;
  readonly alias: string;
  /** The key of the provider in the client's `providers`. */
  readonly providerName: string;
  /** The vendor's model id. */
  readonly model: string;
  /**
   * The share of traffic under `weighted-random`, and the tie-breaker elsewhere.
   * @default 1
   */
  readonly weight?: number;
  /** The model's context window in tokens, when known. */
  readonly contextWindow?: number;
  readonly breaker?: CircuitBreakerOptions;
  readonly rateLimit?: RateLimitOptions;
  /**
   * The weight of the newest time-to-first-token sample in its moving average.
   * @default 0.25
   */
  readonly latencySmoothing?: number;
  readonly clock: Clock;
  /**
   * Where the state several processes may share lives: the cooldown, the circuit breaker, the
   * rate-limit buckets and the learned limits. Requests in flight, latency and the last error are
   * this process's own and stay on the object.
   * @default a scope of its own, in memory
   */
  readonly scope?: StateScope;
  /**
   * Called on every circuit state change of this deployment.
   * @deprecated Subscribe with `state.breaker.on('state-change', ({ from, to, reason }) => …)`.
   */
  readonly onCircuitStateChange?: CircuitStateListener;
};

/** The last error a deployment returned, for `llm.health()`. */
export type DeploymentError = { readonly code: string; readonly message: string; readonly at: number };

/** A point-in-time view of a deployment, for `llm.health()`. Times are on the client's clock. */
export type DeploymentSnapshot = {
  readonly id: string;
  readonly alias: string;
  readonly providerName: string;
  readonly model: string;
  readonly weight: number;
  readonly inFlight: number;
  readonly timeToFirstTokenMs?: number;
  readonly cooldownUntil?: number;
  readonly cooldownReason?: string;
  readonly rateLimitHeadroom: number;
  readonly circuit: CircuitBreakerSnapshot;
  readonly lastError?: DeploymentError;
  /** The adaptive concurrency limit, attempts admitted and calls waiting, with `admission.concurrency`. */
  readonly concurrency?: AdmissionSnapshot;
  /** Retries the retry budget allows now, unless `admission.retryBudget` is `false`. */
  readonly retryBudget?: number;
};

/**
 * The live, shared state of one deployment: every concurrent call reads and writes the same object,
 * so a cooldown set by one call (a 429 with Retry-After) applies to all of them at once.
 *
 * Lifecycle of one attempt: `acquire(now, tokens)` (takes the breaker permit and rate-limit tokens,
 * counts the request in flight) → the call → `endRequest(verdict)` exactly once.
 */
export class DeploymentState {
  readonly id: string;
  readonly alias: string;
  readonly providerName: string;
  readonly model: string;
  readonly weight: number;
  readonly contextWindow: number | undefined;
  readonly breaker: CircuitBreaker;
  readonly limiter: RateLimiter;
  /** Requests started and not yet ended. */
  inFlight = 0;
  /** Moving average of time to first token in ms; `undefined` until the first sample. */
  timeToFirstTokenMs: number | undefined;
  lastError: DeploymentError | undefined;
  /**
   * The breaker generation of the last successful `acquire()`: pass it back to `endRequest()` so
   * a late verdict from before a state change is not taken for the half-open probe's.
   */
  lastPermitGeneration = 0;
  /** The admission gate (adaptive concurrency, priorities), when the client has one. */
  admission: DeploymentAdmission | undefined;
  /** Caps this deployment's retries at a share of its calls, unless turned off. */
  retryBudget: RetryBudget | undefined;
  private readonly latencySmoothing: number;
  private readonly clock: Clock;
  private readonly scope: StateScope;
  private readonly cooldownKey: string;
  private readonly cooldownReasonKey: string;

  constructor(options: DeploymentStateOptions) {
    if (options.weight !== undefined) expectNumber('weight', options.weight, 0, true);
    if (options.contextWindow !== undefined) expectInteger('contextWindow', options.contextWindow, 1);
    if (options.latencySmoothing !== undefined) expectFraction('latencySmoothing', options.latencySmoothing);
    if (options.breaker !== undefined) validateCircuitBreakerOptions(options.breaker, 'breaker.');
    if (options.rateLimit !== undefined) validateRateLimitOptions(options.rateLimit, 'rateLimit.');
    this.id = options.id;
    this.alias = options.alias;
    this.providerName = options.providerName;
    this.model = options.model;
    this.weight = options.weight ?? 1;
    this.contextWindow = options.contextWindow;
    this.latencySmoothing = options.latencySmoothing ?? 0.25;
    this.clock = options.clock;
    this.scope = options.scope ?? StateScope.inMemory(options.clock);
    this.cooldownKey = this.scope.key('cooldown-until');
    this.cooldownReasonKey = this.scope.key('cooldown-reason');
    this.breaker = new CircuitBreaker(options.breaker, options.clock, undefined, this.scope.child('circuit'));
    const onCircuitStateChange = options.onCircuitStateChange;
    if (onCircuitStateChange) this.breaker.on('state-change', (change) => onCircuitStateChange(change.from, change.to, change.reason));
    this.limiter = new RateLimiter(options.rateLimit, this.scope.child('rate-limit'));
  }

  /** Clock time until which the deployment is skipped; 0 when not cooling down. */
  get cooldownUntil(): number {
    return this.scope.time(this.cooldownKey) ?? 0;
  }

  /** Why the deployment is cooling down, when it is. */
  get cooldownReason(): string | undefined {
    const reason = this.scope.store.get(this.cooldownReasonKey);
    return typeof reason === 'string' ? reason : undefined;
  }

  /** Why a request of `tokens` estimated tokens cannot start at `now`, or `undefined` if it can. Takes nothing. */
  unavailableReason(now: number, tokens = 0): UnavailableReason | undefined {
    if (now < this.cooldownUntil) return 'cooling-down';
    if (!this.breaker.canAcquire(now)) return 'circuit-open';
    if (!this.limiter.canTake(tokens, now)) return 'rate-limited';
    return undefined;
  }

  /** Whether a request could start at `now` (not cooling down, breaker admits, limits allow). Takes nothing. */
  isAvailable(now: number, tokens = 0): boolean {
    return now >= this.cooldownUntil && this.breaker.canAcquire(now) && this.limiter.canTake(tokens, now);
  }

  /**
   * Takes everything one attempt needs: the breaker permit (the half-open probe slot included) and
   * the rate-limit tokens, and counts the request in flight. Takes nothing and returns false when
   * any of them is refused. End the attempt with `endRequest()`, or with `cancel()` when it is not
   * sent after all. `probeLeaseMs`: how long the attempt may run (the call's time left), so that a
   * half-open probe holds its slot against other processes that long.
   */
  acquire(now: number, tokens = 0, probeLeaseMs?: number): boolean {
    if (now < this.cooldownUntil || !this.limiter.canTake(tokens, now)) return false;
    if (!this.breaker.tryAcquire(now, probeLeaseMs)) return false;
    this.lastPermitGeneration = this.breaker.generation;
    this.limiter.take(tokens, now);
    this.startRequest();
    return true;
  }

  /**
   * Ends an attempt started by `acquire()`: gives the breaker its verdict (see `breakerVerdictFor`)
   * and stops counting the request in flight. Pass the `lastPermitGeneration` read right after
   * `acquire()` so that a verdict from before a circuit state change is ignored, and `now` when
   * the clock was just read (when the attempt ended).
   */
  endRequest(verdict: BreakerVerdict = 'none', permitGeneration?: number, now?: number): void {
    if (this.inFlight > 0) this.inFlight -= 1;
    if (verdict === 'success') this.breaker.recordSuccess(permitGeneration, now);
    else if (verdict === 'failure') this.breaker.recordFailure(permitGeneration);
    else this.breaker.release(permitGeneration);
  }

  /**
   * Ends an attempt started by `acquire()` that was never sent (refused by a budget check): gives
   * back its rate-limit request and `tokens`, and frees the breaker permit without a verdict.
   */
  cancel(tokens: number, permitGeneration?: number, now: number = this.clock.now()): void {
    this.limiter.giveBack(tokens, now);
    this.endRequest('none', permitGeneration, now);
  }

  /** Counts a request in flight without taking permits (`acquire()` calls this). */
  startRequest(): void {
    this.inFlight += 1;
  }

  /**
   * Skips this deployment until `untilMs` (clock time) for every caller. Keeps the later of an
   * existing cooldown and this one; returns whether the cooldown was extended.
   */
  coolDown(untilMs: number, reason: string): boolean {
    if (untilMs <= this.cooldownUntil) return false;
    const ttlMs = untilMs - this.clock.now();
    this.scope.setTime(this.cooldownKey, untilMs, ttlMs);
    this.scope.store.set(this.cooldownReasonKey, reason, Math.max(1, Math.ceil(ttlMs)));
    return true;
  }

  /** Adds a time-to-first-token sample to the moving average. */
  recordLatency(timeToFirstTokenMs: number): void {
    if (!(timeToFirstTokenMs >= 0)) return;
    this.timeToFirstTokenMs =
      this.timeToFirstTokenMs === undefined
        ? timeToFirstTokenMs
        : this.timeToFirstTokenMs + this.latencySmoothing * (timeToFirstTokenMs - this.timeToFirstTokenMs);
  }

  /** Remembers the last error for `llm.health()`. */
  recordError(code: string, message: string, at: number): void {
    this.lastError = { code, message, at };
  }

  /**
   * Milliseconds until a request of `tokens` could start here: the longest of the cooldown, the open
   * circuit and the rate limits. `Infinity` while a half-open probe is in flight or if it never fits.
   */
  waitTimeMs(now: number, tokens = 0): number {
    const cooldownUntil = this.cooldownUntil;
    let waitMs = cooldownUntil > now ? cooldownUntil - now : 0;
    if (!this.breaker.canAcquire(now)) {
      const reopensAt = this.breaker.reopensAt;
      waitMs = Math.max(waitMs, reopensAt === undefined ? Infinity : reopensAt - now);
    }
    return Math.max(waitMs, this.limiter.waitTimeMs(tokens, now));
  }

  snapshot(now: number): DeploymentSnapshot {
    const cooldownUntil = this.cooldownUntil;
    const cooldownReason = this.cooldownReason;
    return {
      id: this.id,
      alias: this.alias,
      providerName: this.providerName,
      model: this.model,
      weight: this.weight,
      inFlight: this.inFlight,
      ...(this.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: this.timeToFirstTokenMs } : {}),
      ...(cooldownUntil > now ? { cooldownUntil } : {}),
      ...(cooldownUntil > now && cooldownReason !== undefined ? { cooldownReason } : {}),
      rateLimitHeadroom: this.limiter.headroom(now),
      circuit: this.breaker.snapshot(),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      ...(this.admission !== undefined ? { concurrency: this.admission.snapshot() } : {}),
      ...(this.retryBudget !== undefined ? { retryBudget: this.retryBudget.available(now) } : {}),
    };
  }
}
