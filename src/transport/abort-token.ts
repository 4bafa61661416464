/**
 * The part of `AbortSignal` that transports use: `aborted`, `reason` and abort listeners.
 * undici accepts any object with `addEventListener`; `fetchTransport` links a real controller.
 */
export type AbortSignalLike = {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
};

/**
 * A cheap abort source for the request path. Node 20 spends about 25 µs constructing an
 * `AbortController` (more than the whole library may add to a call), so every attempt gets one of
 * these instead; a real `AbortSignal` is only made, and linked, when something asks for `signal`.
 */
export class AbortToken implements AbortSignalLike {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | undefined;
  private controller: AbortController | undefined;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) {
      for (const listener of listeners) {
        try {
          listener();
        } catch {
          // A listener's failure must not stop the others from hearing the abort.
        }
      }
    }
    this.controller?.abort(this.reason);
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.listeners;
    if (!listeners) return;
    const index = listeners.lastIndexOf(listener);
    if (index !== -1) listeners.splice(index, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** A real `AbortSignal` that aborts with this token, made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts this token when `signal` aborts; returns the function that unlinks it. */
  follow(signal: AbortSignalLike | undefined): (() => void) | undefined {
    if (!signal) return undefined;
    if (signal.aborted) {
      this.abort(signal.reason);
      return undefined;
    }
    const onAbort = () => this.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }
}
