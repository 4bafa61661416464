import type { Attempt, ChatResponse } from '../client/types.js';
import { describe, ResilientLLMError, type ErrorDetails } from './resilient-llm-error.js';

/** A request or option failed validation before anything was sent. */
export class InvalidArgumentError extends ResilientLLMError {
  override readonly name = 'InvalidArgumentError';
  /** The path of the offending field, e.g. `messages.0.role`. */
  readonly field: string;
  constructor(field: string, message: string, details: ErrorDetails = {}) {
    super('RLLM_INVALID_ARGUMENT', message, false, details);
    this.field = field;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** HTTP 429, or an in-band `rate_limit_error`. Retryable; honours `retryAfterMs`. */
export class RateLimitError extends ResilientLLMError {
  override readonly name = 'RateLimitError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_RATE_LIMITED', describe(details, what), true, details);
  }
}

/** The account is out of credit or quota (OpenAI `insufficient_quota`). Not retryable; fails over. */
export class QuotaExceededError extends ResilientLLMError {
  override readonly name = 'QuotaExceededError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_QUOTA_EXCEEDED', describe(details, what), false, details);
  }
}

/** HTTP 503/529 or an in-band `overloaded_error`. Retryable. */
export class OverloadedError extends ResilientLLMError {
  override readonly name = 'OverloadedError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_OVERLOADED', describe(details, what), true, details);
  }
}

/** HTTP 500, 502, 504 and other 5xx, or an in-band `api_error`/`server_error`. Retryable. */
export class ServerError extends ResilientLLMError {
  override readonly name = 'ServerError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_SERVER_ERROR', describe(details, what), true, details);
  }
}

/** Where in the call a timeout fired. */
export type TimeoutPhase = 'connect' | 'headers' | 'first-token' | 'idle' | 'attempt' | 'total';

/** A watchdog or deadline fired. Retryable on another route; `phase` says which. */
export class TimeoutError extends ResilientLLMError {
  override readonly name = 'TimeoutError';
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;
  constructor(phase: TimeoutPhase, timeoutMs: number, details: ErrorDetails = {}) {
    super('RLLM_TIMEOUT', describe(details, `${phase} timeout after ${timeoutMs} ms`), phase !== 'total', details);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), phase: this.phase, timeoutMs: this.timeoutMs };
  }
}

/** The connection could not be made or was reset. Retryable. */
export class ConnectionError extends ResilientLLMError {
  override readonly name = 'ConnectionError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_CONNECTION', describe(details, what), true, details);
  }
}

/** HTTP 401: the key was refused. Not retried on the same key; fails over. */
export class AuthenticationError extends ResilientLLMError {
  override readonly name = 'AuthenticationError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_AUTHENTICATION', describe(details, what), false, details);
  }
}

/** HTTP 403: the key may not use this model or resource. Fails over. */
export class PermissionDeniedError extends ResilientLLMError {
  override readonly name = 'PermissionDeniedError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_PERMISSION_DENIED', describe(details, what), false, details);
  }
}

/** HTTP 400/413/422: the vendor rejected the request. Not retried. */
export class BadRequestError extends ResilientLLMError {
  override readonly name = 'BadRequestError';
  /** The request field the vendor named, when it named one. */
  readonly param?: string;
  constructor(what: string, details: ErrorDetails & { readonly param?: string } = {}) {
    super('RLLM_BAD_REQUEST', describe(details, what), false, details);
    if (details.param !== undefined) this.param = details.param;
  }
}

/** HTTP 404: unknown model or endpoint. Not retried. */
export class NotFoundError extends ResilientLLMError {
  override readonly name = 'NotFoundError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_NOT_FOUND', describe(details, what), false, details);
  }
}

/** The prompt does not fit the model's context window. Fails over only to a larger window. */
export class ContextWindowExceededError extends ResilientLLMError {
  override readonly name = 'ContextWindowExceededError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_CONTEXT_WINDOW_EXCEEDED', describe(details, what), false, details);
  }
}

/** The vendor's content policy blocked the prompt or the answer. Returned as it is. */
export class ContentFilterError extends ResilientLLMError {
  override readonly name = 'ContentFilterError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_CONTENT_FILTERED', describe(details, what), false, details);
  }
}

/** The vendor answered with something that is not its protocol: a malformed chunk, a missing terminator. */
export class InvalidResponseError extends ResilientLLMError {
  override readonly name: string = 'InvalidResponseError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_INVALID_RESPONSE', describe(details, what), true, details);
  }
}

/** Which response limit was exceeded: the whole body read at once, or one server-sent event. */
export type ResponseLimitName = 'maxResponseBytes' | 'maxEventBytes';

/**
 * A response body, or one server-sent event of a stream, was larger than its limit
 * (`maxResponseBytes`, `maxEventBytes`). The socket was closed at once and nothing more was read.
 * An `InvalidResponseError` (code `RLLM_INVALID_RESPONSE`): retried, then failed over, like any
 * answer that is not the vendor's protocol.
 */
export class ResponseTooLargeError extends InvalidResponseError {
  override readonly name: string = 'ResponseTooLargeError';
  readonly limit: ResponseLimitName;
  readonly limitBytes: number;
  constructor(limit: ResponseLimitName, limitBytes: number, details: ErrorDetails = {}) {
    const what = limit === 'maxEventBytes' ? 'one server-sent event' : 'the response body';
    super(
      `${what} is larger than \`${limit}\` (${formatBytes(limitBytes)}); the connection was closed. Raise \`${limit}\` in the provider's options if such answers are expected`,
      details,
    );
    this.limit = limit;
    this.limitBytes = limitBytes;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limit: this.limit, limitBytes: this.limitBytes };
  }
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (bytes >= 1024 * 1024 && Number.isInteger(mib * 100)) return `${mib} MiB`;
  return `${bytes} bytes`;
}

/**
 * The client was closed: a call made after `close()` began, or one still running when its
 * `graceMs` ran out (it was aborted). Not retryable on this client.
 */
export class ClientClosedError extends ResilientLLMError {
  override readonly name = 'ClientClosedError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_CLIENT_CLOSED', describe(details, what), false, details);
  }
}

/** Why a call was shed: the queue was full, a higher priority took its place, or its deadline could not be met. */
export type ShedReason = 'queue-full' | 'displaced' | 'deadline';

/**
 * The deployment is at its concurrency limit and the call was shed instead of queued (or taken out
 * of the queue): nothing was sent. `retryAfterMs` suggests when to try again; `priority` is the
 * call's, `reason` says why. Not retried on the same deployment; fails over.
 */
export class ShedError extends ResilientLLMError {
  override readonly name = 'ShedError';
  readonly reason: ShedReason;
  readonly priority: number;
  constructor(what: string, reason: ShedReason, priority: number, details: ErrorDetails = {}) {
    super('RLLM_SHED', describe(details, what), false, details);
    this.reason = reason;
    this.priority = priority;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, priority: this.priority };
  }
}

/** A stream failed after content was emitted and the policy says not to restart. */
export class StreamInterruptedError extends ResilientLLMError {
  override readonly name = 'StreamInterruptedError';
  /** The text emitted before the failure. Never a complete answer. */
  readonly partialText: string;
  constructor(what: string, partialText: string, details: ErrorDetails = {}) {
    super('RLLM_STREAM_INTERRUPTED', describe(details, what), true, { ...details, hasEmittedOutput: true });
    this.partialText = partialText;
  }
}

/** The deployment's circuit breaker is open; it was not called. */
export class CircuitOpenError extends ResilientLLMError {
  override readonly name = 'CircuitOpenError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_CIRCUIT_OPEN', describe(details, what), false, details);
  }
}

/**
 * Attempts on two or more deployments (a chain, a pool) all failed. `errors` holds every failed
 * attempt's error in order, `lastError` the last one, `attempts` every attempt, and `cause` the
 * first error. When every attempt went to one deployment, that deployment's own error is thrown
 * instead (see {@link callFailure}).
 */
export class AllDeploymentsFailedError extends ResilientLLMError {
  override readonly name = 'AllDeploymentsFailedError';
  readonly errors: readonly ResilientLLMError[];
  constructor(attempts: readonly Attempt[], errors: readonly ResilientLLMError[], details: ErrorDetails = {}) {
    const last = errors[errors.length - 1];
    super(
      'RLLM_ALL_DEPLOYMENTS_FAILED',
      `all deployments failed after ${attempts.length} attempt(s)${last ? `; last: ${last.message}` : ''}`,
      false,
      { ...details, cause: details.cause ?? errors[0] },
    );
    this.withAttempts(attempts);
    this.errors = errors;
  }
  override get attempts(): readonly Attempt[] {
    return super.attempts ?? [];
  }
  /** The error of the last failed attempt. */
  get lastError(): ResilientLLMError | undefined {
    return this.errors[this.errors.length - 1];
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), attempts: this.attempts, errors: this.errors.map((error) => error.toJSON()) };
  }
}

/**
 * What a call that failed everywhere throws. When every attempt went to one deployment (a client
 * with one model, or a chain whose other aliases were never tried), that deployment's last error
 * as it is: a 401 is an `AuthenticationError`, a persistent 429 a `RateLimitError`, as the vendor
 * SDKs throw them, with the call's `attempts` set on it. Attempts on two or more deployments: `AllDeploymentsFailedError` with them all.
 */
export function callFailure(attempts: readonly Attempt[], errors: readonly ResilientLLMError[]): ResilientLLMError {
  const last = errors[errors.length - 1];
  let deploymentId: string | undefined;
  for (const attempt of attempts) {
    if (attempt.outcome === 'skipped') continue;
    if (deploymentId !== undefined && attempt.deploymentId !== deploymentId) return new AllDeploymentsFailedError(attempts, errors);
    deploymentId = attempt.deploymentId;
  }
  if (!last) return new AllDeploymentsFailedError(attempts, errors);
  return last.withAttempts(attempts);
}

/** A monthly, windowed or per-request budget would be exceeded; the call was not sent. */
export class BudgetExceededError extends ResilientLLMError {
  override readonly name = 'BudgetExceededError';
  readonly limitUsd: number;
  readonly estimatedUsd: number;
  constructor(what: string, limitUsd: number, estimatedUsd: number, details: ErrorDetails = {}) {
    super('RLLM_BUDGET_EXCEEDED', describe(details, what), false, details);
    this.limitUsd = limitUsd;
    this.estimatedUsd = estimatedUsd;
  }
}

/** Any other vendor error that fits no kind above. */
export class ProviderError extends ResilientLLMError {
  override readonly name = 'ProviderError';
  constructor(what: string, isRetryable: boolean, details: ErrorDetails = {}) {
    super('RLLM_PROVIDER_ERROR', describe(details, what), isRetryable, details);
  }
}

/** A feature needs an optional peer dependency that is not installed (`npm install <packageName>`). */
export class MissingPeerDependencyError extends ResilientLLMError {
  override readonly name = 'MissingPeerDependencyError';
  /** The npm package to install, e.g. `ws`. */
  readonly packageName: string;
  constructor(packageName: string, feature: string, cause?: unknown) {
    super('RLLM_MISSING_PEER_DEPENDENCY', `${feature} needs the optional peer dependency "${packageName}": npm install ${packageName}`, false, cause === undefined ? {} : { cause });
    this.packageName = packageName;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), packageName: this.packageName };
  }
}

/** One precise problem with a tool call or a structured answer, in a form a model can act on. */
export type ToolIssue = {
  /** Where in the arguments (or the object): `city`, `items[0].qty`; empty for the whole value. */
  readonly path: string;
  /** What the schema wanted, e.g. `string`, `one of "c", "f"`, `no property "extra"`. */
  readonly expected: string;
  /** What the model sent, e.g. `number 3`, `nothing (the field is missing)`. */
  readonly received: string;
  /** A one-line summary of the issue for logs. */
  readonly message: string;
};

/** A tool call (or a structured answer) the model made failed validation. Not retryable as it is. */
export class ToolInputInvalidError extends ResilientLLMError {
  override readonly name = 'ToolInputInvalidError';
  /** The tool's name, or the structured-output name for `schema` answers. */
  readonly toolName: string;
  readonly toolCallId?: string;
  readonly issues: readonly ToolIssue[];
  constructor(toolName: string, issues: readonly ToolIssue[], details: ErrorDetails & { readonly toolCallId?: string } = {}) {
    const first = issues[0];
    super(
      'RLLM_TOOL_INPUT_INVALID',
      describe(details, `invalid input for \`${toolName}\`${first ? `: ${first.message}` : ''}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}`),
      false,
      details,
    );
    this.toolName = toolName;
    if (details.toolCallId !== undefined) this.toolCallId = details.toolCallId;
    this.issues = issues;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), toolName: this.toolName, issues: this.issues };
  }
}

/** One call of a repair loop: what the model answered and what was wrong with it. */
export type ToolRepairAttempt = {
  /** 0 for the first call, then 1, 2, … for each repair (escalated calls continue the count). */
  readonly repair: number;
  /** Whether this call went to the next alias of the fallback chain (`escalate: true`). */
  readonly isEscalated: boolean;
  readonly response: ChatResponse;
  readonly errors: readonly ToolInputInvalidError[];
};

/** The model never produced valid tool calls (or a valid object) within `maxToolRepairs`. */
export class ToolRepairError extends ResilientLLMError {
  override readonly name = 'ToolRepairError';
  /** Every call of the loop, in order, with its response and issues. */
  readonly repairAttempts: readonly ToolRepairAttempt[];
  /** `repairs-exhausted`, or `deadline` when the call deadline ran out between repairs. */
  readonly reason: 'repairs-exhausted' | 'deadline';
  constructor(repairAttempts: readonly ToolRepairAttempt[], reason: 'repairs-exhausted' | 'deadline', details: ErrorDetails = {}) {
    const last = repairAttempts[repairAttempts.length - 1]?.errors[0];
    super(
      'RLLM_TOOL_REPAIR_EXHAUSTED',
      describe(
        details,
        `${reason === 'deadline' ? 'the deadline ran out while repairing tool input' : 'tool input still invalid'} after ${repairAttempts.length} call(s)${last ? `; last: ${last.message}` : ''}`,
      ),
      false,
      { ...details, cause: details.cause ?? last },
    );
    this.repairAttempts = repairAttempts;
    this.reason = reason;
  }
  /** Every attempt of every call of the loop (deployments, outcomes, tokens). */
  override get attempts(): readonly Attempt[] {
    return this.repairAttempts.flatMap((attempt) => attempt.response.attempts);
  }
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      reason: this.reason,
      repairAttempts: this.repairAttempts.map((attempt) => ({
        repair: attempt.repair,
        isEscalated: attempt.isEscalated,
        model: attempt.response.model,
        errors: attempt.errors.map((error) => ({ toolName: error.toolName, issues: error.issues })),
      })),
    };
  }
}
