import { InvalidResponseError } from '../../errors/errors.js';
import type { ErrorDetails } from '../../errors/resilient-llm-error.js';

/**
 * Parses one SSE event's data as a JSON object. Stray non-SSE lines (`event: 'raw'`, a proxy
 * banner) that are not a JSON object are skipped (undefined); any other event that is not one
 * is an `InvalidResponseError` naming `what` (`chunk`, `event`).
 */
export function parseSseJson<T extends object>(data: string, eventName: string | undefined, what: string, details: () => ErrorDetails): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    if (eventName === 'raw') return undefined;
    throw new InvalidResponseError(`malformed stream ${what} (not JSON)`, { ...details(), cause: error });
  }
  if (typeof value !== 'object' || value === null) {
    if (eventName === 'raw') return undefined;
    throw new InvalidResponseError(`malformed stream ${what} (not an object)`, details());
  }
  return value as T;
}
