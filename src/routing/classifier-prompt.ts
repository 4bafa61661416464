import type { Message } from '../client/types.js';
import { lastUserContent } from './classify-task.js';

/** What the built-in LLM classifier says about the two required tiers unless `descriptions` says otherwise. */
export const DEFAULT_TIER_DESCRIPTIONS: Readonly<Record<string, string>> = /* @__PURE__ */ Object.freeze({
  simple: 'light tasks: lookups, definitions, translation, summaries, extraction, classification, rewriting, short answers',
  complex: 'hard tasks: writing or reviewing code, debugging, math and proofs, multi-step reasoning, in-depth analysis, design',
});

/** Characters of the last user message the built-in LLM classifier sends. */
export const DEFAULT_MAX_PROMPT_CHARS = 2_000;

/** Options for {@link buildClassifierPrompt}. */
export type ClassifierPromptOptions = {
  /** Tier names, cheapest first. */
  readonly tiers: readonly string[];
  /** One line per tier; a tier without one (and no default) is listed by name only. */
  readonly descriptions?: Readonly<Record<string, string>>;
  /** Longer prompts keep their first three quarters and last quarter of this many characters. @default 2000 */
  readonly maxPromptChars?: number;
};

/**
 * The two messages the built-in LLM classifier sends: a system message listing the tiers and
 * asking for exactly one tier name, and the request's last user message (text only, truncated).
 * The rest of the conversation and the tools are never sent.
 */
export function buildClassifierPrompt(messages: readonly Message[], options: ClassifierPromptOptions): readonly [Message, Message] {
  const lines = options.tiers.map((tier) => {
    const description = options.descriptions?.[tier] ?? DEFAULT_TIER_DESCRIPTIONS[tier];
    return description ? `- ${tier}: ${description}` : `- ${tier}`;
  });
  const system = [
    'You route requests to a model tier. Read the request and pick the cheapest tier that can answer it well.',
    'Tiers, cheapest first:',
    ...lines,
    `Answer with exactly one tier name (${options.tiers.join(', ')}) and nothing else. Do not answer the request.`,
  ].join('\n');
  const { text, imageCount } = lastUserContent(messages);
  let user = truncateMiddle(text, options.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS);
  if (imageCount > 0) user += `${user ? '\n' : ''}[${imageCount} image${imageCount === 1 ? '' : 's'} attached]`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user || '(empty message)' },
  ];
}

/**
 * Keeps the start (where the instruction usually is) and the end (where a question after a pasted
 * document usually is), and says how much was left out.
 */
function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.ceil(maxChars * 0.75);
  const tail = maxChars - head;
  return `${text.slice(0, head)}\n[… ${text.length - maxChars} characters omitted …]\n${tail > 0 ? text.slice(-tail) : ''}`;
}
