import { describe, expect, it } from 'vitest';
import { errorFromHttp } from '../../../../src/errors/error-from-http.js';
import {
  AllDeploymentsFailedError,
  ConnectionError,
  InvalidResponseError,
  StreamInterruptedError,
  TimeoutError,
} from '../../../../src/errors/errors.js';
import { breakerVerdictFor } from '../../../../src/policy/circuit-breaker/is-deployment-failure.js';

describe('breakerVerdictFor', () => {
  it.each([
    [429, 'failure'],
    [500, 'failure'],
    [503, 'failure'],
    [529, 'failure'],
    [408, 'failure'],
    [401, 'failure'],
    [403, 'failure'],
    [400, 'success'],
    [404, 'success'],
    [422, 'success'],
    [418, 'success'],
  ] as const)('counts HTTP %i as %s', (status, verdict) => {
    expect(breakerVerdictFor(errorFromHttp({ status, message: 'x' }))).toBe(verdict);
  });

  it('counts unhealthy transport and protocol failures, not the caller’s own limits', () => {
    expect(breakerVerdictFor(new ConnectionError('reset'))).toBe('failure');
    expect(breakerVerdictFor(new InvalidResponseError('missing [DONE]'))).toBe('failure');
    expect(breakerVerdictFor(new TimeoutError('first-token', 10_000))).toBe('failure');
    expect(breakerVerdictFor(new TimeoutError('total', 30_000))).toBe('none');
    expect(breakerVerdictFor(errorFromHttp({ status: 400, message: 'prompt is too long' }))).toBe('success');
    expect(breakerVerdictFor(new DOMException('aborted', 'AbortError'))).toBe('none');
    expect(breakerVerdictFor(new StreamInterruptedError('cut', 'partial'))).toBe('none');
    expect(breakerVerdictFor(new AllDeploymentsFailedError([], []))).toBe('none');
  });
});
