/** Parses a count header (`x-ratelimit-remaining-requests: 59`): a non-negative number, else undefined. */
export function parseHeaderCount(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const count = Number(value);
  return Number.isFinite(count) && count >= 0 ? count : undefined;
}

/** Parses a Go-style duration (`1s`, `6m0s`, `12ms`, `23h47m36.648s`, `34.4s`) to milliseconds. */
export function parseDurationMs(value: string): number | undefined {
  const pattern = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = false;
  let consumed = 0;
  for (const match of value.trim().matchAll(pattern)) {
    matched = true;
    consumed += match[0].length;
    const amount = Number(match[1]);
    const unit = match[2];
    total += unit === 'h' ? amount * 3_600_000 : unit === 'm' ? amount * 60_000 : unit === 's' ? amount * 1000 : amount;
  }
  if (!matched || consumed !== value.trim().length) return undefined;
  return Math.round(total);
}

/**
 * Reads how long the server asked us to wait: `retry-after-ms`, then `retry-after` in seconds or
 * as an HTTP date. Returns undefined when neither is present or parseable.
 */
export function readRetryAfterMs(header: (name: string) => string | undefined, nowEpochMs = Date.now()): number | undefined {
  const milliseconds = header('retry-after-ms');
  if (milliseconds !== undefined) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = header('retry-after');
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (retryAfter.trim() !== '' && Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowEpochMs);
}
