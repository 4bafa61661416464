import { TimeoutError } from '../../errors/errors.js';
import { ResilientLLMError, type ErrorCode } from '../../errors/resilient-llm-error.js';

/**
 * Error codes that say a deployment is unhealthy or unusable, and so count as a circuit-breaker
 * failure: it is overloaded, failing, unreachable, silent, speaking garbage, or refusing our key.
 * Everything else (400, 404, context window, content filter, the caller's own abort or deadline)
 * says nothing about the deployment and counts as a success, or as no verdict at all.
 */
export const DEPLOYMENT_FAILURE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RLLM_RATE_LIMITED',
  'RLLM_OVERLOADED',
  'RLLM_SERVER_ERROR',
  'RLLM_CONNECTION',
  'RLLM_TIMEOUT',
  'RLLM_INVALID_RESPONSE',
  'RLLM_AUTHENTICATION',
  'RLLM_PERMISSION_DENIED',
  'RLLM_QUOTA_EXCEEDED',
]);

/** Codes the library raises itself, never a deployment's answer: they give the breaker no verdict. */
const NO_VERDICT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RLLM_CIRCUIT_OPEN',
  'RLLM_INVALID_ARGUMENT',
  'RLLM_BUDGET_EXCEEDED',
  'RLLM_ALL_DEPLOYMENTS_FAILED',
  'RLLM_STREAM_INTERRUPTED',
  'RLLM_TOOL_INPUT_INVALID',
  'RLLM_TOOL_REPAIR_EXHAUSTED',
  'RLLM_TENANT_QUOTA',
  'RLLM_STATE_STORE_UNAVAILABLE',
  'RLLM_MISSING_PEER_DEPENDENCY',
  'RLLM_CLIENT_CLOSED',
  'RLLM_SHED',
]);

/** The `providerCode` of a `RateLimitError` raised before sending, by a limit shared through the state store: no verdict. */
export const SHARED_LIMIT_PROVIDER_CODE = 'rllm_shared_limit';

/** The verdict an ended attempt gives a deployment's circuit breaker. */
export type BreakerVerdict = 'success' | 'failure' | 'none';

/**
 * What an attempt that ended with `error` tells the breaker: `failure` for the codes above (and
 * retryable `RLLM_PROVIDER_ERROR`, i.e. 408/409); `none` for anything that is not a library error
 * (a user abort), for the call's own `total` deadline and for errors the library raises itself
 * (`RLLM_STREAM_INTERRUPTED`: judge its `cause` instead); `success` otherwise (the deployment answered).
 */
export function breakerVerdictFor(error: unknown): BreakerVerdict {
  if (!(error instanceof ResilientLLMError)) return 'none';
  if (error instanceof TimeoutError && error.phase === 'total') return 'none';
  if (error.providerCode === SHARED_LIMIT_PROVIDER_CODE) return 'none';
  if (DEPLOYMENT_FAILURE_CODES.has(error.code)) return 'failure';
  if (error.code === 'RLLM_PROVIDER_ERROR' && error.isRetryable) return 'failure';
  if (NO_VERDICT_CODES.has(error.code)) return 'none';
  return 'success';
}
