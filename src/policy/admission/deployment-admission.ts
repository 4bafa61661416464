import { ShedError, type ShedReason } from '../../errors/errors.js';
import type { Clock } from '../../shared/clock.js';
import type { AbortSignalLike } from '../../transport/abort-token.js';
import { expectInteger } from '../validate-option.js';
import { AdaptiveLimit, type AdaptiveLimitOptions, type LimitChangeReason, type LimitVerdict } from './adaptive-limit.js';
import { PRIORITY_VALUES, PriorityQueue } from './priority-queue.js';

/** Queueing and shedding at a deployment's concurrency limit. */
export type QueueOptions = {
  /**
   * The most calls waiting for one deployment. `'interactive'` (and higher) may fill it all,
   * `'default'` (and up to interactive) half, lower priorities a quarter: they are shed first.
   * A newcomer over its share takes the place of the last waiting call when it outranks it.
   * @default 64
   */
  readonly maxQueued?: number;
};

/** What changed at a deployment's admission, for the `admission` event. */
export type AdmissionChange =
  | { readonly kind: 'limit'; readonly previousLimit: number; readonly reason: LimitChangeReason }
  | {
      readonly kind: 'shed';
      readonly priority: number;
      readonly reason: ShedReason;
      readonly retryAfterMs: number;
      /** Calls of a lower priority still waiting when this one was shed (0 unless its deadline forced it). */
      readonly queuedBelow: number;
    };

/** A deployment's admission, as `llm.health()` reports it. */
export type AdmissionSnapshot = {
  readonly limit: number;
  readonly inFlight: number;
  readonly queued: number;
  /** The healthy time to first token the limit compares latency with, once known. */
  readonly baselineLatencyMs?: number;
};

type Waiter = {
  readonly priority: number;
  readonly order: number;
  readonly deadlineAt: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignalLike | undefined;
  onAbort: (() => void) | undefined;
  timer: unknown;
};

const DEFAULT_MAX_QUEUED = 64;
/** The weight of the newest attempt duration in the expected service time. */
const SERVICE_SMOOTHING = 0.2;
/** The most of the limit calls below `'default'` may fill, whatever higher priorities need. */
const LOW_PRIORITY_SHARE = 0.75;
/**
 * How fast the recent peak of higher-priority attempts in flight decays, in slots per second: a
 * burst of interactive calls keeps its slots free for about 5 s per slot after it ends.
 */
const PEAK_DECAY_PER_S = 0.2;
/** The shortest retry time suggested to a shed call. */
const MIN_RETRY_AFTER_MS = 100;

/** Validates queue options; throws `InvalidArgumentError` naming the field. */
export function validateQueueOptions(options: QueueOptions, prefix = ''): void {
  if (options.maxQueued !== undefined) expectInteger(`${prefix}maxQueued`, options.maxQueued, 0);
}

/**
 * Deadline-aware, prioritized admission to one deployment under an adaptive concurrency limit
 * (a bulkhead whose size is an `AdaptiveLimit`). `acquire()` admits at once while fewer than
 * `limit` attempts run (priorities below `'default'` leave free as many slots as higher priorities
 * recently had in flight at once, and at least a quarter, so interactive calls find a free slot); else the call waits, highest priority first, or is shed with `ShedError`
 * (`RLLM_SHED`, with `retryAfterMs`): when its share of the queue is full, when a higher priority
 * displaces it, or as soon as the expected wait plus the expected attempt time would end past its
 * deadline. A waiting call is shed when that point comes, never admitted too late to finish.
 * `release()` ends an admitted attempt and admits the next; `observe()` teaches the limit.
 */
export class DeploymentAdmission {
  readonly deploymentId: string;
  private readonly adaptive: AdaptiveLimit;
  private readonly maxQueued: number;
  private readonly clock: Clock;
  private readonly onChange: ((change: AdmissionChange, admission: DeploymentAdmission) => void) | undefined;
  private readonly queue = new PriorityQueue<Waiter>();
  private active = 0;
  /** Attempts of `'default'` priority or higher in flight, and the recent peak of that count. */
  private highActive = 0;
  private highPeak = 0;
  private highPeakAt = 0;
  private order = 0;
  private serviceMs = 0;

  constructor(
    deploymentId: string,
    options: AdaptiveLimitOptions & QueueOptions,
    clock: Clock,
    onChange?: (change: AdmissionChange, admission: DeploymentAdmission) => void,
  ) {
    validateQueueOptions(options);
    this.deploymentId = deploymentId;
    this.adaptive = new AdaptiveLimit(options);
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.clock = clock;
    this.onChange = onChange;
  }

  get limit(): number {
    return this.adaptive.limit;
  }
  get inFlight(): number {
    return this.active;
  }
  get queued(): number {
    return this.queue.size;
  }

  /** Admits one attempt now if there is room and nobody of its priority or higher waits; the cheap first step before `acquire()`. */
  tryAcquire(priority: number): boolean {
    if (this.active >= this.slotsFor(priority) || !this.isFirstInLine(priority)) return false;
    this.admit(priority);
    return true;
  }

  /**
   * Admits one attempt of `priority` that must end by `deadlineAt`: `undefined` when admitted now
   * (no allocation on the common path), else a promise that resolves once admitted or rejects with
   * `ShedError` or the signal's reason. Every admitted attempt is ended with `release()`.
   */
  acquire(priority: number, deadlineAt: number, signal: AbortSignalLike | undefined, now: number): Promise<void> | undefined {
    if (this.active < this.slotsFor(priority) && this.isFirstInLine(priority)) {
      this.admit(priority);
      return undefined;
    }
    const ahead = this.queue.countAhead(priority);
    if (now + this.expectedWaitMs(ahead + 1) + this.serviceMs > deadlineAt) return Promise.reject(this.shed(priority, 'deadline', ahead));
    if (this.queue.size >= this.shareOf(priority)) {
      // Over its share: a lower priority waiting gives up its place, else the newcomer is shed.
      const last = this.queue.peekLast();
      if (last === undefined || last.priority >= priority) return Promise.reject(this.shed(priority, 'queue-full', ahead));
      this.queue.pop();
      this.drop(last, this.shed(last.priority, 'displaced', this.queue.size));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { priority, order: this.order++, deadlineAt, resolve, reject, signal, onAbort: undefined, timer: undefined };
      if (signal) {
        waiter.onAbort = () => {
          if (this.queue.remove(waiter)) this.drop(waiter, signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      // Shed at the last moment it could still be served in time, not when the deadline hits.
      const shedAt = deadlineAt - this.serviceMs;
      if (Number.isFinite(shedAt)) {
        waiter.timer = this.clock.setTimeout(() => {
          waiter.timer = undefined;
          if (this.queue.remove(waiter)) this.drop(waiter, this.shed(priority, 'deadline', this.queue.countAhead(priority)));
        }, Math.max(0, shedAt - now));
      }
      this.queue.push(waiter);
    });
  }

  /**
   * Ends an attempt of `priority` that `acquire()` admitted, `startedAt` being when it was admitted
   * (a success's duration is the expected service time the deadline checks use), and admits waiting calls.
   */
  release(isSuccess: boolean, startedAt: number, now: number, priority: number): void {
    if (this.active > 0) this.active--;
    if (priority >= PRIORITY_VALUES.default && this.highActive > 0) {
      this.highPeak = this.peakOfHigh(now);
      this.highPeakAt = now;
      this.highActive--;
    }
    if (isSuccess) {
      const durationMs = now - startedAt;
      this.serviceMs = this.serviceMs === 0 ? durationMs : this.serviceMs + SERVICE_SMOOTHING * (durationMs - this.serviceMs);
    }
    this.admitWaiting(now);
  }

  /**
   * Teaches the limit how an attempt ended (`overload` for 429, 503 and 529), with its time to first
   * token and start time; admits waiting calls if the limit grew.
   */
  observe(verdict: LimitVerdict, timeToFirstTokenMs: number | undefined, startedAt: number, now: number): void {
    const previousLimit = this.adaptive.limit;
    const reason = this.adaptive.update(verdict, timeToFirstTokenMs, startedAt, this.active + 1, now);
    if (reason === undefined) return;
    if (this.onChange) this.onChange({ kind: 'limit', previousLimit, reason }, this);
    this.admitWaiting(now);
  }

  snapshot(): AdmissionSnapshot {
    const baseline = this.adaptive.baselineLatencyMs;
    return { limit: this.adaptive.limit, inFlight: this.active, queued: this.queue.size, ...(baseline !== undefined ? { baselineLatencyMs: baseline } : {}) };
  }

  private admitWaiting(now: number): void {
    for (;;) {
      const head = this.queue.peek();
      if (head === undefined || this.active >= this.slotsFor(head.priority)) return;
      const next = this.queue.shift()!;
      if (now + this.serviceMs > next.deadlineAt) {
        this.drop(next, this.shed(next.priority, 'deadline', 0));
        continue;
      }
      this.admit(next.priority);
      this.settle(next);
      next.resolve();
    }
  }

  /**
   * Nobody of `priority` or higher waits. A call that outranks every waiting one starts at once when
   * its slots allow, instead of queueing behind batch calls held back by their smaller share until
   * the next running answer ends.
   */
  private isFirstInLine(priority: number): boolean {
    const head = this.queue.peek();
    return head === undefined || head.priority < priority;
  }

  private admit(priority: number): void {
    this.active++;
    if (priority >= PRIORITY_VALUES.default) {
      const now = this.clock.now();
      this.highActive++;
      this.highPeak = this.peakOfHigh(now);
      this.highPeakAt = now;
    }
  }

  /** The recent peak of higher-priority attempts in flight: it follows a rise at once and decays by `PEAK_DECAY_PER_S`. */
  private peakOfHigh(now: number): number {
    const decayed = this.highPeak - ((now - this.highPeakAt) / 1000) * PEAK_DECAY_PER_S;
    return decayed > this.highActive ? decayed : this.highActive;
  }

  /**
   * Attempts of `priority` may start while fewer than this run: the whole limit for `'default'`
   * and up. Below, a call starts only while as many slots as higher priorities recently had in
   * flight at once stay free on top of what runs (and never past three quarters of the limit):
   * attempts cannot be preempted, so a slot an interactive call will need must be free when it comes.
   */
  private slotsFor(priority: number): number {
    const limit = this.adaptive.limit;
    if (priority >= PRIORITY_VALUES.default) return limit;
    const headroom = Math.ceil(this.peakOfHigh(this.clock.now()));
    return Math.max(1, Math.min(Math.floor(limit * LOW_PRIORITY_SHARE), limit - headroom));
  }

  /** The queue share of a priority: all of it for interactive, half for default, a quarter below. */
  private shareOf(priority: number): number {
    if (priority >= PRIORITY_VALUES.interactive) return this.maxQueued;
    return priority >= PRIORITY_VALUES.default ? Math.floor(this.maxQueued / 2) : Math.floor(this.maxQueued / 4);
  }

  /** How long until `position` calls ahead (this one included) have been admitted, at the current pace. */
  private expectedWaitMs(position: number): number {
    return (position / Math.max(1, this.adaptive.limit)) * this.serviceMs;
  }

  private shed(priority: number, reason: ShedReason, ahead: number): ShedError {
    const retryAfterMs = Math.max(MIN_RETRY_AFTER_MS, Math.ceil(this.expectedWaitMs(ahead + 1) + this.serviceMs));
    if (this.onChange) this.onChange({ kind: 'shed', priority, reason, retryAfterMs, queuedBelow: this.queue.countBelow(priority) }, this);
    return new ShedError(`${this.deploymentId}: shed at the concurrency limit (${reason})`, reason, priority, { retryAfterMs });
  }

  private drop(waiter: Waiter, error: unknown): void {
    this.settle(waiter);
    waiter.reject(error);
  }

  private settle(waiter: Waiter): void {
    if (waiter.timer !== undefined) this.clock.clearTimeout(waiter.timer);
    waiter.timer = undefined;
    if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
  }
}
