import { describe, expect, it } from 'vitest';
import type { NormalizedChatRequest as ChatRequest } from '../../../src/client/types.js';
import { classifyTask } from '../../../src/routing/classify-task.js';
import { LABELLED_PROMPTS } from './labelled-prompts.js';

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content }],
  ...extra,
});

/** The accuracy the heuristic must keep on the labelled set. */
const REQUIRED_ACCURACY = 0.9;

describe('classifyTask', () => {
  it(`labels at least ${REQUIRED_ACCURACY * 100} % of the labelled prompts correctly`, () => {
    expect(LABELLED_PROMPTS.length).toBeGreaterThanOrEqual(40);
    expect(LABELLED_PROMPTS.filter((prompt) => prompt.label === 'simple').length).toBeGreaterThanOrEqual(20);
    expect(LABELLED_PROMPTS.filter((prompt) => prompt.label === 'complex').length).toBeGreaterThanOrEqual(20);
    const misses: string[] = [];
    for (const prompt of LABELLED_PROMPTS) {
      const result = classifyTask(prompt.request);
      if (result.tier !== prompt.label) {
        const first = prompt.request.messages[0];
        misses.push(`${prompt.label} ← ${result.reason}: ${typeof first?.content === 'string' ? first.content.slice(0, 60) : ''}`);
      }
    }
    const accuracy = 1 - misses.length / LABELLED_PROMPTS.length;
    process.stdout.write(`classifyTask accuracy on ${LABELLED_PROMPTS.length} labelled prompts: ${(accuracy * 100).toFixed(1)} %\n`);
    expect(accuracy, `misclassified:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
  });

  it('routes a short factual question to simple with a reason', () => {
    const result = classifyTask(ask('How tall is Mount Everest?'));
    expect(result.tier).toBe('simple');
    expect(result.reason).toMatch(/^simple \(score 0\): short prompt/);
    expect(result.signals.reasoningMarkers).toEqual([]);
  });

  it('routes a fenced code block to complex and says so', () => {
    const result = classifyTask(ask('Tidy this up:\n```py\nx=1\n```'));
    expect(result.tier).toBe('complex');
    expect(result.signals.hasCodeBlock).toBe(true);
    expect(result.reason).toContain('code block');
  });

  it('routes reasoning markers to complex and lists them', () => {
    const result = classifyTask(ask('Prove it step by step.'));
    expect(result.tier).toBe('complex');
    expect(result.signals.reasoningMarkers).toEqual(['prove', 'step by step']);
    expect(result.reason).toContain('reasoning markers: prove, step by step');
  });

  it('detects a stack trace', () => {
    const result = classifyTask(ask('Traceback (most recent call last):\n  File "app.py", line 3\nKeyError: "id"'));
    expect(result.signals.hasStackTrace).toBe(true);
    expect(result.tier).toBe('complex');
  });

  it('counts many tools as agentic work and one tool as a lookup', () => {
    const tool = (name: string) => ({ name, parameters: { type: 'object' } });
    expect(classifyTask(ask('Check the weather.', { tools: [tool('weather')] })).tier).toBe('simple');
    const many = classifyTask(ask('Sort out my trip.', { tools: ['a', 'b', 'c', 'd', 'e', 'f'].map(tool) }));
    expect(many.signals.toolCount).toBe(6);
    expect(many.tier).toBe('complex');
  });

  it('treats a long prompt as complex unless it is a light task', () => {
    const filler = 'The warehouse shipped the order on time and the customer confirmed delivery. '.repeat(200);
    expect(classifyTask(ask(`Here are the notes.\n${filler}`)).tier).toBe('complex');
    expect(classifyTask(ask(`Summarize these notes.\n${filler}`)).tier).toBe('simple');
  });

  it('honours longPromptTokens and a caller-provided estimate', () => {
    const result = classifyTask(ask('hello there'), { estimatedTokens: 50_000 });
    expect(result.estimatedTokens).toBe(50_000);
    expect(result.tier).toBe('complex');
    expect(classifyTask(ask('hello there'), { estimatedTokens: 50_000, longPromptTokens: 1_000_000 }).tier).toBe('simple');
  });

  it('reads the last user message, not the system prompt', () => {
    const result = classifyTask({
      model: 'auto',
      messages: [
        { role: 'system', content: 'You analyze, debug and prove things step by step.' },
        { role: 'user', content: 'Thanks, that is all!' },
      ],
    });
    expect(result.signals.reasoningMarkers).toEqual([]);
    expect(result.tier).toBe('simple');
  });

  it('reads text parts and counts images of a multi-part user message', () => {
    const result = classifyTask({
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Debug this screenshot' }, { type: 'image', image: 'https://example.test/s.png' }] }],
    });
    expect(result.signals.imageCount).toBe(1);
    expect(result.signals.reasoningMarkers).toEqual(['debug']);
  });
});
