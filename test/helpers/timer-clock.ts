import type { Clock } from '../../src/shared/clock.js';

type Timer = { at: number; order: number; callback: () => void; isCleared: boolean };

/** Lets pending promise callbacks run (a `MemoryStateBackend` round trip is a few microtasks). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A manual clock with timers, for `SyncedStateStore`s whose sync timer must run on simulated time:
 * `advance()` moves time forward and fires each due timer at its own time, letting the round trips
 * it starts finish before the next one.
 */
export class TimerClock implements Clock {
  private time: number;
  private order = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer: Timer = { at: this.time + Math.max(0, ms), order: this.order++, callback, isCleared: false };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    if (handle !== undefined && handle !== null) (handle as Timer).isCleared = true;
  }

  /** Jumps to `time` without firing timers (a process that slept through them). */
  set(time: number): void {
    this.time = time;
  }

  /**
   * Moves time forward at once, as for processes that were suspended: each due timer fires once,
   * late, at the new time.
   */
  async jump(ms: number): Promise<void> {
    this.time += ms;
    const due = this.timers.filter((timer) => !timer.isCleared && timer.at <= this.time).sort((left, right) => left.order - right.order);
    for (const timer of due) {
      timer.isCleared = true;
      timer.callback();
      await settle();
    }
    this.timers = this.timers.filter((timer) => !timer.isCleared);
  }

  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      this.timers = this.timers.filter((timer) => !timer.isCleared);
      let next: Timer | undefined;
      for (const timer of this.timers) {
        if (timer.at <= end && (next === undefined || timer.at < next.at || (timer.at === next.at && timer.order < next.order))) next = timer;
      }
      if (next === undefined) break;
      this.time = Math.max(this.time, next.at);
      next.isCleared = true;
      next.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }
}
