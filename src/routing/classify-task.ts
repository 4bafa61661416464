import type { NormalizedChatRequest as ChatRequest, Message } from '../client/types.js';
import { estimateTextTokens, estimateTokens } from '../cost/estimate-tokens.js';

/** The two tiers the built-in classifier knows. */
export type TaskTier = 'simple' | 'complex';

/** What the classifier looked at, for logs and for tuning. */
export type TaskSignals = {
  /** The whole prompt, from `estimateTokens`. */
  readonly estimatedTokens: number;
  /** The last user message alone. */
  readonly lastUserTokens: number;
  readonly hasCodeBlock: boolean;
  /** Distinct code-like tokens in the last user message (`function`, `=>`, `SELECT`, …). */
  readonly codeTokenCount: number;
  readonly hasStackTrace: boolean;
  /** Analysis, reasoning and engineering markers found (`prove`, `step by step`, `debug`, …). */
  readonly reasoningMarkers: readonly string[];
  /** Markers of light tasks found (`translate`, `summarize`, `classify`, …). */
  readonly simpleMarkers: readonly string[];
  readonly toolCount: number;
  readonly imageCount: number;
  /** Messages other than system messages. */
  readonly turnCount: number;
  /** Numbered or bulleted lines plus question marks: how many things are asked at once. */
  readonly requirementCount: number;
  /** The sum of the weights below; `complex` from {@link COMPLEX_SCORE} up. */
  readonly score: number;
};

export type TaskClassification = {
  readonly tier: TaskTier;
  /** Why, in a few words, e.g. `complex (score 4): code block; reasoning markers: debug`. */
  readonly reason: string;
  readonly estimatedTokens: number;
  readonly signals: TaskSignals;
};

/** Options for {@link classifyTask}. */
export type ClassifyTaskOptions = {
  /** A prompt estimate already made by the caller, to avoid counting twice. @default estimateTokens(request) */
  readonly estimatedTokens?: number;
  /** From this many prompt tokens the request counts as long-context work. @default 3000 */
  readonly longPromptTokens?: number;
};

/** The score from which a request is `complex`. */
export const COMPLEX_SCORE = 2;
const DEFAULT_LONG_PROMPT_TOKENS = 3_000;
const MAX_MARKERS = 6;
/**
 * Markers, code, stack traces and requirements are read from at most this many characters at each
 * end of a longer message (the token estimate still counts all of it), so classifying a huge prompt
 * costs a bounded number of regex steps: a 1 MiB prompt is long work whatever its middle says.
 */
const MAX_SCANNED_CHARS_PER_END = 64 * 1024;

const REASONING_PATTERN = new RegExp(
  [
    String.raw`\bprov(?:e|ing)\b`,
    String.raw`\bproof\b`,
    String.raw`\bstep[- ]by[- ]step\b`,
    String.raw`\banaly[sz](?:e|es|ing|is)\b`,
    String.raw`\breview (?:this|my|the|our)\b`,
    String.raw`\bcode review\b`,
    String.raw`\bdebug`,
    String.raw`\bdesign(?:ing)? (?:a|an|the)\b`,
    String.raw`\bsystem design\b`,
    String.raw`\barchitect`,
    String.raw`\btrade-?offs?\b`,
    String.raw`\bpros and cons\b`,
    String.raw`\brefactor`,
    String.raw`\boptimi[sz]e`,
    String.raw`\bderiv(?:e|ation)\b`,
    String.raw`\broot cause\b`,
    String.raw`\balgorithm`,
    String.raw`\b(?:time|space) complexity\b`,
    String.raw`\bimplement(?:s|ing|ation)?\b`,
    String.raw`\bwrite (?:a|an|the|me a) (?:\w+ )?(?:function|script|program|class|module|parser|query|regex|test|service|api|cli)\b`,
    String.raw`\btheorem\b`,
    String.raw`\blemma\b`,
    String.raw`\brigorous`,
    String.raw`\bcritique\b`,
    String.raw`\bevaluate\b`,
    String.raw`\bthreat model`,
    String.raw`\bmigration plan\b`,
    String.raw`\bstrateg(?:y|ies)\b`,
    String.raw`\bwhy (?:does|is|do|did)\b`,
    String.raw`\bwhat(?:'?s| is) wrong\b`,
    String.raw`\brace condition`,
    String.raw`\bdeadlock`,
    String.raw`\bmemory leak`,
    String.raw`\bconcurren`,
    String.raw`\bscalab`,
    String.raw`\bvulnerab`,
    String.raw`\bedge cases?\b`,
    String.raw`\bin depth\b`,
    String.raw`\bin detail\b`,
    String.raw`\bthorough`,
    String.raw`\binvestigat`,
    String.raw`\bdiagnos`,
    String.raw`\bplan (?:a|the|for|our)\b`,
    // French, German, Spanish, Chinese, Japanese basics
    String.raw`\bdémontre`,
    String.raw`\bprouve`,
    String.raw`étape par étape`,
    String.raw`\banalyse[rz]\b`,
    String.raw`schritt für schritt`,
    String.raw`\bbeweise`,
    String.raw`\banalysiere`,
    String.raw`paso a paso`,
    String.raw`\bdemuestra`,
    String.raw`\banaliza\b`,
    '证明',
    '逐步',
    '分析',
    '証明',
  ].join('|'),
  'g',
);

const SIMPLE_PATTERN = new RegExp(
  [
    String.raw`\btranslat(?:e|ion)\b`,
    String.raw`\bsummari[sz]e\b`,
    String.raw`\btl;?dr\b`,
    String.raw`\bclassify\b`,
    String.raw`\bcategori[sz]e\b`,
    String.raw`\bextract\b`,
    String.raw`\bwho (?:is|was|wrote)\b`,
    String.raw`\bwhen (?:is|was|did)\b`,
    String.raw`\bdefin(?:e|ition)\b`,
    String.raw`\bspell`,
    String.raw`\brewrite\b`,
    String.raw`\brephrase\b`,
    String.raw`\bparaphrase\b`,
    String.raw`\bfix (?:the |my )?(?:grammar|typos?|spelling)\b`,
    String.raw`\bconvert\b`,
    String.raw`\byes or no\b`,
    String.raw`\bone word\b`,
    String.raw`\bsentiment\b`,
    String.raw`\bsynonyms?\b`,
    String.raw`\bformat (?:this|it|the)\b`,
    String.raw`\bcapital of\b`,
    String.raw`\blist (?:\d+|three|five|ten)\b`,
  ].join('|'),
  'g',
);

// Linear on any text: no alternative starts with an unanchored run (`\w+` without `\b` is tried
// at every position of a long word, which is quadratic), and every `\s*` run has one start.
const CODE_PATTERN =
  /\bfunction\b|\bdef\s+\w+\s*\(|\bclass\s+\w+|\bimport\s+[\w{*]|\breturn\b|\bconst\s+\w+\s*=|\blet\s+\w+\s*=|\bvar\s+\w+\s*=|\bpublic\s|\bprivate\s|\bstatic\s|\bvoid\b|\basync\s|\bawait\s|\bselect\b[\s\S]{1,80}?\bfrom\b|\bwhere\s+\w+(?:\.\w+)?\s*[=<>]|\bjoin\s+\w+|\bgroup by\b|\bcount\(\*\)|#include|std::|println|console\.log|=>|!==|===|\)\s*\{|;\s*$|\bnull\b|\bnil\b|\blambda\b|\belif\b|\bfn\s+\w+\s*\(|\bimpl\b|\bstruct\s+\w+|\b\w+\(\)|\b\w+\.\w+\(|\$\{|<\/\w+>/gim;

/**
 * A numbered or bulleted line. The indent excludes line breaks so that a long run of blank lines is
 * not rescanned from each of its line starts.
 */
const REQUIREMENT_PATTERN = /^[^\S\n\r\u2028\u2029]*(?:\d+[.)]|[-*•])\s+\S/gm;

/** `at(?<=^\s+at)`: an indented `at` line, checked backwards from each `at`, not forwards from each line start. */
const STACK_TRACE_PATTERN =
  /traceback \(most recent call last\)|at(?<=^\s+at) [\w.<>$]+ \(|exception in thread|\berror ts\d+|segmentation fault|panicked at|\bnullpointerexception\b|uncaught \w*error/m;

/**
 * The built-in heuristic: scores the last user message and the request's shape, no network, a
 * few microseconds for a typical prompt.
 *
 * Weights: a fenced code block +3; 3 or more distinct code tokens +2 (1 or 2: +1); a stack trace
 * +2; the first reasoning or analysis marker +2, each further one +1 (at most +4); a prompt of
 * `longPromptTokens` or more +2 (a fifth of it: +1); 3 or more tools +1 (6 or more: +2); 10 or more
 * turns +1; 3 or more numbered/bulleted lines or questions +1; each light-task marker −1 (at most −2).
 * `complex` from a score of 2. Linear in the prompt; a message over 128 KiB is read at both ends only.
 */
export function classifyTask(request: ChatRequest, options: ClassifyTaskOptions = {}): TaskClassification {
  const estimatedTokens = options.estimatedTokens ?? estimateTokens(request);
  const longPromptTokens = options.longPromptTokens ?? DEFAULT_LONG_PROMPT_TOKENS;
  const { text: fullText, imageCount } = lastUserContent(request.messages);
  const text =
    fullText.length > 2 * MAX_SCANNED_CHARS_PER_END
      ? `${fullText.slice(0, MAX_SCANNED_CHARS_PER_END)}\n${fullText.slice(-MAX_SCANNED_CHARS_PER_END)}`
      : fullText;
  const lowered = text.toLowerCase();

  const reasoningMarkers = collectMatches(lowered, REASONING_PATTERN);
  const simpleMarkers = collectMatches(lowered, SIMPLE_PATTERN);
  const hasCodeBlock = fullText.includes('```');
  const codeTokenCount = collectMatches(text, CODE_PATTERN, 8).length;
  const hasStackTrace = STACK_TRACE_PATTERN.test(lowered);
  const toolCount = request.tools?.length ?? 0;
  let turnCount = 0;
  for (const message of request.messages) if (message.role !== 'system') turnCount++;
  const requirementCount = countRequirements(text);
  const lastUserTokens = estimateTextTokens(fullText);

  const reasons: string[] = [];
  let score = 0;
  if (hasCodeBlock) {
    score += 3;
    reasons.push('code block');
  }
  if (codeTokenCount >= 3) {
    score += 2;
    if (!hasCodeBlock) reasons.push(`code (${codeTokenCount} code tokens)`);
  } else if (codeTokenCount > 0) {
    score += 1;
    if (!hasCodeBlock) reasons.push(`some code tokens (${codeTokenCount})`);
  }
  if (hasStackTrace) {
    score += 2;
    reasons.push('stack trace');
  }
  if (reasoningMarkers.length > 0) {
    score += Math.min(4, reasoningMarkers.length + 1);
    reasons.push(`reasoning markers: ${reasoningMarkers.join(', ')}`);
  }
  if (estimatedTokens >= longPromptTokens) {
    score += 2;
    reasons.push(`long prompt (~${estimatedTokens} tokens)`);
  } else if (estimatedTokens >= longPromptTokens / 5) {
    score += 1;
    reasons.push(`medium prompt (~${estimatedTokens} tokens)`);
  }
  if (toolCount >= 3) {
    score += toolCount >= 6 ? 2 : 1;
    reasons.push(`${toolCount} tools`);
  }
  if (turnCount >= 10) {
    score += 1;
    reasons.push(`${turnCount} turns`);
  }
  if (requirementCount >= 3) {
    score += 1;
    reasons.push(`${requirementCount} requirements`);
  }
  if (simpleMarkers.length > 0) {
    score -= Math.min(2, simpleMarkers.length);
    reasons.push(`light-task markers: ${simpleMarkers.join(', ')}`);
  }

  const tier: TaskTier = score >= COMPLEX_SCORE ? 'complex' : 'simple';
  const reason =
    reasons.length > 0
      ? `${tier} (score ${score}): ${reasons.join('; ')}`
      : `${tier} (score ${score}): short prompt (~${estimatedTokens} tokens), no code or reasoning markers`;
  return {
    tier,
    reason,
    estimatedTokens,
    signals: {
      estimatedTokens,
      lastUserTokens,
      hasCodeBlock,
      codeTokenCount,
      hasStackTrace,
      reasoningMarkers,
      simpleMarkers,
      toolCount,
      imageCount,
      turnCount,
      requirementCount,
      score,
    },
  };
}

/** The text and image count of the last user message. */
export function lastUserContent(messages: readonly Message[]): { readonly text: string; readonly imageCount: number } {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return { text: message.content, imageCount: 0 };
    let text = '';
    let imageCount = 0;
    for (const part of message.content) {
      if (part.type === 'text') text += (text ? '\n' : '') + part.text;
      else imageCount++;
    }
    return { text, imageCount };
  }
  return { text: '', imageCount: 0 };
}

function collectMatches(text: string, pattern: RegExp, limit = MAX_MARKERS): string[] {
  const found: string[] = [];
  pattern.lastIndex = 0;
  for (const match of text.matchAll(pattern)) {
    const marker = match[0].trim();
    if (!found.includes(marker)) {
      found.push(marker);
      if (found.length >= limit) break;
    }
  }
  return found;
}

function countRequirements(text: string): number {
  let count = 0;
  for (const match of text.matchAll(REQUIREMENT_PATTERN)) if (match) count++;
  for (let index = text.indexOf('?'); index !== -1; index = text.indexOf('?', index + 1)) count++;
  return count;
}
