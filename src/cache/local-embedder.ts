import type { Embedder } from './embedder.js';
import { normalizeText, WORD_PATTERN } from './question-text.js';
import { stem } from './stem.js';
import { expectInteger, expectKnownKeys, expectNumber, expectObject, optionKeys } from '../policy/validate-option.js';

export type LocalEmbedderOptions = {
  /** Vector length; features are hashed into this many buckets. @default 384 */
  readonly dimensions?: number;
  /** Weight of word pairs (word order). @default 0.7 */
  readonly bigramWeight?: number;
  /** Weight of character trigrams (spelling variants, inflections). @default 0.6 */
  readonly trigramWeight?: number;
};

const EMBEDDER_KEYS = /* @__PURE__ */ optionKeys<LocalEmbedderOptions>()('dimensions', 'bigramWeight', 'trigramWeight');

/** Words too common to say what a question is about; they still count, at a tenth of the weight. */
const STOPWORDS = /* @__PURE__ */ new Set(
  /* @__PURE__ */ ('a an the is are was were be been being am of to in on at by for with from as into about than then ' +
    'and or but if so that this these those it its it\'s i me my we our you your he she they them their ' +
    'what which who whom whose how why when where do does did can could should would will shall may might ' +
    'must has have had there here some any all each more most such very just also please tell explain')
    .split(' '),
);

const STOPWORD_WEIGHT = 0.1;

/**
 * A deterministic embedder that needs no network and no model: hashed word unigrams, word bigrams
 * (so word order counts) and character trigrams, signed-hashed into `dimensions` buckets and
 * L2-normalized. It matches rewordings that share vocabulary; it does not know synonyms or meaning
 * (see docs/cache.md for its limits).
 */
export function localEmbedder(options: LocalEmbedderOptions = {}): Embedder {
  expectObject('embedder', options);
  expectKnownKeys(options, EMBEDDER_KEYS, 'embedder', 'a localEmbedder option');
  if (options.dimensions !== undefined) expectInteger('embedder.dimensions', options.dimensions, 8);
  if (options.bigramWeight !== undefined) expectNumber('embedder.bigramWeight', options.bigramWeight, 0);
  if (options.trigramWeight !== undefined) expectNumber('embedder.trigramWeight', options.trigramWeight, 0);
  const dimensions = options.dimensions ?? 384;
  const bigramWeight = options.bigramWeight ?? 0.7;
  const trigramWeight = options.trigramWeight ?? 0.6;
  const embedOne = (text: string): Float32Array => {
    const vector = new Float32Array(dimensions);
    const tokens = (normalizeText(text).toLowerCase().match(WORD_PATTERN) ?? []).map(stem);
    let previous: string | undefined;
    for (const token of tokens) {
      const isStopword = STOPWORDS.has(token);
      const weight = isStopword ? STOPWORD_WEIGHT : 1;
      addFeature(vector, `w:${token}`, weight);
      if (previous !== undefined) addFeature(vector, `b:${previous} ${token}`, bigramWeight * (isStopword ? 0.5 : 1));
      if (!isStopword && token.length > 3) {
        const padded = `<${token}>`;
        for (let index = 0; index + 3 <= padded.length; index++) addFeature(vector, `c:${padded.slice(index, index + 3)}`, trigramWeight);
      }
      previous = token;
    }
    let norm = 0;
    for (let index = 0; index < dimensions; index++) norm += vector[index]! * vector[index]!;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let index = 0; index < dimensions; index++) vector[index]! *= scale;
    }
    return vector;
  };
  return {
    id: `local-v1-${dimensions}-${bigramWeight}-${trigramWeight}`,
    dimensions,
    async embed(texts) {
      return texts.map(embedOne);
    },
  };
}


/** FNV-1a over UTF-16 code units; the low bit picks the sign so collisions cancel out on average. */
function addFeature(vector: Float32Array, feature: string, weight: number): void {
  let hash = 0x811c9dc5;
  for (let index = 0; index < feature.length; index++) {
    hash ^= feature.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  const bucket = (hash >>> 1) % vector.length;
  vector[bucket]! += (hash & 1) === 1 ? -weight : weight;
}
