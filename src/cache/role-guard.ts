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
 * Anything else that changes the order of the shared words refuses the hit. Text that does not read
 * as English (another script, or almost no English function words) gets no rewrites at all: any
 * change in the order of the shared words refuses (when unsure, refuse). "Not English" means a
 * letter outside the Latin script, a frequent French, Spanish, Portuguese, Italian, German or Dutch
 * function word, or English function words in less than a sixth of the words.
 *
 * Every step is linear in the length of the questions, or works in windows of bounded size.
 */

/** The facts about one question the role guard compares; computed once per question. */
export type RoleFacts = {
  /** Lemmas of the analysed tokens (`"`'s"` kept on possessives: `alice's`). */
  readonly texts: readonly string[];
  /** Per token: CONTENT, MARKER or BOUNDARY. */
  readonly kinds: Uint8Array;
  /** Per token: the lemma a content word is counted under (possessive stripped); the text otherwise. */
  readonly keys: readonly string[];
  readonly isEnglish: boolean;
  /** Longer than MAX_TOKENS words: only a prefix was read, so roles cannot be vouched for. */
  readonly isTruncated: boolean;
};

/** Why the role guard refused: the shared words whose roles differ, and the two clauses as compared. */
export type RoleDifference = {
  /** `swap`: two blocks exchanged around a fixed frame; `reorder`: near anagrams in an order no rewrite explains; `order`: not English, and the order differs. */
  readonly kind: 'swap' | 'reorder' | 'order';
  readonly words: readonly string[];
  readonly question: string;
  readonly candidate: string;
};

const CONTENT = 0;
const MARKER = 1;
const BOUNDARY = 2;
/** The "'s" of a possessive, after its owner: it stays inside its phrase. */
const POSSESSIVE = 3;

/** Share of the larger question's content words that must be shared before roles are compared (English). */
const MIN_SHARED_FRACTION = 0.75;
/** Above this share (tuned on the `tune` half of test/data/word-swap-pairs.json), two English questions are near anagrams: an order change no rewrite explains refuses. */
const ANAGRAM_FRACTION = 0.95;
/** Longest phrase a rotation may move to the other end of a clause ("in 2019", "if it rains"). */
const MAX_MOVED = 8;
/** Longest conjunct on either side of "and"/"or" that may be swapped. */
const MAX_CONJUNCT = 8;
/** Clauses left unmatched after exact matching that are still paired up; more refuses. */
const MAX_UNMATCHED = 4;
/** Words read from a question; a longer one is refused unless it is the same text (when unsure, refuse). */
const MAX_TOKENS = 4_096;
/** Characters read from a question, on the same terms. */
const MAX_CHARACTERS = 32_768;
/** Characters of a clause quoted in a rejection. */
const MAX_QUOTED = 80;

const IGNORED = new Set(
  ('a an the is are was were be been being am do does did done can could should would will shall may ' +
    'might must has have had there here some any all each every more most such very just also please tell ' +
    'explain describe what which who whom whose how why when where this that these those it its its ' +
    'itself not no never nor cannot dont doesnt didnt isnt arent wasnt werent wont cant get gets got ' +
    'really actually exactly possible possibly one ones someone something anyone anything ever')
    .split(' '),
);

const MARKERS = new Set(
  ('from to by than vs versus against into onto of for with over under between toward towards via at ' +
    'in on about after before during since until till within across through throughout like as per among ' +
    'amongst behind beyond upon near inside outside without if because unless although though whereas')
    .split(' '),
);

const COORDINATORS = new Set(['and', 'or', 'but', 'while', 'then', 'plus']);

const PRONOUNS = new Map<string, string>([
  ['i', 'i'], ['me', 'i'], ['my', 'i'], ['mine', 'i'], ['myself', 'i'],
  ['we', 'we'], ['us', 'we'], ['our', 'we'], ['ours', 'we'], ['ourselves', 'we'],
  ['you', 'you'], ['your', 'you'], ['yours', 'you'], ['yourself', 'you'],
  ['he', 'he'], ['him', 'he'], ['his', 'he'], ['himself', 'he'],
  ['she', 'she'], ['her', 'she'], ['hers', 'she'], ['herself', 'she'],
  ['they', 'they'], ['them', 'they'], ['their', 'they'], ['theirs', 'they'], ['themselves', 'they'],
]);

/**
 * Frequent function words of French, Spanish, Portuguese, Italian, German and Dutch that are not
 * English words: one of them marks a question as not English.
 */
const FOREIGN = new Set(
  ('le la les des du une et est dans pour avec sur qui sont pas ne der das und ist nicht ein eine mit von zu ' +
    'auf für el los las por para con que del es lo gli di che per non het een van zijn um uma não também')
    .split(' '),
);

const PASSIVE_AUXILIARIES = new Set(['is', 'are', 'was', 'were', 'be', 'been', 'being', 'am', 'get', 'gets', 'got']);

/** Scripts written without spaces: each character is a token. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;
const TOKEN = /[\p{L}\p{N}]+(?:['’.\-][\p{L}\p{N}]+)*|[.?!;:]/gu;
const NON_LATIN_LETTER = /[^\P{L}\p{Script=Latin}]/u;

export function roleFacts(question: string): RoleFacts {
  if (question.length > MAX_CHARACTERS) return { texts: [], keys: [], kinds: new Uint8Array(0), isEnglish: false, isTruncated: true };
  const text = question.normalize('NFKC').toLowerCase().replace(UNSPACED, ' $& ');
  const raw: string[] = [];
  let isTruncated = false;
  for (const match of text.matchAll(TOKEN)) {
    if (raw.length === MAX_TOKENS) {
      isTruncated = true;
      break;
    }
    raw.push(match[0]);
  }
  const texts: string[] = [];
  const keys: string[] = [];
  const kinds: number[] = [];
  let functionWords = 0;
  let words = 0;
  let foreignWords = 0;
  // Whether a form of "be" came earlier in this clause ("was Rome defeated by", "Rome was defeated by").
  let hasAuxiliary = false;
  for (let index = 0; index < raw.length; index++) {
    const token = raw[index]!.replace(/’/g, "'");
    if (token.length === 1 && '.?!;:'.includes(token)) {
      push(texts, keys, kinds, token, token, BOUNDARY);
      hasAuxiliary = false;
      continue;
    }
    words++;
    if (FOREIGN.has(token)) foreignWords++;
    if (PASSIVE_AUXILIARIES.has(token)) hasAuxiliary = true;
    const bare = token.replace(/'/g, '');
    if (COORDINATORS.has(token)) {
      functionWords++;
      hasAuxiliary = false;
      push(texts, keys, kinds, token, token, BOUNDARY);
    } else if (MARKERS.has(token)) {
      functionWords++;
      push(texts, keys, kinds, token, token, MARKER);
    } else if (IGNORED.has(bare) || /n't$/.test(token) || /'(?:re|ve|ll|d|m)$/.test(token) || token === "it's" || token === "that's") {
      functionWords++;
    } else if (PRONOUNS.has(token)) {
      functionWords++;
      const pronoun = PRONOUNS.get(token)!;
      push(texts, keys, kinds, pronoun, pronoun, CONTENT);
    } else if (
      // "B was beaten by A": the agent is moved in front, so the sentence reads as its active form.
      hasAuxiliary && raw[index + 1] === 'by' && isWord(raw[index + 2])
    ) {
      index = pushPassive(raw, index, texts, keys, kinds);
    } else {
      const isPossessive = /'s?$/.test(token) && token.length > 2;
      const lemma = stem(isPossessive ? token.replace(/'s?$/, '') : bare);
      push(texts, keys, kinds, lemma, lemma, CONTENT);
      if (isPossessive) push(texts, keys, kinds, "'s", "'s", POSSESSIVE);
    }
  }
  // A keyword query ("router reset steps") has no function words and still reads as English.
  const isEnglish = !NON_LATIN_LETTER.test(text) && foreignWords === 0;
  if (!isEnglish) return { texts, keys, kinds: Uint8Array.from(kinds), isEnglish, isTruncated };
  const owned = ownerFirst(texts, keys, kinds);
  return { texts: owned.texts, keys: owned.keys, kinds: Uint8Array.from(owned.kinds), isEnglish, isTruncated };
}

/**
 * Writes every possession owner first, as a compound: "the password of my router" and "my router's
 * password" both read "I router password", and "the capital of France" reads "France capital".
 */
function ownerFirst(texts: readonly string[], keys: readonly string[], kinds: readonly number[]): { texts: string[]; keys: string[]; kinds: number[] } {
  const out = { texts: [] as string[], keys: [] as string[], kinds: [] as number[] };
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index]!;
    if (kind === POSSESSIVE) continue;
    if (kind === MARKER && texts[index] === 'of' && out.kinds[out.kinds.length - 1] === CONTENT && kinds[index + 1] === CONTENT) {
      // The owned thing is the one word before "of": without parts of speech, a longer run would
      // take the verb too ("reset the password of my router").
      const owned = out.kinds.length - 1;
      const ownedTexts = out.texts.splice(owned);
      const ownedKeys = out.keys.splice(owned);
      out.kinds.length = owned;
      let next = index + 1;
      while (next < kinds.length && next - index <= MAX_CONJUNCT && (kinds[next] === CONTENT || kinds[next] === POSSESSIVE)) {
        if (kinds[next] === CONTENT) push(out.texts, out.keys, out.kinds, texts[next]!, keys[next]!, CONTENT);
        next++;
      }
      for (let at = 0; at < ownedTexts.length; at++) push(out.texts, out.keys, out.kinds, ownedTexts[at]!, ownedKeys[at]!, CONTENT);
      index = next - 1;
      continue;
    }
    push(out.texts, out.keys, out.kinds, texts[index]!, keys[index]!, kind);
  }
  return out;
}

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

function push(texts: string[], keys: string[], kinds: number[], text: string, key: string, kind: number): void {
  texts.push(text);
  keys.push(key);
  kinds.push(kind);
}

function isWord(token: string | undefined): boolean {
  return token !== undefined && !MARKERS.has(token) && !COORDINATORS.has(token) && !'.?!;:'.includes(token);
}

/** Emits "A V B" for "B was V by A …" read from the participle; returns the last raw index consumed. */
function pushPassive(raw: readonly string[], participle: number, texts: string[], keys: string[], kinds: number[]): number {
  // The patient is what was pushed since the last boundary or marker.
  let start = kinds.length;
  while (start > 0 && kinds[start - 1] === CONTENT) start--;
  const patient = { texts: texts.splice(start), keys: keys.splice(start), kinds: kinds.splice(start) };
  let index = participle + 2;
  let agentWords = 0;
  while (index < raw.length && agentWords < MAX_CONJUNCT) {
    const token = raw[index]!;
    if (!isWord(token)) break;
    if (!IGNORED.has(token.replace(/'/g, ''))) {
      const lemma = PRONOUNS.get(token) ?? stem(token.replace(/'/g, ''));
      push(texts, keys, kinds, lemma, lemma, CONTENT);
      agentWords++;
    }
    index++;
  }
  const verb = stem(raw[participle]!.replace(/'/g, ''));
  push(texts, keys, kinds, verb, verb, CONTENT);
  for (let at = 0; at < patient.texts.length; at++) push(texts, keys, kinds, patient.texts[at]!, patient.keys[at]!, patient.kinds[at]!);
  return index - 1;
}

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

/** Strips common English inflections ("sues" = "sue", "attacked" = "attack"); short words stay. */
function stem(token: string): string {
  if (token.length === 4 && token.endsWith('s') && !/(?:ss|us|is)$/.test(token)) return token.slice(0, -1);
  if (token.length <= 4) return token;
  if (token.endsWith('ies')) return `${token.slice(0, -3)}y`;
  if (token.endsWith('ing') && token.length > 5) return token.slice(0, -3);
  if (token.endsWith('ed') && token.length > 5) return token.slice(0, -2);
  if (token.endsWith('es') && /(?:ss|x|ch|sh)es$/.test(token)) return token.slice(0, -2);
  if (token.endsWith('s') && !token.endsWith('ss')) return token.slice(0, -1);
  // "replace" and "replaced" (stripped to "replac") meet without their final e.
  if (token.endsWith('e')) return token.slice(0, -1);
  return token;
}
