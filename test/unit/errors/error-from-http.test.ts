import { describe, expect, it } from 'vitest';
import { errorFromHttp } from '../../../src/errors/error-from-http.js';

const codeOf = (message: string) => errorFromHttp({ status: 400, message }).code;

describe('errorFromHttp', () => {
  it('reads "input token count … exceeds" on one line as a context-window error', () => {
    expect(codeOf('The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).')).toBe('RLLM_CONTEXT_WINDOW_EXCEEDED');
    expect(codeOf('Input Token Count of 9 exceeds 8')).toBe('RLLM_CONTEXT_WINDOW_EXCEEDED');
  });

  it('does not join the phrase across lines, as the regex `.*` did not', () => {
    expect(codeOf('input token count: 12\nthe budget exceeds nothing')).toBe('RLLM_BAD_REQUEST');
    expect(codeOf('input token count is fine')).toBe('RLLM_BAD_REQUEST');
  });
});
