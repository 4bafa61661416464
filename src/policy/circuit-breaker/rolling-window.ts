/**
 * Counts successes and failures over the last `windowMs`, in `bucketCount` fixed time buckets.
 * Memory is fixed at construction; recording is O(1) amortized (expired buckets are zeroed as
 * time moves on). The window is approximate by at most one bucket's width.
 */
export class RollingWindow {
  readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly successes: Uint32Array;
  private readonly failures: Uint32Array;
  /** The absolute bucket number (`floor(now / bucketMs)`) of the newest bucket. */
  private newestBucket = -Infinity;
  private successTotal = 0;
  private failureTotal = 0;

  constructor(windowMs: number, bucketCount: number) {
    this.windowMs = windowMs;
    this.bucketMs = windowMs / bucketCount;
    this.successes = new Uint32Array(bucketCount);
    this.failures = new Uint32Array(bucketCount);
  }

  recordSuccess(now: number): void {
    this.successes[this.advance(now)]! += 1;
    this.successTotal += 1;
  }

  recordFailure(now: number): void {
    this.failures[this.advance(now)]! += 1;
    this.failureTotal += 1;
  }

  /** Requests recorded in the window ending at `now`. */
  total(now: number): number {
    this.advance(now);
    return this.successTotal + this.failureTotal;
  }

  /** Failures recorded in the window ending at `now`. */
  failureCount(now: number): number {
    this.advance(now);
    return this.failureTotal;
  }

  /** Failures / total in the window ending at `now`; 0 when empty. */
  failureRate(now: number): number {
    this.advance(now);
    const total = this.successTotal + this.failureTotal;
    return total === 0 ? 0 : this.failureTotal / total;
  }

  reset(): void {
    this.successes.fill(0);
    this.failures.fill(0);
    this.successTotal = 0;
    this.failureTotal = 0;
  }

  /** Moves the window to `now`, zeroing buckets that fell out of it; returns the current slot. */
  private advance(now: number): number {
    const bucket = Math.floor(now / this.bucketMs);
    const size = this.successes.length;
    if (bucket > this.newestBucket) {
      const expired = bucket - this.newestBucket;
      if (expired >= size) {
        this.reset();
      } else {
        for (let step = 1; step <= expired; step++) {
          const slot = slotOf(this.newestBucket + step, size);
          this.successTotal -= this.successes[slot]!;
          this.failureTotal -= this.failures[slot]!;
          this.successes[slot] = 0;
          this.failures[slot] = 0;
        }
      }
      this.newestBucket = bucket;
    }
    // A clock that went backwards (it should not) records into the newest bucket.
    return slotOf(this.newestBucket, size);
  }
}

function slotOf(bucket: number, size: number): number {
  return ((bucket % size) + size) % size;
}
