import { describe, expect, it } from 'vitest';
import { PriorityQueue, priorityValue, validatePriority } from '../../../../src/policy/admission/priority-queue.js';

describe('PriorityQueue', () => {
  it('serves the highest priority first and equal priorities in arrival order', () => {
    const queue = new PriorityQueue<{ priority: number; order: number; name: string }>();
    [
      { priority: 0, order: 0, name: 'batch-1' },
      { priority: 2, order: 1, name: 'interactive-1' },
      { priority: 1, order: 2, name: 'default-1' },
      { priority: 2, order: 3, name: 'interactive-2' },
      { priority: 0, order: 4, name: 'batch-2' },
    ].forEach((entry) => queue.push(entry));
    expect(queue.countAhead(1)).toBe(3);
    expect(queue.countBelow(1)).toBe(2);
    expect(queue.peekLast()?.name).toBe('batch-2');
    const served: string[] = [];
    for (let entry = queue.shift(); entry; entry = queue.shift()) served.push(entry.name);
    expect(served).toEqual(['interactive-1', 'interactive-2', 'default-1', 'batch-1', 'batch-2']);
  });

  it('maps named priorities to numbers and rejects others', () => {
    expect([priorityValue('interactive'), priorityValue(undefined), priorityValue('batch'), priorityValue(7)]).toEqual([2, 1, 0, 7]);
    expect(() => validatePriority('priority', 'urgent')).toThrow(/priority/);
    expect(() => validatePriority('priority', Number.NaN)).toThrow(/finite/);
    expect(() => validatePriority('priority', -3)).not.toThrow();
  });
});
