import { ClientClosedError, InvalidArgumentError } from '../errors/errors.js';
import { expectKnownKeys, optionKeys } from '../policy/validate-option.js';
import type { AbortToken } from '../transport/abort-token.js';

/** Options of `llm.close()`. */
export type CloseOptions = {
  /**
   * How long calls already running may go on to finish (retries and fallbacks included). Then they
   * are aborted with `ClientClosedError`. New calls are refused from the start of `close()`.
   * @default 10_000
   */
  readonly graceMs?: number;
};

const CLOSE_KEYS = optionKeys<CloseOptions>()('graceMs');

/** How long `close()` lets running calls finish by default. */
export const DEFAULT_CLOSE_GRACE_MS = 10_000;

/**
 * After the grace: how long aborted calls get to unwind (their `attempt-error` and `request-end`
 * events are emitted then), and how long the transport gets to close its sockets before they are
 * destroyed. `close()` resolves within `graceMs` plus twice this.
 */
const SETTLE_MS = 500;

/** `open`; `closing`: new calls refused, running ones may finish; `closed`: everything aborted. */
export type LifecycleState = 'open' | 'closing' | 'closed';

/**
 * The client's shutdown: the calls in flight (each with its abort token), the state that refuses
 * new ones, and the one `close()` that waits for them, aborts what is left and releases the transport.
 */
export class ClientLifecycle {
  state: LifecycleState = 'open';
  private readonly running = new Set<AbortToken>();
  private onDrained: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  /** Whether a call may start now; a step of a call already running (`isFollowUp`) may until the grace ends. */
  canStart(isFollowUp: boolean): boolean {
    return this.state === 'open' || (this.state === 'closing' && isFollowUp);
  }

  /** The error that refuses a call. */
  refusal(): ClientClosedError {
    return new ClientClosedError(
      this.state === 'closing' ? 'the client is closing: no new calls are accepted' : 'the client was closed; create a new one',
    );
  }

  /** Tracks a running call: `close()` waits for it, then aborts its token. */
  add(token: AbortToken): void {
    this.running.add(token);
  }

  delete(token: AbortToken): void {
    if (this.running.delete(token) && this.running.size === 0) {
      const onDrained = this.onDrained;
      this.onDrained = undefined;
      onDrained?.();
    }
  }

  /** Closes once: the same promise for every caller. */
  close(options: CloseOptions, releaseTransport: (graceMs: number) => Promise<void>): Promise<void> {
    try {
      expectKnownKeys(options, CLOSE_KEYS, '', 'a close() option');
    } catch (error) {
      return Promise.reject(error);
    }
    const graceMs = options?.graceMs ?? DEFAULT_CLOSE_GRACE_MS;
    if (!(typeof graceMs === 'number' && graceMs >= 0 && Number.isFinite(graceMs))) {
      return Promise.reject(new InvalidArgumentError('graceMs', `Expected \`graceMs\` to be a non-negative number of milliseconds, got ${String(graceMs)}.`));
    }
    return (this.closing ??= this.shutDown(graceMs, releaseTransport));
  }

  private async shutDown(graceMs: number, releaseTransport: (graceMs: number) => Promise<void>): Promise<void> {
    this.state = 'closing';
    await this.drained(graceMs);
    this.state = 'closed';
    if (this.running.size > 0) {
      const reason = new ClientClosedError(`the client closed and aborted this call after its grace of ${graceMs} ms`);
      for (const token of [...this.running]) token.abort(reason);
      await this.drained(SETTLE_MS);
    }
    await releaseTransport(SETTLE_MS);
  }

  /** Resolves once no call runs, or after `ms`. A real timer: a test clock must not keep `close()` waiting. */
  private drained(ms: number): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.onDrained = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.onDrained = done;
    });
  }
}
