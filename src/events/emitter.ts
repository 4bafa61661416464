/** Stops a subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

/** A listener of events of type `T` in the map `M`. */
export type EventListener<M, T extends keyof M> = (event: M[T]) => void;

type AnyListener = (event: never) => void;

/**
 * The one event mechanism of the library: a component owns an `Emitter` typed by its event map
 * (event type → payload) and exposes `on()`. `on()` returns the unsubscribe function; `has()` lets
 * a hot path skip building a payload nobody reads; a listener that throws never reaches the
 * component or the other listeners (it is handed to `onListenerError`, if given).
 */
export class Emitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<AnyListener>>();
  private readonly onListenerError: ((type: keyof M, error: unknown) => void) | undefined;

  constructor(onListenerError?: (type: keyof M, error: unknown) => void) {
    this.onListenerError = onListenerError;
  }

  /** Subscribes `listener` to events of `type`; returns the function that unsubscribes it. */
  on<T extends keyof M>(type: T, listener: EventListener<M, T>): Unsubscribe {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as AnyListener);
    return () => {
      set.delete(listener as AnyListener);
    };
  }

  /** Whether anyone listens to `type`; lets the hot path skip building payloads. */
  has(type: keyof M): boolean {
    const set = this.listeners.get(type);
    return set !== undefined && set.size > 0;
  }

  /** Calls every listener of `type` with `event`, in subscription order. */
  emit<T extends keyof M>(type: T, event: M[T]): void {
    const set = this.listeners.get(type);
    if (!set || set.size === 0) return;
    for (const listener of set) {
      try {
        (listener as EventListener<M, T>)(event);
      } catch (error) {
        this.reportListenerError(type, error);
      }
    }
  }

  /** How many listeners are subscribed, over all types. */
  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  private reportListenerError(type: keyof M, error: unknown): void {
    if (!this.onListenerError) return;
    try {
      this.onListenerError(type, error);
    } catch {
      // The report of a listener's failure must not fail either.
    }
  }
}
