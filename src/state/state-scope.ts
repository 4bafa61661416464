import type { Clock } from '../shared/clock.js';
import { MemoryStateStore, type StateStore } from './state-store.js';

/** A clock that never moves: TTLs measured on it never elapse. */
const STILL_CLOCK: Clock = { now: () => 0, setTimeout: () => undefined, clearTimeout: () => undefined };

/** Separates the parts of a state key. */
export const KEY_SEPARATOR = '\u001f';

/**
 * The part of a `StateStore` one component keeps its state in: a key prefix (for example
 * `deployment␟gpt/openai/gpt-4.1␟`) and the time origin that times are stored on.
 *
 * Times are read and written on the client's clock and stored as `now + timeOrigin`, so that
 * processes sharing one store agree on when a cooldown or an open circuit ends (see
 * `Clock.timeOrigin`). Components must compare stored times with `now` rather than rely on the
 * store's TTLs: TTLs only keep the store tidy.
 */
export class StateScope {
  readonly store: StateStore;
  readonly prefix: string;
  readonly timeOrigin: number;

  constructor(store: StateStore, prefix = '', timeOrigin = 0) {
    this.store = store;
    this.prefix = prefix;
    this.timeOrigin = timeOrigin;
  }

  /**
   * A client's root scope: the store it was given, with times on the wall clock since other
   * processes may share it; or, without one, a store of its own on the client's clock.
   */
  static forClient(store: StateStore | undefined, clock: Clock): StateScope {
    return store ? new StateScope(store, '', clock.timeOrigin ?? 0) : new StateScope(new MemoryStateStore({ clock }));
  }

  /**
   * A scope of its own, in memory: for building blocks used outside a client. TTLs run on `clock`;
   * without one they never elapse (the building block compares times itself, on the `now` it is
   * given, and the store stays bounded by its size).
   */
  static inMemory(clock: Clock = STILL_CLOCK): StateScope {
    return new StateScope(new MemoryStateStore({ maxEntries: 256, clock }));
  }

  /** The full key of `name` in this scope. Build keys once, not per call. */
  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** A nested scope: keys under `<prefix><name>␟`. */
  child(name: string): StateScope {
    return new StateScope(this.store, `${this.prefix}${name}${KEY_SEPARATOR}`, this.timeOrigin);
  }

  /** The number at `key`, or `undefined`. */
  number(key: string): number | undefined {
    const value = this.store.get(key);
    return typeof value === 'number' ? value : undefined;
  }

  /** A time stored with `setTime`, on the local clock, or `undefined`. */
  time(key: string): number | undefined {
    const value = this.store.get(key);
    return typeof value === 'number' ? value - this.timeOrigin : undefined;
  }

  /** Stores a local clock time; `ttlMs` only lets the store drop it once it no longer matters. */
  setTime(key: string, localTime: number, ttlMs?: number): void {
    this.store.set(key, localTime + this.timeOrigin, ttlMs === undefined ? undefined : Math.max(1, Math.ceil(ttlMs)));
  }
}
