import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { NormalizedChatRequest as ChatRequest, Usage } from '../client/types.js';
import { InvalidArgumentError, TimeoutError } from '../errors/errors.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { abortable } from '../shared/abortable.js';
import { aliasClassifier, type RouterChat } from './alias-classifier.js';
import { lastUserContent } from './classify-task.js';
import { expectDurationMs, expectInteger, expectKnownKeys, expectObject, optionKeys } from '../policy/validate-option.js';

/** What the routed call passes on to an LLM classifier, so its call can be charged and traced. */
export type LlmClassifyContext = {
  /** The routed call's tenant: the classification is charged to it. */
  readonly tenant?: string | undefined;
  /** The routed call's request id. */
  readonly requestId?: string | undefined;
};

/** A label with what it cost to get, when known. */
export type LlmLabel = { readonly text: string; readonly usage?: Usage; readonly cost?: number };

/** Labels a request; should answer with a tier name. */
export type LlmClassify = (request: ChatRequest, signal: AbortSignal, context?: LlmClassifyContext) => Promise<string | LlmLabel>;

/**
 * A cheap model that labels requests with a tier name. Give `alias` (the client asks that model
 * with a built-in prompt) or your own `classify` function, not both.
 */
export type LlmClassifierOptions = {
  /** The model alias that labels requests: a cheap, fast, non-reasoning model. Must be configured and not `'auto'`. */
  readonly alias?: string;
  /** Your own labelling function, instead of `alias`. Called at most once per distinct last user message while cached. */
  readonly classify?: LlmClassify;
  /**
   * One line per tier for the built-in prompt. `simple` and `complex` have defaults; a tier
   * without a description is listed by name only.
   */
  readonly descriptions?: Readonly<Record<string, string>>;
  /** Characters of the last user message sent to `alias`; longer ones keep their start and end. @default 2000 */
  readonly maxPromptChars?: number;
  /** A classification slower than this is abandoned and the heuristic decides. @default 2000 */
  readonly timeoutMs?: number;
  /** Labels remembered, keyed by a hash of the last user message. @default 1000 */
  readonly cacheSize?: number;
  /** How long a label is remembered. @default undefined (until evicted) */
  readonly cacheTtlMs?: number;
};

/** What the LLM classifier said: a tier, or no tier and why; with the call's cost when this request made it. */
export type LlmClassification = {
  readonly tier: string | undefined;
  readonly reason: string;
  readonly usage?: Usage;
  readonly cost?: number;
};

type Labelled = { readonly tier: string | undefined; readonly usage?: Usage; readonly cost?: number };

const DEFAULT_CACHE_SIZE = 1_000;
const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Asks a cheap model (or your function) for a tier once per distinct last user message: labels
 * are cached, concurrent identical requests share one call, a slow call is abandoned after
 * `timeoutMs`, and a failed, timed-out or unparseable call is not cached.
 */
export class LlmClassifier {
  private readonly classify: LlmClassify;
  private readonly tiers: Readonly<Record<string, string>>;
  private readonly tierNames: readonly string[];
  private readonly cache: LRUCache<string, Promise<Labelled>>;
  private readonly timeoutMs: number;
  private readonly clock: Clock;

  constructor(
    options: LlmClassifierOptions,
    tiers: Readonly<Record<string, string>>,
    services: { readonly chat?: RouterChat | undefined; readonly clock?: Clock | undefined },
  ) {
    expectObject('router.llmClassifier', options);
    expectKnownKeys(options, LLM_CLASSIFIER_KEYS, 'router.llmClassifier');
    this.tiers = tiers;
    this.tierNames = Object.keys(tiers);
    this.classify = pickClassify(options, this.tierNames, services.chat);
    const max = nonNegativeInteger('router.llmClassifier.cacheSize', options.cacheSize, DEFAULT_CACHE_SIZE);
    if (options.cacheTtlMs !== undefined) positive('router.llmClassifier.cacheTtlMs', options.cacheTtlMs);
    this.cache = new LRUCache({ max: Math.max(1, max), ...(options.cacheTtlMs !== undefined ? { ttl: options.cacheTtlMs } : {}) });
    this.timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : positive('router.llmClassifier.timeoutMs', options.timeoutMs);
    this.clock = services.clock ?? systemClock;
  }

  /** Labels `request`; rejects only when `signal` aborts. */
  async label(request: ChatRequest, signal: AbortSignal, context: LlmClassifyContext): Promise<LlmClassification> {
    const { text, imageCount } = lastUserContent(request.messages);
    const key = createHash('sha256').update(text).update(`\u0000${imageCount}`).digest('base64url');
    let pending = this.cache.get(key);
    const isCached = pending !== undefined;
    if (!pending) {
      pending = this.call(request, signal, context).then((labelled) => {
        if (labelled.tier === undefined) this.cache.delete(key);
        return labelled;
      });
      pending.catch(() => this.cache.delete(key));
      this.cache.set(key, pending);
    }
    try {
      const labelled = await abortable(pending, signal);
      // A cached label cost nothing now: the call's usage belongs to the request that made it.
      const spent = isCached ? {} : { ...(labelled.usage ? { usage: labelled.usage } : {}), ...(labelled.cost !== undefined ? { cost: labelled.cost } : {}) };
      if (labelled.tier === undefined) return { tier: undefined, reason: 'LLM classifier gave no known tier', ...spent };
      return { tier: labelled.tier, reason: `LLM classifier labelled it ${labelled.tier}${isCached ? ' (cached)' : ''}`, ...spent };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof TimeoutError) return { tier: undefined, reason: `LLM classifier timed out after ${this.timeoutMs} ms` };
      return { tier: undefined, reason: `LLM classifier failed (${error instanceof Error ? error.message : String(error)})` };
    }
  }

  /** One call, abandoned (and its signal aborted) after `timeoutMs` even when the classifier ignores the signal. */
  private async call(request: ChatRequest, signal: AbortSignal, context: LlmClassifyContext): Promise<Labelled> {
    const timeout = new AbortController();
    const timer = this.clock.setTimeout(() => timeout.abort(new TimeoutError('total', this.timeoutMs)), this.timeoutMs);
    const combined = AbortSignal.any([signal, timeout.signal]);
    try {
      const answer = await abortable(this.classify(request, combined, context), combined);
      const label: LlmLabel = typeof answer === 'string' ? { text: answer } : answer;
      return { tier: this.parse(label?.text), ...(label?.usage ? { usage: label.usage } : {}), ...(label?.cost !== undefined ? { cost: label.cost } : {}) };
    } catch (error) {
      // The classifier's own call rejects with an abort error; say it was the timeout.
      throw timeout.signal.aborted && !signal.aborted ? timeout.signal.reason : error;
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /** Accepts `complex`, `"Complex."`, `Tier: complex`; refuses answers naming no or several tiers. */
  private parse(text: unknown): string | undefined {
    if (typeof text !== 'string') return undefined;
    const normalized = trimLabel(text.toLowerCase());
    if (Object.hasOwn(this.tiers, normalized)) return normalized;
    const named = this.tierNames.filter((tier) => new RegExp(`(?:^|[^\\w-])${escapeRegExp(tier.toLowerCase())}(?:$|[^\\w-])`).test(normalized));
    return named.length === 1 ? named[0] : undefined;
  }
}

const LABEL_PREFIX = new Set(['"', "'", '`']);
const LABEL_SUFFIX = new Set(['"', "'", '`', '.', '!']);

/**
 * Strips quotes and spaces before, and quotes, `.`, `!` and spaces after (what
 * `/^["'`\s]+|["'`.!\s]+$/g` removed, without rescanning a long run of spaces from each of its
 * positions).
 */
function trimLabel(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (LABEL_PREFIX.has(text[start]!) || /\s/.test(text[start]!))) start++;
  while (end > start && (LABEL_SUFFIX.has(text[end - 1]!) || /\s/.test(text[end - 1]!))) end--;
  return text.slice(start, end);
}

function pickClassify(options: LlmClassifierOptions, tierNames: readonly string[], chat: RouterChat | undefined): LlmClassify {
  const { alias, classify, descriptions, maxPromptChars } = options;
  if (alias !== undefined && classify !== undefined) {
    throw new InvalidArgumentError('router.llmClassifier', 'Expected exactly one of `router.llmClassifier.alias` and `router.llmClassifier.classify`, got both.');
  }
  if (classify !== undefined) {
    if (typeof classify !== 'function') {
      throw new InvalidArgumentError('router.llmClassifier.classify', `Expected \`router.llmClassifier.classify\` to be a function, got ${typeof classify}.`);
    }
    return classify;
  }
  if (alias === undefined) {
    throw new InvalidArgumentError(
      'router.llmClassifier.alias',
      'Expected `router.llmClassifier.alias` to name the model alias that labels requests (or `classify` to be a function), got neither.',
    );
  }
  if (typeof alias !== 'string' || alias.trim() === '' || alias === 'auto') {
    throw new InvalidArgumentError('router.llmClassifier.alias', `Expected \`router.llmClassifier.alias\` to be a configured model alias other than "auto", got ${JSON.stringify(alias)}.`);
  }
  if (descriptions !== undefined) {
    for (const [tier, description] of Object.entries(descriptions)) {
      if (!tierNames.includes(tier)) {
        throw new InvalidArgumentError(`router.llmClassifier.descriptions.${tier}`, `Expected \`router.llmClassifier.descriptions\` to describe tiers of \`router.tiers\` (${tierNames.join(', ')}), got ${JSON.stringify(tier)}.`);
      }
      if (typeof description !== 'string' || description.trim() === '' || description.includes('\n')) {
        throw new InvalidArgumentError(`router.llmClassifier.descriptions.${tier}`, `Expected \`router.llmClassifier.descriptions.${tier}\` to be one non-empty line, got ${JSON.stringify(description)}.`);
      }
    }
  }
  if (maxPromptChars !== undefined && !(Number.isInteger(maxPromptChars) && maxPromptChars > 0)) {
    throw new InvalidArgumentError('router.llmClassifier.maxPromptChars', `Expected \`router.llmClassifier.maxPromptChars\` to be a positive integer, got ${String(maxPromptChars)}.`);
  }
  if (!chat) {
    throw new InvalidArgumentError('router.chat', 'Expected `router.chat` (how to ask `llmClassifier.alias`) on a TaskRouter built by hand; the client passes its own.');
  }
  return aliasClassifier({
    alias,
    tiers: tierNames,
    chat,
    ...(descriptions !== undefined ? { descriptions } : {}),
    ...(maxPromptChars !== undefined ? { maxPromptChars } : {}),
  });
}

const LLM_CLASSIFIER_KEYS = /* @__PURE__ */ optionKeys<LlmClassifierOptions>()('alias', 'classify', 'descriptions', 'maxPromptChars', 'timeoutMs', 'cacheSize', 'cacheTtlMs');

/** Validates a non-negative integer option; `fallback` when it is undefined. */
export function nonNegativeInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  expectInteger(field, value, 0);
  return value;
}

function positive(field: string, value: number): number {
  expectDurationMs(field, value);
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
