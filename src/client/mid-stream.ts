import { StreamInterruptedError } from '../errors/errors.js';
import type { ResilientLLMError } from '../errors/resilient-llm-error.js';
import type { CallPlan, CallState, ExecutorEnvironment } from './executor-types.js';
import type { AttemptFailure } from './run-attempt.js';

/**
 * After a stream failed with content already emitted, the policy decides: throw
 * `StreamInterruptedError` (`'error'`), keep the text and continue it elsewhere (`'continue'`,
 * outside a tool call), or restart visibly with a `reset` part (`'restart'`).
 */
export function resolveMidStream(env: ExecutorEnvironment, plan: CallPlan, state: CallState, failure: AttemptFailure, error: ResilientLLMError): 'restart' | 'continue' {
  const policy = plan.policy.midStream;
  if (policy === 'error') {
    throw new StreamInterruptedError(`stream failed after output was emitted: ${error.message}`, failure.partialText, {
      cause: error,
      ...(error.provider !== undefined ? { provider: error.provider } : {}),
      ...(error.model !== undefined ? { model: error.model } : {}),
    });
  }
  if (policy === 'continue' && !failure.hasPartialToolCall && failure.partialText.length > 0) return 'continue';
  emitReset(env, plan, state, `restarting after ${error.code}`, error.code);
  return 'restart';
}

/** Tells the consumer (a `reset` part) and listeners (`stream-reset`) that the answer restarts. */
export function emitReset(env: ExecutorEnvironment, plan: CallPlan, state: CallState, reason: string, errorCode: string | undefined): void {
  state.hasReset = true;
  plan.onPart?.({ type: 'reset', reason, ...(errorCode !== undefined ? { errorCode } : {}) });
  if (env.events.has('stream-reset')) {
    env.events.emit('stream-reset', { requestId: plan.requestId, reason, ...(errorCode !== undefined ? { errorCode } : {}) });
  }
}
