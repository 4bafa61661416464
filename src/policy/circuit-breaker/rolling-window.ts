import { KEY_SEPARATOR, StateScope } from '../../state/state-scope.js';

/**
 * Counts successes and failures over the last `windowMs`, in `bucketCount` fixed time buckets. Each
 * bucket is a pair of counters in a `StateStore` (keys `ok␟<bucket>` and `failed␟<bucket>`, where
 * `<bucket>` numbers buckets since the time origin), so processes sharing the store count into
 * the same window. A bucket's keys expire once it left the window; the window is approximate by at
 * most one bucket's width.
 */
export class RollingWindow {
  readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly bucketCount: number;
  private readonly scope: StateScope;
  private readonly successPrefix: string;
  private readonly failurePrefix: string;
  private readonly ttlMs: number | undefined;
  /** The bucket successes last went to, and its key: built once per bucket, not once per success. */
  private successBucket = Number.NaN;
  private successKey = '';

  /** `scope` says where the counters live; by default the window keeps them to itself. */
  constructor(windowMs: number, bucketCount: number, scope: StateScope = StateScope.inMemory()) {
    this.windowMs = windowMs;
    this.bucketCount = bucketCount;
    this.bucketMs = windowMs / bucketCount;
    this.scope = scope;
    this.successPrefix = scope.key(`ok${KEY_SEPARATOR}`);
    this.failurePrefix = scope.key(`failed${KEY_SEPARATOR}`);
    this.ttlMs = Number.isFinite(windowMs) ? Math.ceil(windowMs + this.bucketMs) : undefined;
  }

  recordSuccess(now: number): void {
    const bucket = this.bucketOf(now);
    if (bucket !== this.successBucket) {
      this.successBucket = bucket;
      this.successKey = `${this.successPrefix}${bucket}`;
    }
    this.scope.store.increment(this.successKey, 1, this.ttlMs);
  }

  recordFailure(now: number): void {
    this.scope.store.increment(`${this.failurePrefix}${this.bucketOf(now)}`, 1, this.ttlMs);
  }

  /** Requests recorded in the window ending at `now`. */
  total(now: number): number {
    return this.sum(this.successPrefix, now) + this.sum(this.failurePrefix, now);
  }

  /** Failures recorded in the window ending at `now`. */
  failureCount(now: number): number {
    return this.sum(this.failurePrefix, now);
  }

  /** Failures / total in the window ending at `now`; 0 when empty. */
  failureRate(now: number): number {
    const failures = this.sum(this.failurePrefix, now);
    const total = failures + this.sum(this.successPrefix, now);
    return total === 0 ? 0 : failures / total;
  }

  /** Forgets everything recorded in the window ending at `now`. */
  reset(now: number): void {
    const newest = this.bucketOf(now);
    for (let bucket = newest - this.bucketCount + 1; bucket <= newest; bucket++) {
      this.scope.store.delete(`${this.successPrefix}${bucket}`);
      this.scope.store.delete(`${this.failurePrefix}${bucket}`);
    }
  }

  private sum(prefix: string, now: number): number {
    const newest = this.bucketOf(now);
    let total = 0;
    for (let bucket = newest - this.bucketCount + 1; bucket <= newest; bucket++) {
      total += this.scope.number(`${prefix}${bucket}`) ?? 0;
    }
    return total;
  }

  /** The absolute bucket number of `now`, on the scope's shared time. */
  private bucketOf(now: number): number {
    return Math.floor((now + this.scope.timeOrigin) / this.bucketMs);
  }
}
