import { expectOneOf, failOption } from '../validate-option.js';

/** A call's priority: a name, or any finite number (higher goes first). */
export type Priority = 'interactive' | 'default' | 'batch' | number;

/** The numbers behind the named priorities. */
export const PRIORITY_VALUES = { interactive: 2, default: 1, batch: 0 } as const;

/** The number of a priority; `undefined` is `'default'`. */
export function priorityValue(priority: Priority | undefined): number {
  if (priority === undefined) return PRIORITY_VALUES.default;
  return typeof priority === 'number' ? priority : PRIORITY_VALUES[priority];
}

/** Checks a call's `priority`; throws `InvalidArgumentError`. */
export function validatePriority(field: string, priority: unknown): void {
  if (typeof priority === 'number') {
    if (!Number.isFinite(priority)) failOption(field, 'a finite number or one of "interactive", "default", "batch"', priority);
    return;
  }
  expectOneOf(field, priority, ['interactive', 'default', 'batch']);
}

/** One waiting call. */
export type QueueEntry = {
  readonly priority: number;
  /** Arrival order: equal priorities leave first in, first out. */
  readonly order: number;
};

/**
 * Waiting calls, highest priority first and in arrival order within a priority. Kept as an array
 * sorted that way: queues are short (tens), so a binary-search insert beats a heap's bookkeeping,
 * and both ends are at hand: `shift()` serves the best, `pop()` gives up the least.
 */
export class PriorityQueue<T extends QueueEntry> {
  private readonly entries: T[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** The entry served next. */
  peek(): T | undefined {
    return this.entries[0];
  }

  /** The entry given up first: the lowest priority, the latest of them. */
  peekLast(): T | undefined {
    return this.entries[this.entries.length - 1];
  }

  push(entry: T): void {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.entries[middle]!;
      if (other.priority > entry.priority || (other.priority === entry.priority && other.order < entry.order)) low = middle + 1;
      else high = middle;
    }
    this.entries.splice(low, 0, entry);
  }

  shift(): T | undefined {
    return this.entries.shift();
  }

  pop(): T | undefined {
    return this.entries.pop();
  }

  /** Removes `entry` if it is still waiting; returns whether it was. */
  remove(entry: T): boolean {
    const index = this.entries.indexOf(entry);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    return true;
  }

  /** Entries that would be served before a newcomer of `priority`. */
  countAhead(priority: number): number {
    let count = 0;
    for (const entry of this.entries) {
      if (entry.priority < priority) break;
      count++;
    }
    return count;
  }

  /** Entries of a priority below `priority`. */
  countBelow(priority: number): number {
    return this.entries.length - this.countAhead(priority);
  }
}
