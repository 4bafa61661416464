import { InvalidResponseError, TimeoutError } from '../errors/errors.js';
import { ResilientLLMError } from '../errors/resilient-llm-error.js';
import type { Clock, ProviderAdapter } from '../providers/provider.js';
import type { AttemptTimeouts } from '../policy/fallback/fallback-policy.js';
import { AbortToken, type AbortSignalLike } from '../transport/abort-token.js';
import type { Transport } from '../transport/transport.js';
import { isBatchedPartStream, partBatches } from '../providers/shared/part-batches.js';
import { ResultAccumulator } from '../providers/shared/result-accumulator.js';
import { WatchedTransport } from './watched-transport.js';
import { AttemptRefusal, runHooked, type AttemptHook, type AttemptHookInfo } from './attempt-hook.js';
import type { GenerateResult, ProviderRequest, ProviderStreamPart, StreamPart, Usage } from './types.js';

/** Everything one attempt needs; built by the call executor. */
export type AttemptInput = {
  readonly adapter: ProviderAdapter;
  readonly request: ProviderRequest;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly timeouts: Required<AttemptTimeouts>;
  /** Clock time at which the whole call's deadline ends. */
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  /** Clock time the attempt starts, when the caller just read the clock; else it is read here. */
  readonly startedAt?: number | undefined;
  /** The caller's signal, if any. */
  readonly signal: AbortSignalLike | undefined;
  readonly isStream: boolean;
  /**
   * Receives content parts as they stream. Called with the first content part only after
   * `claim()` returned true, so a hedged loser never leaks parts.
   */
  readonly onPart?: ((part: StreamPart) => void) | undefined;
  /** Called once, when the first token (or the first body bytes of `chat()`) arrives. */
  readonly onFirstToken?: (() => void) | undefined;
  /** Asked once, at the first content part: may this attempt emit? False makes it abort quietly. */
  readonly claim?: (() => boolean) | undefined;
  /** Runs before anything is sent (a shared-limit reservation); a rejection fails the attempt. */
  readonly admit?: (() => Promise<void> | undefined) | undefined;
  /** Sees every response's headers (rate-limit learning). */
  readonly onResponseHeaders?: ((header: (name: string) => string | undefined) => void) | undefined;
  /** Run around the attempt (see `AttemptHook`); undefined when the client has none. */
  readonly hooks?: readonly AttemptHook[] | undefined;
  /** What the hooks are told about the attempt; set with `hooks`. */
  readonly hookInfo?: AttemptHookInfo | undefined;
  /** Lets a hedge abort this attempt from outside. */
  readonly controller?: AbortToken | undefined;
};

export type AttemptSuccess = {
  readonly ok: true;
  readonly result: GenerateResult;
  /** Clock time the attempt ended. */
  readonly endedAt: number;
  readonly latencyMs: number;
  readonly timeToFirstTokenMs: number | undefined;
};

export type AttemptFailure = {
  readonly ok: false;
  readonly error: unknown;
  /** Clock time the attempt ended. */
  readonly endedAt: number;
  readonly latencyMs: number;
  readonly timeToFirstTokenMs: number | undefined;
  /** True when content from this attempt reached the consumer before it failed. */
  readonly hasEmitted: boolean;
  /** True when an attempt hook refused the attempt with a `ResilientLLMError`: nothing was sent. */
  readonly isRefused: boolean;
  /** Text this attempt streamed before it failed. */
  readonly partialText: string;
  /** Whether a tool call was being streamed when it failed. */
  readonly hasPartialToolCall: boolean;
  /** The attempt's result if its stream had finished before it failed (e.g. a hedge loser). */
  readonly result: GenerateResult | undefined;
  /** Usage the attempt reported before failing, if any: those tokens were billed. */
  readonly usage: Usage | undefined;
};

export type AttemptOutcome = AttemptSuccess | AttemptFailure;

function isContentPart(part: ProviderStreamPart): boolean {
  const type = part.type;
  return (
    type === 'text-delta' ||
    type === 'reasoning-delta' ||
    type === 'tool-call-delta' ||
    type === 'tool-call' ||
    type === 'reasoning-part' ||
    type === 'refusal-delta' ||
    type === 'tool-call-incomplete'
  );
}

/** Adapter parts that are also public stream parts pass through as the same object. */
function isForwarded(part: ProviderStreamPart): part is Extract<ProviderStreamPart, StreamPart> {
  const type = part.type;
  return type === 'text-delta' || type === 'reasoning-delta' || type === 'tool-call-delta' || type === 'tool-call';
}

/**
 * Runs one attempt against one deployment under its watchdogs: the first-token limit until the
 * first content part (a stream) or the first bytes of the body (`chat()`), then the idle limit
 * between chunks; for `chat()` also a limit on the whole attempt; the call's deadline for both.
 * One timer per attempt, re-armed once at the first token; later chunks only stamp a time, and
 * the timer re-checks that time when it fires, so a steady stream costs no timer churn.
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { clock, timeouts, deadlineAt } = input;
  const startedAt = input.startedAt ?? clock.now();
  const controller = input.controller ?? new AbortToken();
  const unfollow = controller.follow(input.signal);

  let phase: 'first-token' | 'idle' = 'first-token';
  let lastActivityAt = startedAt;
  let timeToFirstTokenMs: number | undefined;
  const attemptEndsAt = input.isStream ? Number.POSITIVE_INFINITY : startedAt + timeouts.attemptTimeoutMs;
  let timer: unknown;
  /** Clock time the armed timer is due. */
  let timerDueAt = 0;
  // Which limit the armed timer stands for. Remembered, not re-derived from the time in `fire`:
  // timers may fire a few ms early by `performance.now()`.
  let timerKind: 'watchdog' | 'attempt' | 'deadline' = 'watchdog';
  const fire = () => {
    timer = undefined;
    const now = clock.now();
    if (timerKind === 'deadline' || now >= deadlineAt - 1) {
      controller.abort(new TimeoutError('total', input.deadlineMs));
      return;
    }
    if (timerKind === 'attempt') {
      controller.abort(new TimeoutError('attempt', timeouts.attemptTimeoutMs));
      return;
    }
    if (phase === 'idle') {
      // Chunks since the timer was armed moved the limit on: wait out the rest of it.
      if (now - lastActivityAt < timeouts.idleTimeoutMs - 1) {
        arm(now);
        return;
      }
      controller.abort(new TimeoutError('idle', timeouts.idleTimeoutMs));
      return;
    }
    controller.abort(new TimeoutError('first-token', timeouts.firstTokenTimeoutMs));
  };
  /** Arms the one timer for the earliest of the phase's watchdog, the attempt limit and the deadline. */
  const arm = (now: number) => {
    let dueAt = phase === 'first-token' ? startedAt + timeouts.firstTokenTimeoutMs : lastActivityAt + timeouts.idleTimeoutMs;
    timerKind = 'watchdog';
    if (attemptEndsAt < dueAt) {
      dueAt = attemptEndsAt;
      timerKind = 'attempt';
    }
    if (deadlineAt <= dueAt) {
      dueAt = deadlineAt;
      timerKind = 'deadline';
    }
    timerDueAt = dueAt;
    timer = clock.setTimeout(fire, Math.max(0, dueAt - now));
  };
  /**
   * The first token (or body bytes) arrived: from now on the idle limit applies. The timer is
   * only re-armed when the idle limit ends before it is due; otherwise it stays (`fire` re-checks
   * the idle time then), so a call costs one timer, not two.
   */
  const startIdle = (now: number) => {
    phase = 'idle';
    timeToFirstTokenMs = now - startedAt;
    input.onFirstToken?.();
    if (timer !== undefined && now + timeouts.idleTimeoutMs >= timerDueAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    arm(now);
  };
  arm(startedAt);

  // A `chat()` answer is watched as its body arrives: its first bytes are its first token.
  const transport = input.isStream
    ? input.transport
    : new WatchedTransport(input.transport, () => {
        const now = clock.now();
        lastActivityAt = now;
        if (phase === 'first-token' && !controller.aborted) startIdle(now);
      });
  const context = new AttemptContext(controller, transport, clock, input.headers, input.onResponseHeaders);
  let accumulator: ResultAccumulator | undefined;
  let hasEmitted = false;
  let hasPartialToolCall = false;
  /** Sends the attempt and reads its answer to the end; what the attempt hooks run around. */
  const send = (): Promise<GenerateResult> => {
    if (input.admit || input.isStream) return sendAndRead();
    // A plain `chat()` attempt hands back the adapter's own promise: no async wrapper around it.
    try {
      return Promise.resolve(input.adapter.doGenerate(input.request, context));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const sendAndRead = async (): Promise<GenerateResult> => {
    if (input.admit) await input.admit();
    if (!input.isStream) return input.adapter.doGenerate(input.request, context);
    const stream = await input.adapter.doStream(input.request, context);
    const folded = new ResultAccumulator();
    accumulator = folded;
    const onPart = input.onPart;
    // Handles one part; false when a hedge lost and the attempt must stop reading.
    const take = (part: ProviderStreamPart): boolean => {
      folded.add(part);
      if (phase === 'first-token' && isContentPart(part)) {
        startIdle(lastActivityAt);
        if (input.claim && !input.claim()) {
          controller.abort(new DOMException('Another hedged attempt answered first', 'AbortError'));
          return false;
        }
      }
      if (part.type === 'tool-call-delta') hasPartialToolCall = true;
      else if (part.type === 'tool-call' || part.type === 'tool-call-incomplete') hasPartialToolCall = false;
      if (onPart && isForwarded(part)) {
        hasEmitted = true;
        onPart(part);
      }
      return true;
    };
    if (isBatchedPartStream(stream)) {
      // Built-in adapters hand over the parts of one network read at once: one async step per read.
      reading: for await (const batch of stream[partBatches]()) {
        lastActivityAt = clock.now();
        for (const part of batch) if (!take(part)) break reading;
      }
    } else {
      for await (const part of stream) {
        lastActivityAt = clock.now();
        if (!take(part)) break;
      }
    }
    if (controller.aborted) throw controller.reason;
    if (!folded.isFinished) throw new InvalidResponseError('stream ended before its finish event');
    return folded.result();
  };
  try {
    const result = input.hooks === undefined ? await send() : await runHooked(input.hooks, input.hookInfo!, controller, send);
    const endedAt = clock.now();
    return { ok: true, result, endedAt, latencyMs: endedAt - startedAt, timeToFirstTokenMs };
  } catch (thrown) {
    const isRefusal = thrown instanceof AttemptRefusal;
    const caught = isRefusal ? thrown.error : thrown;
    // A watchdog or the caller aborted: the abort reason says why, whatever the adapter threw.
    let error = controller.aborted ? controller.reason : caught;
    if (error instanceof ResilientLLMError && error.hasEmittedOutput === undefined && accumulator?.hasContent) {
      error = withEmitted(error);
    }
    const endedAt = clock.now();
    return {
      ok: false,
      error,
      endedAt,
      latencyMs: endedAt - startedAt,
      timeToFirstTokenMs,
      hasEmitted,
      isRefused: isRefusal && !controller.aborted && error instanceof ResilientLLMError,
      partialText: accumulator?.partialText ?? '',
      hasPartialToolCall,
      result: accumulator?.isFinished ? accumulator.result() : undefined,
      usage: accumulator?.reportedUsage,
    };
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    unfollow?.();
  }
}

/** The adapter's view of one attempt; the real `AbortSignal` is only built if an adapter reads it. */
class AttemptContext {
  readonly abort: AbortToken;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly headers?: Readonly<Record<string, string>>;
  readonly onResponseHeaders?: (header: (name: string) => string | undefined) => void;

  constructor(
    abort: AbortToken,
    transport: Transport,
    clock: Clock,
    headers: Readonly<Record<string, string>> | undefined,
    onResponseHeaders: ((header: (name: string) => string | undefined) => void) | undefined,
  ) {
    this.abort = abort;
    this.transport = transport;
    this.clock = clock;
    if (headers) this.headers = headers;
    if (onResponseHeaders) this.onResponseHeaders = onResponseHeaders;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }
}

/** Marks an error as having happened after output was emitted, keeping its class. */
function withEmitted(error: ResilientLLMError): ResilientLLMError {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as ResilientLLMError;
  Object.assign(copy, error);
  Object.defineProperty(copy, 'message', { value: error.message, enumerable: false, writable: true, configurable: true });
  Object.defineProperty(copy, 'stack', { value: error.stack, enumerable: false, writable: true, configurable: true });
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) Object.defineProperty(copy, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
  (copy as { hasEmittedOutput: boolean }).hasEmittedOutput = true;
  return copy;
}
