import { describe, expect, it } from 'vitest';
import { PromptPrefixAffinity, promptPrefixKey, stablePrefixTokens } from '../../../src/policy/pool/prompt-prefix-affinity.js';
import { blendedPricePerMillion } from '../../../src/cost/cost-multiplier.js';

describe('promptPrefixKey', () => {
  it('is the same for every turn of one conversation and differs for another system prompt, opening turn or tools', () => {
    const system = { role: 'system', content: 'Rules.' } as const;
    const first = promptPrefixKey({ model: 'm', messages: [system, { role: 'user', content: 'Hi' }] });
    const later = promptPrefixKey({ model: 'm', messages: [system, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'More' }] });
    expect(later).toBe(first);
    expect(promptPrefixKey({ model: 'm', messages: [{ role: 'system', content: 'Other.' }, { role: 'user', content: 'Hi' }] })).not.toBe(first);
    expect(promptPrefixKey({ model: 'm', messages: [system, { role: 'user', content: 'Bye' }] })).not.toBe(first);
    expect(promptPrefixKey({ model: 'm', messages: [system, { role: 'user', content: 'Hi' }], tools: [{ name: 't', parameters: {} }] })).not.toBe(first);
  });

  it('counts the stable prefix without the final user turn', () => {
    expect(stablePrefixTokens({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(400) }] })).toBe(0);
    expect(stablePrefixTokens({ model: 'm', messages: [{ role: 'system', content: 'x'.repeat(400) }, { role: 'user', content: 'y' }] })).toBeGreaterThan(50);
  });
});

describe('PromptPrefixAffinity', () => {
  it('remembers the serving deployment until the TTL passes', () => {
    const affinity = new PromptPrefixAffinity({ ttlMs: 1_000 });
    affinity.served('k', 'east', 10_000);
    expect(affinity.deploymentFor('k', 10_999)).toBe('east');
    expect(affinity.deploymentFor('k', 11_000)).toBeUndefined();
    expect(affinity.size).toBe(0);
  });

  it('forgets the least recently served conversation past maxEntries', () => {
    const affinity = new PromptPrefixAffinity({ maxEntries: 2 });
    affinity.served('a', 'east', 0);
    affinity.served('b', 'west', 0);
    affinity.served('a', 'east', 1);
    affinity.served('c', 'north', 2);
    expect(affinity.deploymentFor('b', 3)).toBeUndefined();
    expect(affinity.deploymentFor('a', 3)).toBe('east');
    expect(affinity.deploymentFor('c', 3)).toBe('north');
  });
});

describe('blendedPricePerMillion with a warm cache', () => {
  it('prices the cached share of the input at the cache-read rate', () => {
    const price = { inputPerMillion: 1, cachedInputPerMillion: 0.1, outputPerMillion: 4 };
    expect(blendedPricePerMillion(price)).toBe(1.75);
    // 80% cached: input 0.2 × 1 + 0.8 × 0.1 = 0.28 → (3 × 0.28 + 4) / 4 = 1.21
    expect(blendedPricePerMillion(price, 0.8)).toBeCloseTo(1.21, 10);
  });
});
