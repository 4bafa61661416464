import { describe, expect, it } from 'vitest';
import { hasRateLimitHeaders } from '../../../../src/policy/rate-limit/rate-limit-headers.js';

const reader = (headers: Record<string, string>) => (name: string) => headers[name];

describe('hasRateLimitHeaders', () => {
  it('finds any remaining-count header of OpenAI or Anthropic', () => {
    for (const name of [
      'x-ratelimit-remaining-requests',
      'x-ratelimit-remaining-tokens',
      'anthropic-ratelimit-requests-remaining',
      'anthropic-ratelimit-tokens-remaining',
      'anthropic-ratelimit-input-tokens-remaining',
      'anthropic-ratelimit-output-tokens-remaining',
    ]) {
      expect(hasRateLimitHeaders(reader({ [name]: '10' }))).toBe(true);
    }
  });

  it('says no for a response without remaining counts, which observing would not change anything for', () => {
    expect(hasRateLimitHeaders(reader({ 'content-type': 'application/json', 'x-request-id': 'req_1' }))).toBe(false);
    expect(hasRateLimitHeaders(reader({ 'x-ratelimit-limit-requests': '10', 'x-ratelimit-reset-requests': '1s' }))).toBe(false);
  });
});
