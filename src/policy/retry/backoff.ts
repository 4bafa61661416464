import { expectInteger, expectNumber } from '../validate-option.js';

/** How long to wait between retries on the same deployment. */
export type BackoffOptions = {
  /**
   * The ceiling of the first retry's delay; each further retry doubles it.
   * @default 500
   */
  readonly baseMs?: number;
  /**
   * The largest ceiling, whatever the retry index.
   * @default 8000
   */
  readonly maxMs?: number;
  /**
   * The smallest delay. Full jitter alone can draw ~0 ms, which turns a burst of failures into a
   * tight loop against a struggling server; this floor keeps every retry at least this far apart.
   * @default baseMs / 10 (50 ms with the default base)
   */
  readonly minMs?: number;
};

export const DEFAULT_BACKOFF_BASE_MS = 500;
export const DEFAULT_BACKOFF_MAX_MS = 8000;

/** Validates backoff options; call once when options are built. Throws `InvalidArgumentError`. */
export function validateBackoffOptions(options: BackoffOptions, prefix = ''): void {
  if (options.baseMs !== undefined) expectNumber(`${prefix}baseMs`, options.baseMs, 0);
  if (options.maxMs !== undefined) expectNumber(`${prefix}maxMs`, options.maxMs, 0);
  if (options.minMs !== undefined) expectNumber(`${prefix}minMs`, options.minMs, 0);
}

/**
 * The delay before retry number `retryIndex` (0-based): exponential backoff with full jitter and
 * a floor. The ceiling is `min(maxMs, baseMs · 2^retryIndex)`; the delay is drawn uniformly from
 * `[min(minMs, ceiling), ceiling)`. Full jitter spreads concurrent clients that failed together;
 * the floor prevents a near-zero draw from becoming a tight loop.
 */
export function computeBackoffMs(retryIndex: number, options: BackoffOptions, random: () => number): number {
  expectInteger('retryIndex', retryIndex, 0);
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  // 2^31 · base already exceeds any sane cap; clamping the exponent avoids Infinity · 0 = NaN.
  const ceilingMs = Math.min(maxMs, baseMs * 2 ** Math.min(retryIndex, 31));
  const floorMs = Math.min(options.minMs ?? baseMs / 10, ceilingMs);
  return Math.round(floorMs + random() * (ceilingMs - floorMs));
}
