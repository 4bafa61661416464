import { StateStoreUnavailableError } from '../../errors/state-errors.js';

/**
 * Settles with `operation`, or rejects with `StateStoreUnavailableError` after `timeoutMs`. The
 * timer never keeps the process alive; `operation`'s own late rejection is swallowed.
 */
export function withTimeout<T>(operation: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StateStoreUnavailableError(`redis: ${what} took longer than ${timeoutMs} ms`)), timeoutMs);
    timer.unref?.();
    operation.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
