import { describe, expect, it } from 'vitest';
import { checkGuards, questionFacts } from '../../../src/cache/question-guards.js';

const check = (left: string, right: string) => checkGuards(questionFacts(left), questionFacts(right));

describe('checkGuards', () => {
  it('passes paraphrases that keep negations, numbers and names', () => {
    expect(check('Is Redis faster than Postgres for 10 writes?', 'is redis quicker than postgres for ten writes')).toBeUndefined();
    expect(check("I can't log in to Slack", 'I cannot log into Slack')).toBeUndefined();
  });

  it('rejects a different count of negations', () => {
    expect(check('Is the bridge safe?', 'Is the bridge unsafe?')).toBe('negation');
    expect(check('Does it work without a license?', 'Does it work with a license?')).toBe('negation');
  });

  it('rejects different numbers, including formatted ones', () => {
    expect(check('Convert 1,000 USD to EUR', 'Convert 1000 USD to EUR')).toBeUndefined();
    expect(check('Convert 1,000 USD to EUR', 'Convert 100 USD to EUR')).toBe('number');
    expect(check('Top 3 laptops of 2024', 'Top 3 laptops of 2025')).toBe('number');
  });

  it('rejects a named entity missing from the other question, whatever its case', () => {
    expect(check('How do I deploy to AWS?', 'How do I deploy to GCP?')).toBe('entity');
    expect(check('Sort a list in Java', 'Sort a list in JavaScript')).toBe('entity');
    expect(check('What does "strict mode" do?', 'What does strict typing do?')).toBe('entity');
    expect(check('Datasets can be shared on the Hub.', 'You can share datasets on the hub.')).toBeUndefined();
  });

  it('can switch each guard off', () => {
    const facts = [questionFacts('Is it safe in Paris for 2 days?'), questionFacts('Is it not safe in Rome for 3 days?')] as const;
    expect(checkGuards(facts[0], facts[1], { negation: false })).toBe('number');
    expect(checkGuards(facts[0], facts[1], { negation: false, numbers: false })).toBe('entity');
    expect(checkGuards(facts[0], facts[1], { negation: false, numbers: false, entities: false })).toBeUndefined();
  });
});
