/**
 * Writes test/data/word-swap-pairs.json: questions whose words are swapped between roles (every
 * pair a non-paraphrase: serving one's answer to the other is wrong) and true reorder paraphrases
 * (the same question with a phrase or clause moved). Written for this project; seeded, so the file
 * is reproducible:
 *
 *   node --import tsx scripts/generate-word-swap-pairs.ts [--out test/data/word-swap-pairs.json]
 *
 * Held out: every vocabulary list is split in two (even / odd positions); `tune` pairs use only the
 * even half, `test` pairs only the odd half, and the hand-written sentences alternate. Tune the guard
 * on `tune`, report on `test`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRandom } from '../src/testing/seeded-random.js';

export type WordSwapPair = {
  /** The question in the cache. */
  readonly cached: string;
  /** The question asked. */
  readonly asked: string;
  /** `swap`: roles differ, any hit is wrong; `paraphrase`: the same question reordered, a hit is right. */
  readonly label: 'swap' | 'paraphrase';
  readonly template: string;
  readonly split: 'tune' | 'test';
};

type Split = 'tune' | 'test';
type Vocabulary = Readonly<Record<string, readonly string[]>>;

const VOCABULARY: Vocabulary = {
  city: ['Paris', 'London', 'Berlin', 'Madrid', 'Rome', 'Tokyo', 'Sydney', 'Toronto', 'Chicago', 'Boston', 'Denver', 'Seattle', 'Dublin', 'Vienna', 'Prague', 'Lisbon', 'Oslo', 'Athens', 'Cairo', 'Mumbai', 'Delhi', 'Seoul', 'Lima', 'Miami'],
  person: ['Alice', 'Bob', 'Carol', 'David', 'Emma', 'Frank', 'Grace', 'Henry', 'Irene', 'Jack', 'Karen', 'Liam', 'Maria', 'Noah', 'Olivia', 'Peter', 'Rachel', 'Sam', 'Tina', 'Victor'],
  company: ['Google', 'Apple', 'Microsoft', 'Amazon', 'Netflix', 'Oracle', 'Intel', 'Nvidia', 'Adobe', 'Spotify', 'Uber', 'Tesla', 'Samsung', 'Sony', 'Nokia', 'Cisco'],
  tool: ['Python', 'Rust', 'Java', 'Ruby', 'Kotlin', 'Swift', 'Haskell', 'Scala', 'Elixir', 'Perl', 'MySQL', 'Postgres', 'Redis', 'MongoDB', 'Django', 'Flask'],
  nation: ['French', 'British', 'German', 'Italian', 'Spanish', 'Dutch', 'Russian', 'Swedish', 'Greek', 'Turkish', 'Polish', 'Danish'],
  unit: ['celsius', 'fahrenheit', 'kilometers', 'miles', 'pounds', 'kilograms', 'inches', 'centimeters', 'liters', 'gallons', 'meters', 'feet'],
  role: ['tenant', 'landlord', 'employer', 'employee', 'doctor', 'patient', 'teacher', 'student', 'buyer', 'seller', 'parent', 'child', 'customer', 'bank', 'author', 'editor', 'driver', 'passenger', 'client', 'lawyer'],
  animal: ['dog', 'cat', 'fox', 'rabbit', 'hawk', 'snake', 'wolf', 'deer', 'shark', 'seal', 'lion', 'zebra'],
  account: ['savings', 'checking', 'brokerage', 'business', 'joint', 'pension'],
  year: ['2015', '2016', '2017', '2018', '2019', '2020', '2021', '2022'],
};

/** `{kind}` slots, `{kind2}` for a second, different filler of the same kind. The swap exchanges the two. */
const SWAP_TEMPLATES: readonly (readonly [name: string, text: string, kind: string])[] = [
  ['from-to', 'Flights from {a} to {b}', 'city'],
  ['from-to', 'How long does the train take from {a} to {b}?', 'city'],
  ['from-to', 'What is the cheapest way to get from {a} to {b}?', 'city'],
  ['from-to', 'Is there a direct bus from {a} to {b}?', 'city'],
  ['from-to', 'How do I convert {a} to {b}?', 'unit'],
  ['from-to', 'How do I migrate a project from {a} to {b}?', 'tool'],
  ['from-to', 'Transfer money from my {a} account to my {b} account', 'account'],
  ['vs', '{a} vs {b}: which is faster?', 'tool'],
  ['vs', '{a} versus {b} for a small web service', 'tool'],
  ['comparative', 'Is {a} faster than {b}?', 'tool'],
  ['comparative', 'Is {a} more expensive than {b}?', 'city'],
  ['comparative', 'Why is {a} bigger than {b}?', 'company'],
  ['comparative', 'Is {a} north of {b}?', 'city'],
  ['comparative', 'Is a {a} faster than a {b}?', 'animal'],
  ['subject-object', 'Can a {a} sue a {b}?', 'role'],
  ['subject-object', 'Can the {a} sue the {b}?', 'role'],
  ['subject-object', 'Did {a} acquire {b}?', 'company'],
  ['subject-object', 'When did {a} sue {b}?', 'company'],
  ['subject-object', 'Why did {a} leave {b}?', 'person'],
  ['subject-object', 'Does {a} depend on {b}?', 'tool'],
  ['subject-object', 'Should the {a} pay the {b}?', 'role'],
  ['subject-object', 'Does a {a} eat a {b}?', 'animal'],
  ['subject-object', 'Did {a} call {b} yesterday?', 'person'],
  ['subject-object', 'How can a {a} evict a {b}?', 'role'],
  ['written-directed', 'Which film was written by {a} and directed by {b}?', 'person'],
  ['written-directed', 'A song composed by {a} and sung by {b}', 'person'],
  ['written-directed', 'The book translated by {a} and edited by {b}', 'person'],
  ['possessive', "What does {a}'s mother think of {b}?", 'person'],
  ['possessive', "Did {a}'s dog bite {b}'s cat?", 'person'],
  ['possessive', "Is {a}'s brother older than {b}?", 'person'],
  ['adjective', 'The {a} ship attacked the {b} fleet', 'nation'],
  ['adjective', 'Why did the {a} army invade the {b} border?', 'nation'],
  ['adjective', 'Did the {a} king marry the {b} princess?', 'nation'],
  ['passive-trap', 'Was {a} acquired by {b}?', 'company'],
  ['passive-trap', 'Was {a} interviewed by {b}?', 'person'],
];

/** Active/passive traps that are not swaps: the passive's agent becomes the active's object. */
const PASSIVE_TRAPS: readonly (readonly [string, string, string])[] = [
  ['Was {a} acquired by {b}?', 'Did {a} acquire {b}?', 'company'],
  ['Was {a} interviewed by {b}?', 'Did {a} interview {b}?', 'person'],
  ['Was {a} replaced by {b}?', 'Did {a} replace {b}?', 'tool'],
];

const PARAPHRASE_TEMPLATES: readonly (readonly [name: string, cached: string, asked: string, kinds: readonly string[]])[] = [
  ['moved-phrase', 'In {y}, did {a} acquire {b}?', 'Did {a} acquire {b} in {y}?', ['company', 'year']],
  ['moved-phrase', 'Flights from {a} to {b}', 'Flights to {b} from {a}', ['city']],
  ['moved-phrase', 'How do I convert {a} to {b} in Excel?', 'In Excel, how do I convert {a} to {b}?', ['unit']],
  ['moved-phrase', 'If it rains in {a}, is the match in {b} cancelled?', 'Is the match in {b} cancelled if it rains in {a}?', ['city']],
  ['conjunction', 'Compare {a} and {b}', 'Compare {b} and {a}', ['tool']],
  ['conjunction', 'What is the difference between {a} and {b}?', 'What is the difference between {b} and {a}?', ['tool']],
  ['conjunction', 'What is {a} and what is {b}?', 'What is {b} and what is {a}?', ['tool']],
  ['conjunction', 'Did {a} and {b} both sue {c}?', 'Did {b} and {a} both sue {c}?', ['company']],
  ['passive', 'Was {b} acquired by {a}?', 'Did {a} acquire {b}?', ['company']],
  ['passive', 'Was {b} interviewed by {a}?', 'Did {a} interview {b}?', ['person']],
  ['possessive', 'What is the population of {a}?', "What is {a}'s population?", ['city']],
];

/** Real sentences written for this set: [cached, asked, label]. */
const WRITTEN: readonly (readonly [string, string, 'swap' | 'paraphrase'])[] = [
  ['Can a tenant sue the landlord for a broken heater?', 'Can the landlord sue a tenant for a broken heater?', 'swap'],
  ['Does the employer pay the employee for overtime?', 'Does the employee pay the employer for overtime?', 'swap'],
  ['Can my landlord evict me without notice?', 'Can I evict my landlord without notice?', 'swap'],
  ['Why do cats chase mice?', 'Why do mice chase cats?', 'swap'],
  ['How much does a dog weigh compared to a cat?', 'How much does a cat weigh compared to a dog?', 'swap'],
  ['Is coffee worse for you than tea?', 'Is tea worse for you than coffee?', 'swap'],
  ['Does the server send the token to the client?', 'Does the client send the token to the server?', 'swap'],
  ['Should the parent pay for the child or the child for the parent?', 'Should the child pay for the parent or the parent for the child?', 'swap'],
  ['How do I copy files from the container to the host?', 'How do I copy files from the host to the container?', 'swap'],
  ['Does the primary replicate to the replica?', 'Does the replica replicate to the primary?', 'swap'],
  ['Can a bank charge a customer a fee for closing an account?', 'Can a customer charge a bank a fee for closing an account?', 'swap'],
  ['Does the doctor need the patient consent form?', 'Does the patient need the doctor consent form?', 'swap'],
  ['Is the hare faster than the tortoise?', 'Is the tortoise faster than the hare?', 'swap'],
  ['Who inherits when the husband dies before the wife?', 'Who inherits when the wife dies before the husband?', 'swap'],
  ['Can the teacher grade the student on attendance?', 'Can the student grade the teacher on attendance?', 'swap'],
  ['Does the buyer pay the seller the deposit?', 'Does the seller pay the buyer the deposit?', 'swap'],
  ['Does a landlord owe a tenant interest on the deposit?', 'Does a tenant owe a landlord interest on the deposit?', 'swap'],
  ['How do I merge the feature branch into the main branch?', 'How do I merge the main branch into the feature branch?', 'swap'],
  ['Should the cache expire before the session?', 'Should the session expire before the cache?', 'swap'],
  ['Does the parent process wait for the child process?', 'Does the child process wait for the parent process?', 'swap'],
  ['In 2008, did the bank lend money to the government?', 'Did the bank lend money to the government in 2008?', 'paraphrase'],
  ['How do I sort a list by date in Python?', 'In Python, how do I sort a list by date?', 'paraphrase'],
  ['What are the pros and cons of remote work?', 'What are the cons and pros of remote work?', 'paraphrase'],
  ['If the disk is full, why does the database crash?', 'Why does the database crash if the disk is full?', 'paraphrase'],
  ['How do I reset the password of my router?', 'How do I reset my router password?', 'paraphrase'],
  ['Before the interview, what should I read?', 'What should I read before the interview?', 'paraphrase'],
  ['Is salt or sugar worse for the heart?', 'Is sugar or salt worse for the heart?', 'paraphrase'],
  ['During a storm, is it safe to shower?', 'Is it safe to shower during a storm?', 'paraphrase'],
  ['Was the contract signed by the tenant?', 'Did the tenant sign the contract?', 'paraphrase'],
  ['After a workout, should I eat protein?', 'Should I eat protein after a workout?', 'paraphrase'],
];

function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w)\}/g, (_, slot: string) => values[slot]!);
}

function half(words: readonly string[], split: Split): string[] {
  return words.filter((_, index) => index % 2 === (split === 'tune' ? 0 : 1));
}

/** All ordered pairs of distinct words, shuffled, at most `limit`. */
function orderedPairs(words: readonly string[], random: () => number, limit: number): [string, string][] {
  const pairs: [string, string][] = [];
  for (const first of words) for (const second of words) if (first !== second) pairs.push([first, second]);
  for (let index = pairs.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [pairs[index], pairs[other]] = [pairs[other]!, pairs[index]!];
  }
  return pairs.slice(0, limit);
}

export function generateWordSwapPairs(seed = 17): WordSwapPair[] {
  const random = seededRandom(seed);
  const pairs: WordSwapPair[] = [];
  for (const split of ['tune', 'test'] as const) {
    for (const [template, text, kind] of SWAP_TEMPLATES) {
      for (const [a, b] of orderedPairs(half(VOCABULARY[kind]!, split), random, 36)) {
        pairs.push({ cached: fill(text, { a, b }), asked: fill(text, { a: b, b: a }), label: 'swap', template, split });
      }
    }
    for (const [passive, active, kind] of PASSIVE_TRAPS) {
      for (const [a, b] of orderedPairs(half(VOCABULARY[kind]!, split), random, 12)) {
        pairs.push({ cached: fill(passive, { a, b }), asked: fill(active, { a, b }), label: 'swap', template: 'passive-trap', split });
      }
    }
    for (const [template, cached, asked, kinds] of PARAPHRASE_TEMPLATES) {
      const [kind, extra] = kinds;
      const words = half(VOCABULARY[kind!]!, split);
      for (const [a, b] of orderedPairs(words, random, 12)) {
        const c = words.find((word) => word !== a && word !== b)!;
        const y = extra ? half(VOCABULARY[extra]!, split)[Math.floor(random() * 4)]! : '';
        pairs.push({ cached: fill(cached, { a, b, c, y }), asked: fill(asked, { a, b, c, y }), label: 'paraphrase', template, split });
      }
    }
  }
  WRITTEN.forEach(([cached, asked, label], index) => {
    pairs.push({ cached, asked, label, template: 'written', split: index % 2 === 0 ? 'tune' : 'test' });
  });
  return pairs;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: fileURLToPath(new URL('../test/data/word-swap-pairs.json', import.meta.url)) } },
  });
  const pairs = generateWordSwapPairs();
  writeFileSync(values.out, `${JSON.stringify(pairs, null, 1)}\n`);
  const count = (label: string, split: string) => pairs.filter((pair) => pair.label === label && pair.split === split).length;
  process.stdout.write(
    `${pairs.length} pairs: swaps ${count('swap', 'tune')} tune / ${count('swap', 'test')} test, ` +
      `paraphrases ${count('paraphrase', 'tune')} tune / ${count('paraphrase', 'test')} test\n`,
  );
}
