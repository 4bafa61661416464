import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/client/types.js';
import { buildClassifierPrompt, DEFAULT_MAX_PROMPT_CHARS, DEFAULT_TIER_DESCRIPTIONS } from '../../../src/routing/classifier-prompt.js';

const conversation: Message[] = [
  { role: 'system', content: 'You are a support bot for ACME.' },
  { role: 'user', content: 'My first question, long answered.' },
  { role: 'assistant', content: 'An earlier answer.' },
  { role: 'user', content: 'Now: why does my build fail with a segfault?' },
];

describe('buildClassifierPrompt', () => {
  it('lists every tier cheapest first with its description, and asks for exactly one tier name', () => {
    const [system] = buildClassifierPrompt(conversation, {
      tiers: ['simple', 'medium', 'complex', 'long-context'],
      descriptions: { medium: 'explanations and short writing', complex: 'only proofs' },
    });
    expect(system.role).toBe('system');
    const lines = (system.content as string).split('\n');
    expect(lines.filter((line) => line.startsWith('- '))).toEqual([
      `- simple: ${DEFAULT_TIER_DESCRIPTIONS.simple}`,
      '- medium: explanations and short writing',
      '- complex: only proofs',
      '- long-context',
    ]);
    expect(lines.at(-1)).toBe('Answer with exactly one tier name (simple, medium, complex, long-context) and nothing else. Do not answer the request.');
  });

  it('sends only the last user message, not the system prompt or earlier turns', () => {
    const [system, user] = buildClassifierPrompt(conversation, { tiers: ['simple', 'complex'] });
    expect(user).toEqual({ role: 'user', content: 'Now: why does my build fail with a segfault?' });
    expect(system.content).not.toContain('ACME');
    expect(system.content).not.toContain('earlier answer');
  });

  it('keeps the start and the end of a long prompt within maxPromptChars and says how much was cut', () => {
    const text = `START ${'x'.repeat(5_000)} END`;
    const [, user] = buildClassifierPrompt([{ role: 'user', content: text }], { tiers: ['simple', 'complex'], maxPromptChars: 100 });
    const content = user.content as string;
    expect(content.startsWith(`START ${'x'.repeat(69)}\n`)).toBe(true);
    expect(content).toContain(`[… ${text.length - 100} characters omitted …]`);
    expect(content.endsWith(`\n${'x'.repeat(21)} END`)).toBe(true);
    expect(content.replace(/\n\[… \d+ characters omitted …\]\n/, '')).toHaveLength(100);
  });

  it(`truncates at ${DEFAULT_MAX_PROMPT_CHARS} characters by default and leaves shorter prompts whole`, () => {
    const exact = 'a'.repeat(DEFAULT_MAX_PROMPT_CHARS);
    expect(buildClassifierPrompt([{ role: 'user', content: exact }], { tiers: ['simple', 'complex'] })[1].content).toBe(exact);
    const over = `${exact}b`;
    expect(buildClassifierPrompt([{ role: 'user', content: over }], { tiers: ['simple', 'complex'] })[1].content).toContain('[… 1 characters omitted …]');
  });

  it('sends the text parts of a multimodal message and counts its images', () => {
    const [, user] = buildClassifierPrompt(
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', image: 'https://example.invalid/a.png' },
            { type: 'image', image: 'https://example.invalid/b.png' },
          ],
        },
      ],
      { tiers: ['simple', 'complex'] },
    );
    expect(user.content).toBe('What is in this picture?\n[2 images attached]');
  });

  it('never sends an empty user message', () => {
    expect(buildClassifierPrompt([{ role: 'system', content: 'only a system prompt' }], { tiers: ['simple', 'complex'] })[1].content).toBe('(empty message)');
  });
});
