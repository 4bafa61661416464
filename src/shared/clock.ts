/** A clock the library reads and sleeps on; inject one in tests. */
export interface Clock {
  now(): number;
  /**
   * The Unix time in ms at which `now()` read 0, for clocks that count from an origin. State shared
   * between processes through a `StateStore` is stored on `now() + timeOrigin`, so that processes
   * whose clocks started at different times agree on when a cooldown or an open circuit ends.
   * @default 0 (`now()` is already on a time every sharer agrees on)
   */
  readonly timeOrigin?: number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  timeOrigin: performance.timeOrigin,
  // Timers stay referenced: a retry's sleep must keep the process alive; every timer is cleared.
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
