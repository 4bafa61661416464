import type { Clock } from '../../src/shared/clock.js';

/** A clock that only moves when told to. Timers are not needed by the policy building blocks. */
export class ManualClock implements Clock {
  private time: number;
  constructor(start = 1_000) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  set(time: number): void {
    this.time = time;
  }
  setTimeout(): unknown {
    throw new Error('ManualClock does not schedule timers');
  }
  clearTimeout(): void {}
}
