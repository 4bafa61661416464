import { AbortToken } from '../transport/abort-token.js';
import { StreamResult } from './stream-result.js';
import type { ChatResponse, StreamPart } from './types.js';

/**
 * Starts a streaming call and returns its `StreamResult` at once. `run` starts on the next
 * microtask with the stream's own token (aborted by `signal` and by the consumer's cancel) and a
 * part sink; the parts it emits before the result exists are buffered, and its answer ends the
 * stream with a `finish` part.
 */
export function startStream(
  signal: AbortSignal | undefined,
  run: (token: AbortToken, onPart: (part: StreamPart) => void) => Promise<ChatResponse>,
): StreamResult {
  const token = new AbortToken();
  const unfollow = token.follow(signal);
  let result: StreamResult | undefined;
  const pending: StreamPart[] = [];
  const onPart = (part: StreamPart) => {
    if (result) result.push(part);
    else pending.push(part);
  };
  const response = Promise.resolve()
    .then(() => run(token, onPart))
    .then((value) => {
      onPart({ type: 'finish', response: value });
      return value;
    });
  if (unfollow) response.then(unfollow, unfollow);
  result = new StreamResult(response, (reason?: unknown) => {
    if (!token.aborted) token.abort(reason ?? new DOMException('The stream was cancelled by its consumer', 'AbortError'));
  });
  for (const part of pending) result.push(part);
  return result;
}
