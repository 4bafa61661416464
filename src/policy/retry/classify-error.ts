import { ResilientLLMError, type ErrorCode } from '../../errors/resilient-llm-error.js';
import { ConnectionError, ResponseTooLargeError, TimeoutError } from '../../errors/errors.js';

/**
 * What the call does after an attempt failed:
 * - `retry`: try the same deployment again after a delay (the loop fails over once retries run out);
 * - `failover`: do not retry this deployment; move to another one (same pool, then the next alias);
 * - `stop`: give up and surface the error to the caller.
 */
export type ErrorDecision = 'retry' | 'failover' | 'stop';

/**
 * The default decision for each error code. Exported as data so the README table is generated
 * from the same source the code uses.
 */
export const DEFAULT_ERROR_DECISIONS: Readonly<Record<ErrorCode, ErrorDecision>> = {
  // Transient: the same deployment may well answer on the next try.
  RLLM_RATE_LIMITED: 'retry',
  RLLM_OVERLOADED: 'retry',
  RLLM_SERVER_ERROR: 'retry',
  RLLM_CONNECTION: 'retry',
  RLLM_INVALID_RESPONSE: 'retry',
  // 408/409 and other statuses the taxonomy marks retryable; non-retryable ones fail over (below).
  RLLM_PROVIDER_ERROR: 'retry',
  // This deployment cannot serve the call, another one may.
  RLLM_AUTHENTICATION: 'failover',
  RLLM_PERMISSION_DENIED: 'failover',
  RLLM_QUOTA_EXCEEDED: 'failover',
  RLLM_CIRCUIT_OPEN: 'failover',
  // Shed by this client's admission control: another deployment may have room; nothing was sent.
  RLLM_SHED: 'failover',
  // The model does not exist on this deployment (404, 400 `model_not_found`): another may have it.
  RLLM_NOT_FOUND: 'failover',
  // A deployment that timed out without answering is not retried on the same route.
  RLLM_TIMEOUT: 'failover',
  // Only a model with a larger context window can help; the loop filters targets by window.
  RLLM_CONTEXT_WINDOW_EXCEEDED: 'failover',
  // A refusal is an answer, not an outage: returned as it is unless `isContentPolicyFailover`.
  RLLM_CONTENT_FILTERED: 'stop',
  // The request itself is wrong, or the caller's limits say no: no other deployment can fix it.
  RLLM_BAD_REQUEST: 'stop',
  RLLM_INVALID_ARGUMENT: 'stop',
  RLLM_BUDGET_EXCEEDED: 'stop',
  RLLM_TENANT_QUOTA: 'stop',
  RLLM_STATE_STORE_UNAVAILABLE: 'stop',
  // Produced by the loop itself once it has decided; never re-routed.
  RLLM_STREAM_INTERRUPTED: 'stop',
  RLLM_ALL_DEPLOYMENTS_FAILED: 'stop',
  RLLM_TOOL_INPUT_INVALID: 'stop',
  RLLM_TOOL_REPAIR_EXHAUSTED: 'stop',
  RLLM_MISSING_PEER_DEPENDENCY: 'stop',
  // The client is shutting down: nothing more is sent.
  RLLM_CLIENT_CLOSED: 'stop',
};

export type ClassifyErrorOptions = {
  /**
   * Route around a content-policy refusal (`RLLM_CONTENT_FILTERED`) instead of returning it.
   * @default false
   */
  readonly isContentPolicyFailover?: boolean;
  /** Per-code overrides of `DEFAULT_ERROR_DECISIONS` (e.g. a fallback policy's `on` list). */
  readonly decisions?: Readonly<Partial<Record<ErrorCode, ErrorDecision>>>;
};

/**
 * Decides whether a failed attempt is retried on the same deployment, fails over, or stops the
 * call. Anything that is not a `ResilientLLMError` (a user abort, a bug) stops. Whether output was
 * already streamed is not considered here: the mid-stream policy decides that.
 */
export function classifyError(error: unknown, options: ClassifyErrorOptions = {}): ErrorDecision {
  if (!(error instanceof ResilientLLMError)) return 'stop';
  const code = error.code;
  const override = options.decisions?.[code];
  if (override !== undefined) return override;
  if (code === 'RLLM_CONTENT_FILTERED') return options.isContentPolicyFailover === true ? 'failover' : 'stop';
  // The whole call's deadline is spent: nothing else can be tried.
  if (code === 'RLLM_TIMEOUT' && error instanceof TimeoutError && error.phase === 'total') return 'stop';
  // An answer past its size limit would most likely come back as large (and cost as much again).
  if (error instanceof ResponseTooLargeError) return 'failover';
  // An unknown status the taxonomy calls permanent: this deployment will not change its mind.
  if (code === 'RLLM_PROVIDER_ERROR' && !error.isRetryable) return 'failover';
  return DEFAULT_ERROR_DECISIONS[code];
}

/** Socket codes that say no connection was made at all: nothing was sent, the deployment is unreachable. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether `error` says the deployment could not be reached at all (connection refused, DNS
 * failure): a retry in a few hundred ms will rarely find it up. The loop moves to another
 * deployment or alias at once, and retries this one only when it is the last option.
 */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof ConnectionError)) return false;
  // The transport keeps the socket error as the cause (fetch wraps it once more).
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 3 && typeof cause === 'object' && cause !== null; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
