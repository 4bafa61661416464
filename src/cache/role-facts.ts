/**
 * Reads a question for the role guard (src/cache/role-guard.ts): content words, role markers,
 * clause boundaries and possessives, with passives turned active and possession written owner first.
 * English first; see role-guard.ts for what is compared. Linear, and bounded: a question is read up
 * to MAX_CHARACTERS characters and MAX_TOKENS words.
 */

import { stem as stemWord } from './stem.js';

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

export const CONTENT = 0;
export const MARKER = 1;
export const BOUNDARY = 2;
/** The "'s" of a possessive, after its owner: it stays inside its phrase. */
export const POSSESSIVE = 3;

/** Longest conjunct on either side of "and"/"or" that may be swapped. */
export const MAX_CONJUNCT = 8;

/** Words read from a question; a longer one is refused unless it is the same text (when unsure, refuse). */
export const MAX_TOKENS = 4_096;
/** Characters read from a question, on the same terms. */
const MAX_CHARACTERS = 32_768;

const IGNORED = /* @__PURE__ */ new Set(
  /* @__PURE__ */ ('a an the is are was were be been being am do does did done can could should would will shall may ' +
    'might must has have had there here some any all each every more most such very just also please tell ' +
    'explain describe what which who whom whose how why when where this that these those it its its ' +
    'itself not no never nor cannot dont doesnt didnt isnt arent wasnt werent wont cant get gets got ' +
    'really actually exactly possible possibly one ones someone something anyone anything ever')
    .split(' '),
);

const MARKERS = /* @__PURE__ */ new Set(
  /* @__PURE__ */ ('from to by than vs versus against into onto of for with over under between toward towards via at ' +
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
const FOREIGN = /* @__PURE__ */ new Set(
  /* @__PURE__ */ ('le la les des du une et est dans pour avec sur qui sont pas ne der das und ist nicht ein eine mit von zu ' +
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

/**
 * The embedder's stemmer, plus two rules for verbs: "sues" = "sue" (four letters), and "replace"
 * meets "replaced" (stripped to "replac") without its final e.
 */
function stem(token: string): string {
  if (token.length === 4 && token.endsWith('s') && !/(?:ss|us|is)$/.test(token)) return token.slice(0, -1);
  const stemmed = stemWord(token);
  return stemmed === token && token.length > 4 && token.endsWith('e') ? token.slice(0, -1) : stemmed;
}
