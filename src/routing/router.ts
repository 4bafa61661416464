import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { NormalizedChatRequest as ChatRequest } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { classifyTask, lastUserContent } from './classify-task.js';
import { abortable } from '../shared/abortable.js';

/** A tier and why it was chosen. */
export type TierChoice = { readonly tier: string; readonly reason: string };

/** What a user classifier receives besides the request. */
export type RouteClassifierContext = {
  /** The prompt estimate the router was given. */
  readonly estimatedTokens: number;
  readonly signal: AbortSignal;
};

/**
 * A user classifier: returns a tier name (a key of `tiers`), a tier with a reason, or `undefined`
 * to leave the decision to the LLM classifier or the built-in heuristic.
 */
export type RouteClassifier = (
  request: ChatRequest,
  context: RouteClassifierContext,
) => string | TierChoice | undefined | Promise<string | TierChoice | undefined>;

/** An optional classifier that asks a cheap model for the label. */
export type LlmClassifierOptions = {
  /** Labels the request; should answer with a tier name. Called at most once per distinct last user message while cached. */
  readonly classify: (request: ChatRequest, signal: AbortSignal) => Promise<string>;
  /** Labels remembered, keyed by a hash of the last user message. @default 1000 */
  readonly cacheSize?: number;
  /** How long a label is remembered. @default undefined (until evicted) */
  readonly cacheTtlMs?: number;
};

/** Options for {@link TaskRouter}. */
export type TaskRouterOptions = {
  /**
   * Tier name → model alias, listed from cheapest to strongest. Must contain `simple` and
   * `complex`; add your own (`medium`, `long-context`) for user or LLM classifiers to pick.
   */
  readonly tiers: Readonly<Record<string, string>>;
  /** Your own classifier, asked first. */
  readonly classifier?: RouteClassifier;
  /** A cheap model that labels requests, asked when no user classifier decided. */
  readonly llmClassifier?: LlmClassifierOptions;
  /** The context window of an alias in tokens, or `undefined` when unknown (then it always fits). */
  readonly contextWindows?: (alias: string) => number | undefined;
  /** Output tokens reserved in the context-window check when a request sets no `maxTokens`. @default 1024 */
  readonly reservedOutputTokens?: number;
  /** Passed to the built-in heuristic: from this many prompt tokens a request is long-context work. @default 3000 */
  readonly longPromptTokens?: number;
};

/** Which classifier decided. */
export type RouteSource = 'classifier' | 'llm-classifier' | 'heuristic';

/** The router's decision, as put on the response and in the `route` event. */
export type RouteDecision = {
  readonly alias: string;
  /** The tier whose alias serves the request (after any context-window move). */
  readonly tier: string;
  /** The tier the classifier chose, before any context-window move. */
  readonly classifiedTier: string;
  readonly source: RouteSource;
  readonly reason: string;
};

const DEFAULT_CACHE_SIZE = 1_000;
const DEFAULT_RESERVED_OUTPUT_TOKENS = 1_024;

/**
 * Picks a model alias for `model: 'auto'` requests by task: a user classifier, then an optional LLM
 * classifier (cached), then the built-in heuristic `classifyTask`. An alias whose context window
 * cannot hold the estimated prompt plus `maxTokens` is skipped for the next tier up that can.
 */
export class TaskRouter {
  readonly tiers: Readonly<Record<string, string>>;
  private readonly tierNames: readonly string[];
  private readonly classifier: RouteClassifier | undefined;
  private readonly llmClassify: LlmClassifierOptions['classify'] | undefined;
  private readonly llmCache: LRUCache<string, Promise<string | undefined>> | undefined;
  private readonly contextWindows: ((alias: string) => number | undefined) | undefined;
  private readonly reservedOutputTokens: number;
  private readonly longPromptTokens: number | undefined;

  constructor(options: TaskRouterOptions) {
    this.tiers = validateTiers(options.tiers);
    this.tierNames = Object.keys(this.tiers);
    this.classifier = options.classifier;
    this.contextWindows = options.contextWindows;
    this.reservedOutputTokens = nonNegativeInteger('router.reservedOutputTokens', options.reservedOutputTokens, DEFAULT_RESERVED_OUTPUT_TOKENS);
    this.longPromptTokens = options.longPromptTokens;
    if (options.llmClassifier) {
      const { classify, cacheSize, cacheTtlMs } = options.llmClassifier;
      if (typeof classify !== 'function') {
        throw new InvalidArgumentError('router.llmClassifier.classify', 'Expected `router.llmClassifier.classify` to be a function.');
      }
      const max = nonNegativeInteger('router.llmClassifier.cacheSize', cacheSize, DEFAULT_CACHE_SIZE);
      this.llmClassify = classify;
      this.llmCache = new LRUCache({ max: Math.max(1, max), ...(cacheTtlMs !== undefined ? { ttl: cacheTtlMs } : {}) });
    }
  }

  /** Chooses the alias for `request`, whose prompt is estimated at `estimatedTokens`. */
  async route(request: ChatRequest, estimatedTokens: number, signal: AbortSignal): Promise<RouteDecision> {
    signal.throwIfAborted();
    const choice = await this.classify(request, estimatedTokens, signal);
    return this.fitContextWindow(choice, request, estimatedTokens);
  }

  private async classify(
    request: ChatRequest,
    estimatedTokens: number,
    signal: AbortSignal,
  ): Promise<TierChoice & { readonly source: RouteSource }> {
    if (this.classifier) {
      const answer = await this.classifier(request, { estimatedTokens, signal });
      if (answer !== undefined) {
        const choice = typeof answer === 'string' ? { tier: answer, reason: `classifier chose ${answer}` } : answer;
        if (!Object.hasOwn(this.tiers, choice.tier)) {
          throw new InvalidArgumentError(
            'router.classifier',
            `Expected the router classifier to return one of ${this.tierNames.join(', ')}, got ${JSON.stringify(choice.tier)}.`,
          );
        }
        return { tier: choice.tier, reason: choice.reason, source: 'classifier' };
      }
    }
    let llmNote = '';
    if (this.llmClassify && this.llmCache) {
      try {
        const tier = await this.classifyWithLlm(request, signal);
        if (tier !== undefined) return { tier, reason: `LLM classifier labelled it ${tier}`, source: 'llm-classifier' };
        llmNote = 'LLM classifier gave no known tier; ';
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        llmNote = `LLM classifier failed (${error instanceof Error ? error.message : String(error)}); `;
      }
    }
    const heuristic = classifyTask(request, {
      estimatedTokens,
      ...(this.longPromptTokens !== undefined ? { longPromptTokens: this.longPromptTokens } : {}),
    });
    return { tier: heuristic.tier, reason: llmNote + heuristic.reason, source: 'heuristic' };
  }

  /** Asks the LLM classifier once per distinct last user message; concurrent asks share one call. */
  private classifyWithLlm(request: ChatRequest, signal: AbortSignal): Promise<string | undefined> {
    const cache = this.llmCache as LRUCache<string, Promise<string | undefined>>;
    const classify = this.llmClassify as LlmClassifierOptions['classify'];
    const { text, imageCount } = lastUserContent(request.messages);
    const key = createHash('sha256').update(text).update(`\u0000${imageCount}`).digest('base64url');
    let pending = cache.get(key);
    if (!pending) {
      pending = classify(request, signal).then((label) => {
        const tier = this.parseLabel(label);
        if (tier === undefined) cache.delete(key);
        return tier;
      });
      pending.catch(() => cache.delete(key));
      cache.set(key, pending);
    }
    return abortable(pending, signal);
  }

  /** Accepts `complex`, `"Complex."`, `Tier: complex`; refuses answers naming no or several tiers. */
  private parseLabel(label: unknown): string | undefined {
    if (typeof label !== 'string') return undefined;
    const normalized = label.trim().toLowerCase().replace(/^["'`\s]+|["'`.!\s]+$/g, '');
    if (Object.hasOwn(this.tiers, normalized)) return normalized;
    const named = this.tierNames.filter((tier) => new RegExp(`(?:^|[^\\w-])${escapeRegExp(tier.toLowerCase())}(?:$|[^\\w-])`).test(normalized));
    return named.length === 1 ? named[0] : undefined;
  }

  private fitContextWindow(choice: TierChoice & { readonly source: RouteSource }, request: ChatRequest, estimatedTokens: number): RouteDecision {
    const alias = this.tiers[choice.tier] as string;
    const decision = { alias, tier: choice.tier, classifiedTier: choice.tier, source: choice.source, reason: choice.reason };
    if (!this.contextWindows) return decision;
    const neededTokens = estimatedTokens + (request.maxTokens ?? this.reservedOutputTokens);
    const window = this.contextWindows(alias);
    if (window === undefined || window >= neededTokens) return decision;

    const start = this.tierNames.indexOf(choice.tier);
    // Stronger tiers first, then weaker ones nearest first: a cheap tier with a larger window
    // beats failing with a context-window error.
    const candidates = [...this.tierNames.slice(start + 1), ...this.tierNames.slice(0, start).reverse()];
    const tooSmall = `${alias} (context window ${window}) cannot hold ~${neededTokens} tokens`;
    let largest: { tier: string; alias: string; window: number } | undefined;
    for (const tier of candidates) {
      const candidateAlias = this.tiers[tier] as string;
      if (candidateAlias === alias) continue;
      const candidateWindow = this.contextWindows(candidateAlias);
      if (candidateWindow === undefined || candidateWindow >= neededTokens) {
        return { ...decision, alias: candidateAlias, tier, reason: `${choice.reason}; ${tooSmall}, moved to ${tier} (${candidateAlias})` };
      }
      if (!largest || candidateWindow > largest.window) largest = { tier, alias: candidateAlias, window: candidateWindow };
    }
    if (largest && largest.window > window) {
      return {
        ...decision,
        alias: largest.alias,
        tier: largest.tier,
        reason: `${choice.reason}; no tier's context window holds ~${neededTokens} tokens, using the largest: ${largest.tier} (${largest.alias}, ${largest.window})`,
      };
    }
    return { ...decision, reason: `${choice.reason}; ${tooSmall} and no tier has a larger window` };
  }
}

function validateTiers(tiers: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  if (!tiers || typeof tiers !== 'object') {
    throw new InvalidArgumentError('router', 'Expected `router` to map tiers to aliases, e.g. { simple: "fast", complex: "strong" }.');
  }
  for (const required of ['simple', 'complex']) {
    if (!Object.hasOwn(tiers, required)) {
      throw new InvalidArgumentError(`router.${required}`, `Expected \`router.${required}\` to name a model alias, got undefined.`);
    }
  }
  for (const [tier, alias] of Object.entries(tiers)) {
    if (typeof alias !== 'string' || alias.trim() === '') {
      throw new InvalidArgumentError(`router.${tier}`, `Expected \`router.${tier}\` to be a non-empty alias, got ${JSON.stringify(alias)}.`);
    }
  }
  return Object.freeze({ ...tiers });
}

function nonNegativeInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(field, `Expected \`${field}\` to be a non-negative integer, got ${String(value)}.`);
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

