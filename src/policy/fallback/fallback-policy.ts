import { InvalidArgumentError } from '../../errors/errors.js';
import type { ErrorCode, ResilientLLMError } from '../../errors/resilient-llm-error.js';
import { expectDurationMs, expectFunction, expectKnownKeys, expectNumber, expectObject, expectOneOf, failOption, optionKeys } from '../validate-option.js';

/** What to do when a stream fails after it already emitted content. */
export type MidStreamPolicy =
  /** Emit a `reset` part and restart the answer on the next deployment (`chat()` stays transparent). */
  | 'restart'
  /** Throw `StreamInterruptedError` carrying the partial text. */
  | 'error'
  /**
   * Continue on the next deployment by sending the partial text as an assistant prefill, only when
   * the target adapter declares prefill support and no tool call was in flight; otherwise restart.
   */
  | 'continue';

/** Watchdog limits; each may be set for the whole policy or per alias. */
export type AttemptTimeouts = {
  /**
   * Limit for one `chat()` attempt, from send to full answer.
   * @default the call's deadline shared among the aliases of its chain (`deadlineMs / chain length`),
   * at least `firstTokenTimeoutMs` and at most 120_000
   */
  readonly attemptTimeoutMs?: number;
  /**
   * Limit from send to the first content part of a stream, or to the first bytes of a `chat()`
   * answer's body. A slow first token fails over. @default 30_000
   */
  readonly firstTokenTimeoutMs?: number;
  /** Limit on the gap between two chunks once a stream (or a `chat()` body) has started. A stall fails over. @default 30_000 */
  readonly idleTimeoutMs?: number;
};

export type FallbackContext = {
  readonly error: ResilientLLMError;
  readonly fromAlias: string;
  readonly toAlias: string;
  readonly attempt: number;
};

export type FallbackPolicyOptions = AttemptTimeouts & {
  /** Aliases in order: a call to any of them moves along the rest on failure. */
  readonly chain: readonly string[];
  /**
   * Error codes that move the call to the next alias (after retries, where retryable).
   * @default every retryable and fail-over code: rate limited, quota, overloaded, server error,
   * timeout, connection, invalid response, stream interrupted, authentication, permission denied,
   * circuit open, context window exceeded (only to a larger window), model not found
   */
  readonly on?: readonly ErrorCode[];
  /** Per-alias watchdog overrides. */
  readonly timeouts?: Readonly<Record<string, AttemptTimeouts>>;
  /** A last say: return false to stop instead of falling back. */
  readonly shouldFallback?: (context: FallbackContext) => boolean;
  /** What a stream does when it fails after emitting content. @default 'restart' */
  readonly midStream?: MidStreamPolicy;
  /** Route around content-policy refusals instead of returning them. @default false */
  readonly isContentPolicyFallback?: boolean;
  /**
   * Refuse, when the client is built, a chain whose fallback lacks a capability of the alias
   * before it (tools, images, JSON output) or has a smaller context window. @default true
   */
  readonly shouldCheckCapabilities?: boolean;
  /**
   * Never fall back to an alias priced more than this many times the primary (blended price
   * from the price table; aliases with unknown prices are allowed). @default no cap
   */
  readonly maxCostMultiplier?: number;
};

export const DEFAULT_FALLBACK_CODES: readonly ErrorCode[] = [
  'RLLM_RATE_LIMITED',
  'RLLM_QUOTA_EXCEEDED',
  'RLLM_OVERLOADED',
  'RLLM_SERVER_ERROR',
  'RLLM_TIMEOUT',
  'RLLM_CONNECTION',
  'RLLM_INVALID_RESPONSE',
  'RLLM_STREAM_INTERRUPTED',
  'RLLM_AUTHENTICATION',
  'RLLM_PERMISSION_DENIED',
  'RLLM_CIRCUIT_OPEN',
  'RLLM_CONTEXT_WINDOW_EXCEEDED',
  'RLLM_NOT_FOUND',
  'RLLM_PROVIDER_ERROR',
];

export const DEFAULT_TIMEOUTS: Required<AttemptTimeouts> = {
  attemptTimeoutMs: 120_000,
  firstTokenTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
};

const TIMEOUT_NAMES = ['attemptTimeoutMs', 'firstTokenTimeoutMs', 'idleTimeoutMs'] as const;
const TIMEOUT_KEYS = /* @__PURE__ */ optionKeys<AttemptTimeouts>()(...TIMEOUT_NAMES);
const POLICY_KEYS = /* @__PURE__ */ optionKeys<FallbackPolicyOptions>()(
  'chain',
  'on',
  'timeouts',
  'shouldFallback',
  'midStream',
  'isContentPolicyFallback',
  'shouldCheckCapabilities',
  'maxCostMultiplier',
  'attemptTimeoutMs',
  'firstTokenTimeoutMs',
  'idleTimeoutMs',
);

function checkTimeouts(path: string, timeouts: unknown): void {
  expectObject(path, timeouts);
  expectKnownKeys(timeouts, TIMEOUT_KEYS, path);
  for (const key of TIMEOUT_NAMES) if (timeouts[key] !== undefined) expectDurationMs(`${path}.${key}`, timeouts[key]);
}

/**
 * An ordered chain of model aliases and the rules for moving along it. Checked against the
 * client's models when the client is built (unknown aliases, missing capabilities).
 */
export class FallbackPolicy {
  readonly chain: readonly string[];
  readonly on: ReadonlySet<ErrorCode>;
  readonly midStream: MidStreamPolicy;
  readonly isContentPolicyFallback: boolean;
  readonly shouldCheckCapabilities: boolean;
  readonly maxCostMultiplier: number | undefined;
  readonly shouldFallback: ((context: FallbackContext) => boolean) | undefined;
  private readonly timeouts: Required<AttemptTimeouts>;
  private readonly isAttemptTimeoutSet: boolean;
  private readonly perAlias: Readonly<Record<string, AttemptTimeouts>>;
  private readonly resolved = new Map<string, Required<AttemptTimeouts>>();
  private readonly chains = new Map<string, readonly string[]>();

  constructor(options: FallbackPolicyOptions) {
    expectObject('fallback', options);
    expectKnownKeys(options, POLICY_KEYS, 'fallback');
    if (!Array.isArray(options.chain) || options.chain.some((alias) => typeof alias !== 'string' || alias.length === 0)) {
      throw new InvalidArgumentError('fallback.chain', 'Expected `fallback.chain` to be an array of model aliases.');
    }
    if (new Set(options.chain).size !== options.chain.length) {
      throw new InvalidArgumentError('fallback.chain', `Expected \`fallback.chain\` to list each alias once, got ${options.chain.join(', ')}.`);
    }
    for (const key of TIMEOUT_NAMES) if (options[key] !== undefined) expectDurationMs(`fallback.${key}`, options[key]);
    if (options.timeouts !== undefined) {
      expectObject('fallback.timeouts', options.timeouts);
      for (const [alias, timeouts] of Object.entries(options.timeouts)) checkTimeouts(`fallback.timeouts.${alias}`, timeouts);
    }
    const midStream = options.midStream ?? 'restart';
    expectOneOf('fallback.midStream', midStream, ['restart', 'error', 'continue']);
    if (options.on !== undefined && !Array.isArray(options.on)) failOption('fallback.on', 'an array of error codes', options.on);
    if (options.shouldFallback !== undefined) expectFunction('fallback.shouldFallback', options.shouldFallback);
    this.chain = [...options.chain];
    this.on = new Set(options.on ?? DEFAULT_FALLBACK_CODES);
    this.midStream = midStream;
    this.isContentPolicyFallback = options.isContentPolicyFallback ?? false;
    if (this.isContentPolicyFallback) (this.on as Set<ErrorCode>).add('RLLM_CONTENT_FILTERED');
    this.shouldFallback = options.shouldFallback;
    this.shouldCheckCapabilities = options.shouldCheckCapabilities ?? true;
    if (options.maxCostMultiplier !== undefined) expectNumber('fallback.maxCostMultiplier', options.maxCostMultiplier, 1);
    this.maxCostMultiplier = options.maxCostMultiplier;
    this.timeouts = {
      attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_TIMEOUTS.attemptTimeoutMs,
      firstTokenTimeoutMs: options.firstTokenTimeoutMs ?? DEFAULT_TIMEOUTS.firstTokenTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_TIMEOUTS.idleTimeoutMs,
    };
    this.isAttemptTimeoutSet = options.attemptTimeoutMs !== undefined;
    this.perAlias = options.timeouts ?? {};
  }

  /** The aliases to try for a call to `alias`: itself, then the rest of the chain after it. */
  chainFor(alias: string): readonly string[] {
    let chain = this.chains.get(alias);
    if (!chain) {
      const index = this.chain.indexOf(alias);
      chain = Object.freeze(index === -1 ? [alias] : this.chain.slice(index));
      this.chains.set(alias, chain);
    }
    return chain;
  }

  /** Whether `attemptTimeoutMs` was set for `alias` (or the whole policy), rather than left to its default. */
  hasAttemptTimeout(alias: string): boolean {
    return this.perAlias[alias]?.attemptTimeoutMs !== undefined || this.isAttemptTimeoutSet;
  }

  /** The watchdog limits for `alias`. */
  timeoutsFor(alias: string): Required<AttemptTimeouts> {
    let timeouts = this.resolved.get(alias);
    if (!timeouts) {
      timeouts = { ...this.timeouts, ...this.perAlias[alias] } as Required<AttemptTimeouts>;
      this.resolved.set(alias, timeouts);
    }
    return timeouts;
  }

  /** Whether `error` may move the call from one alias to the next. */
  allows(context: FallbackContext): boolean {
    if (!this.on.has(context.error.code)) return false;
    return this.shouldFallback ? this.shouldFallback(context) !== false : true;
  }
}

/** A policy with no chain: every alias stands alone, with the default watchdogs. */
export const NO_FALLBACK = new FallbackPolicy({ chain: [] });
