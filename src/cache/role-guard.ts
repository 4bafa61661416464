/**
 * The word-order and role guard. Two questions that share (nearly) the same content words are
 * compared on the roles those words play: "flights from Paris to London" is not "flights from
 * London to Paris", "can a tenant sue the landlord?" is not "can the landlord sue a tenant?".
 *
 * English first. Each question becomes a sequence of content words (lower case, lightly stemmed,
 * pronouns folded to one case: "me" = "I"), role markers (prepositions, "than", "vs", subordinators)
 * and clause boundaries (sentence punctuation, "and", "or", "but"). Only the words the two questions
 * share are compared. Three rewrites count as the same question:
 * - prepositional phrases moved inside a clause, with their marker ("X did Y in 2019" = "In 2019,
 *   X did Y"; "from A to B" = "to B from A");
 * - clauses, or the two sides of "A and B" / "A or B", in another order;
 * - a passive with "by" turned active ("B was beaten by A" = "A beat B").
 * Two blocks exchanged around words that stay in place refuse the hit, and so does any other order
 * change between near anagrams (95 % of content words shared); deeper rewordings are left to the
 * other guards. Text that does not read
 * as English gets no rewrites at all: any
 * change in the order of the shared words refuses (when unsure, refuse). "Not English" means a
 * letter outside the Latin script, a frequent French, Spanish, Portuguese, Italian, German or Dutch
 * function word (a keyword query with no function words at all still reads as English).
 *
 * Every step is linear in the length of the questions, or works in windows of bounded size.
 */

import { BOUNDARY, CONTENT, MARKER, MAX_CONJUNCT, MAX_TOKENS, POSSESSIVE, type RoleFacts } from './role-facts.js';

export { roleFacts, type RoleFacts } from './role-facts.js';

/** Why the role guard refused: the shared words whose roles differ, and the two clauses as compared. */
export type RoleDifference = {
  /** `swap`: two blocks exchanged around a fixed frame; `reorder`: near anagrams in an order no rewrite explains; `order`: not English, and the order differs. */
  readonly kind: 'swap' | 'reorder' | 'order';
  readonly words: readonly string[];
  readonly question: string;
  readonly candidate: string;
};

/** Share of the larger question's content words that must be shared before roles are compared (English). */
const MIN_SHARED_FRACTION = 0.75;
/** Above this share (tuned on the `tune` half of test/data/word-swap-pairs.json), two English questions are near anagrams: an order change no rewrite explains refuses. */
const ANAGRAM_FRACTION = 0.95;
/** Longest phrase a rotation may move to the other end of a clause ("in 2019", "if it rains"). */
const MAX_MOVED = 8;/** Clauses left unmatched after exact matching that are still paired up; more refuses. */
const MAX_UNMATCHED = 4;/** Characters of a clause quoted in a rejection. */
const MAX_QUOTED = 80;

/**
 * Returns how the roles of the shared words differ, or undefined when they do not (or when the two
 * questions share too few words for roles to be compared).
 */
export function roleDifference(question: RoleFacts, candidate: RoleFacts): RoleDifference | undefined {
  if (question.isTruncated || candidate.isTruncated) {
    return { kind: 'order', words: [], question: `over ${MAX_TOKENS} words: too long to compare roles`, candidate: '' };
  }
  const questionCounts = contentCounts(question);
  const candidateCounts = contentCounts(candidate);
  const shared = new Map<string, number>();
  let sharedTotal = 0;
  for (const [word, count] of questionCounts.counts) {
    const other = candidateCounts.counts.get(word);
    if (other === undefined) continue;
    shared.set(word, Math.min(count, other));
    sharedTotal += Math.min(count, other);
  }
  if (sharedTotal < 2) return undefined;
  const isEnglish = question.isEnglish && candidate.isEnglish;
  if (isEnglish && sharedTotal < MIN_SHARED_FRACTION * Math.max(questionCounts.total, candidateCounts.total)) return undefined;
  const markers = sharedMarkers(question, candidate);
  const left = project(question, shared, markers);
  const right = project(candidate, shared, markers);
  if (!isEnglish) {
    const leftWords = left.filter((token) => token.kind === CONTENT).map((token) => token.text).join(' ');
    const rightWords = right.filter((token) => token.kind === CONTENT).map((token) => token.text).join(' ');
    return leftWords === rightWords ? undefined : difference('order', left, right, truncate(leftWords), truncate(rightWords));
  }
  const leftClauses = clauses(sortConjuncts(left));
  const rightClauses = clauses(sortConjuncts(right));
  const unmatched = new Map<string, number>();
  for (const clause of leftClauses) unmatched.set(clause.canonical, (unmatched.get(clause.canonical) ?? 0) + 1);
  const rightLeft: Clause[] = [];
  for (const clause of rightClauses) {
    const count = unmatched.get(clause.canonical) ?? 0;
    if (count > 0) unmatched.set(clause.canonical, count - 1);
    else rightLeft.push(clause);
  }
  const leftLeft = leftClauses.filter((clause) => {
    const count = unmatched.get(clause.canonical) ?? 0;
    if (count === 0) return false;
    unmatched.set(clause.canonical, count - 1);
    return true;
  });
  if (leftLeft.length === 0 && rightLeft.length === 0) return undefined;
  if (leftLeft.length === rightLeft.length && leftLeft.length <= MAX_UNMATCHED && pairUp(leftLeft, rightLeft)) return undefined;
  const swap = exchange(left, right);
  if (swap) return { kind: 'swap', words: swap, question: quote(leftLeft[0]), candidate: quote(rightLeft[0]) };
  if (sharedTotal >= ANAGRAM_FRACTION * Math.max(questionCounts.total, candidateCounts.total)) {
    return difference('reorder', left, right, quote(leftLeft[0]), quote(rightLeft[0]));
  }
  // Reworded more deeply than a swap: roles cannot be told apart, the other guards and the threshold decide.
  return undefined;
}

/** Whether every clause left over on one side is the other's with a phrase moved from one end to the other. */
function pairUp(leftLeft: readonly Clause[], rightLeft: readonly Clause[]): boolean {
  const used = new Uint8Array(rightLeft.length);
  for (const clause of leftLeft) {
    let match = -1;
    for (let index = 0; index < rightLeft.length && match < 0; index++) {
      if (!used[index] && (isRotation(clause, rightLeft[index]!) || isRotation(rightLeft[index]!, clause))) match = index;
    }
    if (match < 0) return false;
    used[match] = 1;
  }
  return true;
}

/**
 * The words of X and Y when `right` is `left` with two blocks exchanged around a middle that stays
 * in place (X M Y → Y M X: "from Paris to London", "tenant sues landlord", "A's mother's doctor").
 * Undefined when there is no such exchange, or when the middle is only "and"/"or" (the two sides
 * of a coordination) or empty (a phrase moved, not a role). Blocks of up to MAX_CONJUNCT tokens.
 */
function exchange(left: readonly Token[], right: readonly Token[]): string[] | undefined {
  if (left.length !== right.length) return undefined;
  let start = 0;
  while (start < left.length && left[start]!.key === right[start]!.key) start++;
  let end = left.length - 1;
  while (end > start && left[end]!.key === right[end]!.key) end--;
  const window = end - start + 1;
  for (let first = 1; first <= MAX_CONJUNCT && first < window; first++) {
    for (let second = 1; second <= MAX_CONJUNCT && first + second < window; second++) {
      // left: X (first) M Y (second); right: Y M X.
      if (!same(left, start, right, end - first + 1, first) || !same(right, start, left, end - second + 1, second)) continue;
      const middle = window - first - second;
      if (middle === 0) continue;
      if (!same(left, start + first, right, start + second, middle)) continue;
      if (middle === 1 && (left[start + first]!.text === 'and' || left[start + first]!.text === 'or')) continue;
      const words = [...left.slice(start, start + first), ...left.slice(end - second + 1, end + 1)];
      return words.filter((token) => token.kind === CONTENT).map((token) => token.text);
    }
  }
  return undefined;
}

function same(left: readonly Token[], leftStart: number, right: readonly Token[], rightStart: number, length: number): boolean {
  for (let offset = 0; offset < length; offset++) if (left[leftStart + offset]!.key !== right[rightStart + offset]!.key) return false;
  return true;
}

type Token = { readonly text: string; readonly key: string; readonly kind: number };
type Clause = { readonly tokens: readonly Token[]; readonly canonical: string };

function contentCounts(facts: RoleFacts): { counts: Map<string, number>; total: number } {
  const counts = new Map<string, number>();
  let total = 0;
  for (let index = 0; index < facts.kinds.length; index++) {
    if (facts.kinds[index] !== CONTENT) continue;
    counts.set(facts.keys[index]!, (counts.get(facts.keys[index]!) ?? 0) + 1);
    total++;
  }
  return { counts, total };
}

/** Markers that occur as often in both questions ("to" as in "how to" is dropped when unbalanced), and always "by". */
function sharedMarkers(question: RoleFacts, candidate: RoleFacts): Set<string> {
  const count = (facts: RoleFacts) => {
    const counts = new Map<string, number>();
    for (let index = 0; index < facts.kinds.length; index++) {
      if (facts.kinds[index] === MARKER) counts.set(facts.texts[index]!, (counts.get(facts.texts[index]!) ?? 0) + 1);
    }
    return counts;
  };
  const left = count(question);
  const right = count(candidate);
  const kept = new Set<string>(['by']);
  for (const [marker, times] of left) if (right.get(marker) === times) kept.add(marker);
  return kept;
}

/** The question reduced to the shared content words (first occurrences), kept markers and boundaries. */
function project(facts: RoleFacts, shared: ReadonlyMap<string, number>, markers: ReadonlySet<string>): Token[] {
  const remaining = new Map(shared);
  const tokens: Token[] = [];
  for (let index = 0; index < facts.kinds.length; index++) {
    const kind = facts.kinds[index]!;
    const key = facts.keys[index]!;
    if (kind === CONTENT) {
      const left = remaining.get(key) ?? 0;
      if (left === 0) continue;
      remaining.set(key, left - 1);
    } else if (kind === MARKER && !markers.has(key)) {
      continue;
    } else if (kind === POSSESSIVE && tokens[tokens.length - 1]?.kind !== CONTENT) {
      continue;
    }
    tokens.push({ text: facts.texts[index]!, key, kind });
  }
  return tokens;
}

/** Puts the two sides of each "X and Y" / "X or Y" (content runs of equal length) in sorted order. */
function sortConjuncts(tokens: Token[]): Token[] {
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind !== BOUNDARY || (token.text !== 'and' && token.text !== 'or')) continue;
    let before = 0;
    while (before < MAX_CONJUNCT && index - before - 1 >= 0 && tokens[index - before - 1]!.kind === CONTENT) before++;
    let after = 0;
    while (after < MAX_CONJUNCT && index + after + 1 < tokens.length && tokens[index + after + 1]!.kind === CONTENT) after++;
    const length = Math.min(before, after);
    if (length === 0) continue;
    const leftSide = tokens.slice(index - length, index);
    const rightSide = tokens.slice(index + 1, index + 1 + length);
    if (joined(rightSide) < joined(leftSide)) {
      tokens.splice(index - length, length, ...rightSide);
      tokens.splice(index + 1, length, ...leftSide);
    }
  }
  return tokens;
}

function clauses(tokens: readonly Token[]): Clause[] {
  const result: Clause[] = [];
  let start = 0;
  for (let index = 0; index <= tokens.length; index++) {
    if (index < tokens.length && tokens[index]!.kind !== BOUNDARY) continue;
    if (index > start) {
      const clause = tokens.slice(start, index);
      if (clause.some((token) => token.kind === CONTENT)) result.push({ tokens: clause, canonical: canonical(clause) });
    }
    start = index + 1;
  }
  return result;
}

/** The words before the first marker in order, then each marker's phrase, phrases sorted. */
function canonical(tokens: readonly Token[]): string {
  const head: string[] = [];
  const phrases: string[] = [];
  let phrase: string[] | undefined;
  for (const token of tokens) {
    if (token.kind === POSSESSIVE) {
      (phrase ?? head).push(token.text);
    } else if (token.kind === MARKER) {
      if (phrase) phrases.push(phrase.join(' '));
      phrase = [token.text];
    } else if (phrase) {
      phrase.push(token.text);
    } else {
      head.push(token.text);
    }
  }
  if (phrase) phrases.push(phrase.join(' '));
  phrases.sort();
  return `${head.join(' ')}|${phrases.join('|')}`;
}

/** Whether moving a phrase that starts with a marker, from either end of `clause`, to the other end gives `other`. */
function isRotation(clause: Clause, other: Clause): boolean {
  const tokens = clause.tokens;
  if (tokens.length !== other.tokens.length) return false;
  const length = tokens.length;
  for (let offset = 1; offset < length; offset++) {
    if (offset > MAX_MOVED && length - offset > MAX_MOVED) offset = length - MAX_MOVED;
    // The phrase moved starts with its marker: a leading phrase to the end, or a trailing one to the front.
    const isLeadingPhrase = tokens[0]!.kind === MARKER && offset <= MAX_MOVED;
    const isTrailingPhrase = tokens[offset]!.kind === MARKER && length - offset <= MAX_MOVED;
    if (!isLeadingPhrase && !isTrailingPhrase) continue;
    const rotated = [...tokens.slice(offset), ...tokens.slice(0, offset)];
    if (canonical(rotated) === other.canonical) return true;
  }
  return false;
}

function joined(tokens: readonly Token[]): string {
  return tokens.map((token) => token.text).join(' ');
}

function quote(clause: Clause | undefined): string {
  return clause ? truncate(joined(clause.tokens.slice(0, MAX_QUOTED))) : '';
}

function truncate(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

/** The shared content words whose neighbours differ between the two projections (at most 6 named). */
function difference(kind: RoleDifference['kind'], left: readonly Token[], right: readonly Token[], question: string, candidate: string): RoleDifference {
  const context = (tokens: readonly Token[]) => {
    const contexts = new Map<string, string>();
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index]!;
      if (token.kind !== CONTENT || contexts.has(token.key)) continue;
      contexts.set(token.key, `${tokens[index - 1]?.text ?? ''} ${tokens[index + 1]?.text ?? ''}`);
    }
    return contexts;
  };
  const leftContexts = context(left);
  const rightContexts = context(right);
  const words: string[] = [];
  for (const [word, around] of leftContexts) {
    if (words.length === 6) break;
    if (rightContexts.get(word) !== around) words.push(word);
  }
  return { kind, words, question, candidate };
}
