import { compact, normalizeText, quotedSpans, WORD_PATTERN } from './question-text.js';
import { roleFacts, type RoleFacts } from './role-facts.js';
import { roleDifference } from './role-guard.js';

/** Why a semantic candidate was turned down. */
export type GuardRejection = 'negation' | 'number' | 'entity' | 'role';

/** A guard that refused, and what differed ("numbers differ: 3 vs 5"). */
export type GuardVerdict = { readonly guard: GuardRejection; readonly detail: string };

/** Which guards run on a semantic candidate. All default to on. */
export type GuardOptions = {
  /** Reject when the two questions carry a different number of negations ("safe" vs "not safe"). @default true */
  readonly negation?: boolean;
  /** Reject when the numbers differ ("3 days" vs "5 days", "two" vs "2" count as equal). @default true */
  readonly numbers?: boolean;
  /** Reject when a named entity of one question (capitalized, acronym, camelCase, quoted) is absent from the other. @default true */
  readonly entities?: boolean;
  /**
   * Reject when the two questions share (nearly) the same content words in different roles: "from
   * Paris to London" vs "from London to Paris", subject and object swapped, the sides of "A vs B".
   * English first; other languages refuse any change of word order (see docs/cache.md). @default true
   */
  readonly roles?: boolean;
};

const NOT_WORD_CHARS = /[^\p{L}\p{N}]+/gu;

const NEGATIONS = new Set([
  'not', 'no', 'never', 'none', 'nothing', 'nobody', 'nowhere', 'neither', 'nor', 'without', 'cannot',
  'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'shouldnt',
  'couldnt', 'hasnt', 'havent', 'hadnt', 'mustnt', 'neednt', 'aint', 'non', 'unsafe', 'avoid', 'except',
]);

const NUMBER_WORDS = new Map<string, string>([
  ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'], ['five', '5'], ['six', '6'],
  ['seven', '7'], ['eight', '8'], ['nine', '9'], ['ten', '10'], ['eleven', '11'], ['twelve', '12'],
  ['twenty', '20'], ['thirty', '30'], ['forty', '40'], ['fifty', '50'], ['hundred', '100'],
  ['thousand', '1000'], ['million', '1000000'], ['billion', '1000000000'], ['first', '1'], ['second', '2'],
  ['third', '3'], ['half', '0.5'], ['twice', '2'], ['double', '2'], ['once', '1'],
]);

/** Capitalized words that start questions and say nothing about what is asked. */
const COMMON_CAPITALIZED = new Set(['i', 'what', 'how', 'why', 'when', 'where', 'who', 'which', 'is', 'are', 'can', 'do', 'does', 'the', 'a', 'an']);

/** The facts about a question the guards compare; computed once per question. */
export type QuestionFacts = {
  readonly negations: number;
  readonly numbers: string;
  readonly entities: readonly string[];
  readonly compactText: string;
  readonly roles: RoleFacts;
  /** Every word in its compact form, so most entity checks are a lookup, not a search. */
  readonly compactWords: ReadonlySet<string>;
};

/** How many characters of the other question the entity searches may scan, per character of it. */
const ENTITY_SEARCH_FACTOR = 8;
const ENTITY_SEARCH_MIN = 4096;

export function questionFacts(question: string): QuestionFacts {
  const text = normalizeText(question);
  let negations = 0;
  const numbers: string[] = [];
  const entities: string[] = [];
  const compactWords = new Set<string>();
  let previousEnd = 0;
  for (const match of text.matchAll(WORD_PATTERN)) {
    const token = match[0];
    const lower = token.toLowerCase();
    compactWords.add(lower.replace(NOT_WORD_CHARS, ''));
    if (NEGATIONS.has(lower.replace(/['’]/g, '')) || /n['’]t$/.test(lower)) negations++;
    const number = numberOf(lower);
    if (number !== undefined) numbers.push(number);
    const between = text.slice(previousEnd, match.index);
    const isSentenceStart = previousEnd === 0 || /[.?!:;\n]/.test(between);
    if (!COMMON_CAPITALIZED.has(lower) && isEntity(token, isSentenceStart)) entities.push(compact(token));
    previousEnd = match.index + token.length;
  }
  for (const quoted of quotedSpans(text)) entities.push(compact(quoted));
  numbers.sort();
  return { negations, numbers: numbers.join(' '), entities: [...new Set(entities)], compactText: compact(text), compactWords, roles: roleFacts(text) };
}

/** Returns why `candidate` must not answer `question`, or undefined when the guards pass. */
export function checkGuards(question: QuestionFacts, candidate: QuestionFacts, options: GuardOptions = {}): GuardRejection | undefined {
  return guardVerdicts(question, candidate, options, false)[0]?.guard;
}

/**
 * The guards that refuse `candidate` as an answer to `question`, with what differed: the first one
 * only, or with `isExhaustive` every guard that would (for shadow-mode counts). Empty when they pass.
 */
export function guardVerdicts(question: QuestionFacts, candidate: QuestionFacts, options: GuardOptions, isExhaustive: boolean): GuardVerdict[] {
  const verdicts: GuardVerdict[] = [];
  if (options.negation !== false && question.negations !== candidate.negations) {
    verdicts.push({ guard: 'negation', detail: `negations differ: ${question.negations} in the question, ${candidate.negations} in the cached one` });
    if (!isExhaustive) return verdicts;
  }
  if (options.numbers !== false && question.numbers !== candidate.numbers) {
    verdicts.push({ guard: 'number', detail: `numbers differ: "${clip(question.numbers)}" vs "${clip(candidate.numbers)}"` });
    if (!isExhaustive) return verdicts;
  }
  if (options.entities !== false) {
    const missing = missingEntity(question, candidate);
    if (missing) {
      verdicts.push({ guard: 'entity', detail: missing });
      if (!isExhaustive) return verdicts;
    }
  }
  if (options.roles !== false) {
    const difference = roleDifference(question.roles, candidate.roles);
    if (difference) {
      const words = difference.words.length > 0 ? ` (${difference.words.join(', ')})` : '';
      verdicts.push({ guard: 'role', detail: `roles differ${words}: "${difference.question}" vs "${difference.candidate}"` });
    }
  }
  return verdicts;
}

function missingEntity(question: QuestionFacts, candidate: QuestionFacts): string | undefined {
  const inCandidate = firstMissingEntity(question.entities, candidate);
  if (inCandidate !== undefined) return `"${clip(inCandidate)}" is missing from the cached question`;
  const inQuestion = firstMissingEntity(candidate.entities, question);
  return inQuestion === undefined ? undefined : `"${clip(inQuestion)}" is missing from the question`;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * The first entity that does not occur in `other` (as one of its words, else anywhere in its compact text).
 * The searches are capped so that two long questions full of names stay linear; past the cap an
 * entity counts as missing, which costs at worst a cache miss, never a wrong hit.
 */
function firstMissingEntity(entities: readonly string[], other: QuestionFacts): string | undefined {
  let budget = ENTITY_SEARCH_FACTOR * other.compactText.length + ENTITY_SEARCH_MIN;
  for (const entity of entities) {
    if (!entity || other.compactWords.has(entity)) continue;
    const at = other.compactText.indexOf(entity);
    budget -= (at === -1 ? other.compactText.length : at) + entity.length;
    if (at === -1 || budget < 0) return entity;
  }
  return undefined;
}

function numberOf(lower: string): string | undefined {
  const word = NUMBER_WORDS.get(lower);
  if (word !== undefined) return word;
  if (!/\d/.test(lower)) return undefined;
  const digits = lower.replace(/,(?=\d{3}\b)/g, '');
  const value = Number(digits);
  return Number.isFinite(value) ? String(value) : digits;
}

/** Proper nouns, acronyms, camelCase and alphanumeric names; a capitalized first word only when it is not plain Title case. */
function isEntity(token: string, isSentenceStart: boolean): boolean {
  const first = token[0]!;
  if (first.toLowerCase() === first.toUpperCase() && !/\p{N}/u.test(first)) return false;
  const rest = token.slice(1);
  const hasInnerCapital = rest !== rest.toLowerCase();
  const hasLetterAndDigit = /\p{L}/u.test(token) && /\p{N}/u.test(token);
  if (hasInnerCapital || hasLetterAndDigit) return true;
  return !isSentenceStart && first !== first.toLowerCase();
}
