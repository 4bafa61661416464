import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Counts of the process's active libuv handles and requests by kind (`Timeout`, `TCPSocketWrap`, …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * A full garbage collection, without `--expose-gc` on the command line: the flag is set at run
 * time and `gc` is read from a fresh context, where V8 installs it.
 */
export function collectGarbage(): void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) {
    existing();
    return;
  }
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}

/** Heap in use after two full collections (the second catches what finalizers released). */
export async function settledHeapUsed(): Promise<number> {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * Waits until `check()` holds, polling every 20 ms for at most `timeoutMs`, and returns whether it
 * did. Unlike `vi.waitFor`, no timer of its own is pending while `check()` runs, so `check()` may
 * count the process's timers.
 */
export async function settles(check: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const giveUpAt = performance.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (performance.now() >= giveUpAt) return false;
    await sleep(20);
  }
}
