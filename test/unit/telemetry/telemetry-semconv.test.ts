import * as stable from '@opentelemetry/semantic-conventions';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import * as ours from '../../../src/telemetry/semconv.js';
import { genAiProviderName } from '../../../src/telemetry/provider-name.js';

describe('src/telemetry/semconv.ts', () => {
  it('copies every conventional name exactly as @opentelemetry/semantic-conventions ships it', () => {
    const shipped = { ...incubating, ...stable } as Record<string, unknown>;
    const conventional = Object.entries(ours).filter(([name]) => !name.includes('RLLM'));
    expect(conventional.length).toBeGreaterThan(30);
    for (const [name, value] of conventional) expect([name, shipped[name]]).toEqual([name, value]);
  });

  it('keeps every name of its own under llm_resilience.*', () => {
    const own = Object.entries(ours).filter(([name]) => name.includes('RLLM'));
    expect(own.length).toBeGreaterThan(30);
    for (const [, value] of own) expect(value).toMatch(/^llm_resilience\.[a-z_.]+$/);
  });

  it('maps adapter kinds and provider keys to well-known provider names', () => {
    expect(genAiProviderName('gemini')).toBe(incubating.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI);
    expect(genAiProviderName('anthropic-backup')).toBe('anthropic');
    expect(genAiProviderName('bedrock')).toBe(incubating.GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK);
    expect(genAiProviderName('local-llama')).toBe('local-llama');
  });
});
