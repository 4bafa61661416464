import { InvalidArgumentError } from '../errors/errors.js';
import type { AbortToken } from '../transport/abort-token.js';
import type { CallOptions } from './client-options.js';

/** The type of the call option `priority`, once the client has one; `unknown` until then. */
export type AttemptPriority = CallOptions extends { readonly priority?: infer P } ? P : unknown;

/** Which attempt a hook runs around. Built only when a hook is registered. */
export type AttemptHookContext = {
  readonly requestId: string;
  /** The alias whose pool the deployment belongs to. */
  readonly alias: string;
  readonly deploymentId: string;
  readonly provider: string;
  readonly model: string;
  /** 1 for the call's first attempt; counts retries, failovers and hedges. */
  readonly attempt: number;
  /** Index of `alias` in the call's fallback chain: 0 for the primary. */
  readonly hop: number;
  readonly isStream: boolean;
  /** Estimated prompt tokens of the call (0 when nothing needed an estimate). */
  readonly estimatedTokens: number;
  /** The call's `priority` option, if given. */
  readonly priority: AttemptPriority | undefined;
  /** Clock time the call's deadline ends. */
  readonly deadlineAt: number;
  /** Aborts when the attempt ends early: a watchdog, the caller's abort, a lost hedge, `close()`. */
  readonly signal: AbortSignal;
};

/**
 * Runs around one attempt, like the AI SDK's `wrapLanguageModel` middleware: `next()` sends the
 * attempt (the adapter's `doGenerate`/`doStream`) and resolves once its answer is complete (a
 * stream fully read), or rejects with the attempt's error.
 *
 * - Gate: await something before calling `next()`. The wait counts toward the attempt's
 *   first-token timeout and the call's deadline; `context.signal` says when to give up.
 * - Refuse: throw a `ResilientLLMError` without calling `next()`. Nothing is sent; the breaker gets
 *   no verdict, the attempt is recorded with the error's code, and the call fails over to another
 *   deployment (or alias). Any other error thrown before `next()` ends the call with it.
 * - Wrap: call `next()` inside an async context (an OpenTelemetry span's `context.with`): the
 *   adapter's request starts synchronously within that call, so instrumentations see the context.
 * - Once `next()` was called, the attempt's own outcome stands: a hook cannot change it, and an
 *   error the hook throws afterwards is ignored.
 *
 * Hooks compose in order: the first one registered is the outermost.
 */
export type AttemptHook = <T>(context: AttemptHookContext, next: () => Promise<T>) => Promise<T>;

/** The fields of an `AttemptHookContext` that the executor knows; the signal is the attempt's own. */
export type AttemptHookInfo = Omit<AttemptHookContext, 'signal'>;

/** Marks an error a hook threw before `next()`: the attempt was refused, not sent. */
export class AttemptRefusal {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * Runs `send` through `hooks`. Resolves or rejects as `send` did once a hook called `next()`;
 * rejects with an `AttemptRefusal` when a hook threw before it; with the abort reason when `token`
 * aborts while the hooks still hold the attempt back.
 */
export async function runHooked<T>(hooks: readonly AttemptHook[], info: AttemptHookInfo, token: AbortToken, send: () => Promise<T>): Promise<T> {
  // The info plus the attempt's signal, which is only made if a hook reads it.
  const context: AttemptHookContext = new HookContext(info, token);
  let sent: Promise<T> | undefined;
  const sendOnce = (): Promise<T> => {
    if (sent === undefined) {
      // Past an abort nothing is sent. The caller awaits `sent`; a hook may drop it unawaited.
      sent = token.aborted ? Promise.reject(token.reason) : send();
      sent.catch(ignore);
    }
    return sent;
  };
  const dispatch = (index: number): Promise<T> => {
    if (index === hooks.length) return sendOnce();
    let isCalled = false;
    let downstream: Promise<T> | undefined;
    const next = () => {
      if (!isCalled) {
        isCalled = true;
        downstream = dispatch(index + 1);
      }
      return downstream!;
    };
    try {
      return Promise.resolve(hooks[index]!(context, next));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const chain = dispatch(0);
  if (sent !== undefined) {
    // The hooks called `next()` at once (they wrap the attempt, as a span's `context.with` does):
    // the attempt's own watchdogs bound it from here, so there is no wait for an abort to race.
    try {
      await chain;
    } catch {
      // After `next()`, the attempt's outcome stands: an error a hook throws later is ignored.
    }
    return sent;
  }
  let hookError: unknown;
  let hasHookFailed = false;
  try {
    await untilAborted(chain, token, () => sent !== undefined);
  } catch (error) {
    hookError = error;
    hasHookFailed = true;
  }
  if (sent !== undefined) return sent;
  if (token.aborted) throw token.reason;
  if (hasHookFailed) throw new AttemptRefusal(hookError);
  throw new InvalidArgumentError('attemptHooks', 'An attempt hook resolved without calling `next()`; it must return what `next()` resolves to, or throw.');
}

function ignore(): void {}

/**
 * The info plus the attempt's signal, which is only made if a hook reads it. A class, so that V8
 * keeps every context in one fast shape: an object spread with a getter was several times dearer.
 */
// The interface gives the class the info's fields, which the constructor copies.
interface HookContext extends AttemptHookInfo {}
class HookContext implements AttemptHookContext {
  private readonly token: AbortToken;

  constructor(info: AttemptHookInfo, token: AbortToken) {
    Object.assign(this, info);
    this.token = token;
  }

  get signal(): AbortSignal {
    return this.token.signal;
  }
}

/**
 * Waits for the hook chain; while nothing was sent yet, an abort of the attempt (a watchdog, the
 * caller) stops the wait, so a hook that ignores the signal cannot hold the call past its limits.
 */
function untilAborted<T>(chain: Promise<T>, token: AbortToken, isSent: () => boolean): Promise<unknown> {
  if (token.aborted) return Promise.reject(token.reason);
  return new Promise<unknown>((resolve, reject) => {
    const onAbort = () => {
      if (!isSent()) reject(token.reason);
    };
    token.addEventListener('abort', onAbort);
    chain.then(
      (value) => {
        token.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        token.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
