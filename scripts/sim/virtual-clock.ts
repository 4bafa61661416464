import type { Clock } from '../../src/shared/clock.js';

type Timer = { at: number; order: number; callback: () => void; isCleared: boolean };

/** Lets every pending promise callback run before the next timer fires. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Simulated time for the overload simulation: timers fire in time order, each followed by a turn
 * of the event loop so the promise chains it starts run to their next timer. Deterministic, and
 * as fast as the machine allows, whatever its load.
 */
export class VirtualClock implements Clock {
  private time = 0;
  private order = 0;
  private heap: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer: Timer = { at: this.time + Math.max(0, ms), order: this.order++, callback, isCleared: false };
    this.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    if (handle !== undefined && handle !== null) (handle as Timer).isCleared = true;
  }

  /** Fires every timer due up to `end`, in order; then waits until no timer is left or `end` passes. */
  async runUntil(end: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.heap[0];
      if (next === undefined || next.at > end) break;
      this.pop();
      if (next.isCleared) continue;
      this.time = Math.max(this.time, next.at);
      next.callback();
      await settle();
    }
    this.time = Math.max(this.time, end);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}

function before(left: Timer, right: Timer): boolean {
  return left.at < right.at || (left.at === right.at && left.order < right.order);
}
