import type { Clock } from '../shared/clock.js';

/**
 * Waits `ms` on the injected clock. Rejects with `signal.reason` as soon as the signal aborts
 * (clearing the timer), so an aborted call never waits out its scripted delay.
 */
export function abortableDelay(ms: number, signal: AbortSignal, clock: Clock): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal.reason);
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
