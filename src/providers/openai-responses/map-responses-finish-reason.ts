import type { FinishReason } from '../spec/index.js';

/**
 * The finish reason of a finished response. `completed` is `stop`, or `tool-calls` when the
 * output has function calls. `incomplete` is never a clean stop: `content_filter` maps to
 * `content-filter` and every other reason (`max_output_tokens`, a future one) to `length`.
 * Returns the raw reason too: the incomplete reason, else the status.
 */
export function mapResponsesFinishReason(
  status: unknown,
  incompleteReason: unknown,
  hasToolCalls: boolean,
): { finishReason: FinishReason; rawFinishReason: string } {
  if (status === 'incomplete') {
    const reason = typeof incompleteReason === 'string' && incompleteReason !== '' ? incompleteReason : 'incomplete';
    return { finishReason: reason === 'content_filter' ? 'content-filter' : 'length', rawFinishReason: reason };
  }
  if (status === 'completed' || status === undefined) return { finishReason: hasToolCalls ? 'tool-calls' : 'stop', rawFinishReason: 'completed' };
  return { finishReason: 'other', rawFinishReason: typeof status === 'string' ? status : 'unknown' };
}
