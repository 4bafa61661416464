import { describe, expect, it } from 'vitest';
import { roleDifference, roleFacts } from '../../../src/cache/role-guard.js';

const differ = (left: string, right: string) => roleDifference(roleFacts(left), roleFacts(right));

describe('roleDifference', () => {
  it.each([
    ['Flights from Paris to London', 'flights from London to Paris'],
    ['The French ship attacked the British fleet', 'The British ship attacked the French fleet'],
    ['Which film was written by Alice and directed by Bob?', 'Which film was written by Bob and directed by Alice?'],
    ['Can a tenant sue the landlord?', 'can the landlord sue a tenant?'],
    ['Is Python faster than Rust?', 'Is Rust faster than Python?'],
    ['Python vs Rust', 'Rust vs Python'],
    ["Did Alice's dog bite Bob's cat?", "Did Bob's dog bite Alice's cat?"],
    ['Can my landlord evict me?', 'Can I evict my landlord?'],
    ['Was Rome defeated by Carthage?', 'Did Rome defeat Carthage?'],
    ['Is Paris north of Rome?', 'Is Rome north of Paris?'],
  ])('refuses a role swap: %s / %s', (left, right) => {
    expect(differ(left, right)).toBeDefined();
    expect(differ(right, left)).toBeDefined();
  });

  it.each([
    ['In 2019, did Apple acquire Beats?', 'Did Apple acquire Beats in 2019?'],
    ['Flights from Paris to London', 'Flights to London from Paris'],
    ['Compare Python and Rust', 'Compare Rust and Python'],
    ['What is Redis and what is Postgres?', 'What is Postgres and what is Redis?'],
    ['If it rains, is the match cancelled?', 'Is the match cancelled if it rains?'],
    ['Was Rome defeated by Carthage?', 'Did Carthage defeat Rome?'],
    ['How do I reset the password of my router?', 'How do I reset my router password?'],
    ['How to convert a string to a list in Python', 'How do I convert a string to a list in Python?'],
    ['router reset steps', 'How do I reset the router?'],
  ])('keeps a reorder paraphrase: %s / %s', (left, right) => {
    expect(differ(left, right)).toBeUndefined();
    expect(differ(right, left)).toBeUndefined();
  });

  it('names the swapped words and quotes the clauses compared', () => {
    expect(differ('Flights from Paris to London', 'flights from London to Paris')).toMatchObject({
      kind: 'swap',
      question: 'flight from pari to london',
      candidate: 'flight from london to pari',
    });
    expect(differ('Can a tenant sue the landlord?', 'can the landlord sue a tenant?')?.words).toEqual(['tenant', 'landlord']);
  });

  it('refuses any change of word order in text it does not read as English', () => {
    expect(differ('le chat mange la souris', 'la souris mange le chat')).toMatchObject({ kind: 'order' });
    expect(differ('vuelos de Madrid a Lima para mañana', 'vuelos de Lima a Madrid para mañana')).toMatchObject({ kind: 'order' });
    expect(differ('东京到大阪的航班', '大阪到东京的航班')).toMatchObject({ kind: 'order' });
    expect(differ('Flüge von Berlin nach Wien und zurück', 'Flüge von Berlin nach Wien und zurück')).toBeUndefined();
  });

  it('leaves questions that share few words to the other guards', () => {
    expect(differ('How do I rotate an API key?', 'What is the best key rotation policy for my team?')).toBeUndefined();
  });

  it('stays linear on 1 MiB adversarial inputs', () => {
    const mebibyte = (unit: string) => unit.repeat(Math.ceil((1 << 20) / unit.length));
    const inputs = [
      mebibyte('a and '),
      mebibyte("x's "),
      mebibyte('of the '),
      mebibyte('from to by '),
      mebibyte('was done by it '),
      mebibyte('tenant sue landlord and '),
      mebibyte('东'),
      mebibyte('word '),
    ];
    for (const input of inputs) {
      const started = performance.now();
      const facts = roleFacts(input);
      const swapped = roleFacts(`${input.slice(0, 1000)} landlord sue tenant ${input.slice(1000)}`);
      roleDifference(facts, swapped);
      roleDifference(facts, facts);
      // Questions are read up to a bounded length, so even 1 MiB costs a few milliseconds.
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});

describe('roleDifference on long questions', () => {
  it('refuses a question too long to compare (when unsure, refuse)', () => {
    const long = 'Can a tenant sue the landlord? '.repeat(2_000);
    expect(differ(long, `${long} again`)).toMatchObject({ kind: 'order', question: expect.stringContaining('too long') });
  });
});
