import type { NormalizedChatRequest as ChatRequest, Usage } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';
import type { Clock } from '../shared/clock.js';
import type { RouterChat } from './alias-classifier.js';
import { classifyTask } from './classify-task.js';
import { LlmClassifier, nonNegativeInteger, type LlmClassifierOptions, type LlmClassifyContext } from './llm-classifier.js';
import { expectKnownKeys, expectObject, optionKeys } from '../policy/validate-option.js';

export type { RouterChat } from './alias-classifier.js';
export type { LlmClassifierOptions, LlmClassify, LlmClassifyContext, LlmLabel } from './llm-classifier.js';

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
  /** How `llmClassifier.alias` is asked; the client passes its own `chat()`. Required for `alias` on a router built by hand. */
  readonly chat?: RouterChat;
  /** Times `llmClassifier.timeoutMs`. @default the system clock */
  readonly clock?: Clock;
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
  /** USD the LLM classifier's call cost, when a call was made for this request (not on a cached label) and its price is known. */
  readonly classifierCost?: number;
  /** Tokens the LLM classifier's call used, when a call was made for this request. */
  readonly classifierUsage?: Usage;
};

const DEFAULT_RESERVED_OUTPUT_TOKENS = 1_024;

/** Keys of the full router options; any other key of a `router` object is a tier (the shorthand). */
export const ROUTER_KEYS = /* @__PURE__ */ optionKeys<TaskRouterOptions>()(
  'tiers',
  'classifier',
  'llmClassifier',
  'contextWindows',
  'reservedOutputTokens',
  'longPromptTokens',
  'chat',
  'clock',
);

/** A classifier's choice, before the context-window check. */
type Classified = TierChoice & Pick<RouteDecision, 'source' | 'classifierCost' | 'classifierUsage'>;

/**
 * Picks a model alias for `model: 'auto'` requests by task: a user classifier, then an optional LLM
 * classifier (cached), then the built-in heuristic `classifyTask`. An alias whose context window
 * cannot hold the estimated prompt plus `maxTokens` is skipped for the next tier up that can.
 */
export class TaskRouter {
  readonly tiers: Readonly<Record<string, string>>;
  private readonly tierNames: readonly string[];
  private readonly classifier: RouteClassifier | undefined;
  private readonly llmClassifier: LlmClassifier | undefined;
  private readonly contextWindows: ((alias: string) => number | undefined) | undefined;
  private readonly reservedOutputTokens: number;
  private readonly longPromptTokens: number | undefined;

  constructor(options: TaskRouterOptions) {
    expectObject('router', options);
    expectKnownKeys(options, ROUTER_KEYS, 'router');
    this.tiers = validateTiers(options.tiers);
    this.tierNames = Object.keys(this.tiers);
    this.classifier = options.classifier;
    this.contextWindows = options.contextWindows;
    this.reservedOutputTokens = nonNegativeInteger('router.reservedOutputTokens', options.reservedOutputTokens, DEFAULT_RESERVED_OUTPUT_TOKENS);
    this.longPromptTokens = options.longPromptTokens;
    if (options.llmClassifier !== undefined) {
      if (typeof options.llmClassifier !== 'object' || options.llmClassifier === null) {
        throw new InvalidArgumentError('router.llmClassifier', `Expected \`router.llmClassifier\` to be an object such as { alias: 'fast' }, got ${String(options.llmClassifier)}.`);
      }
      this.llmClassifier = new LlmClassifier(options.llmClassifier, this.tiers, { chat: options.chat, clock: options.clock });
    }
  }

  /**
   * Chooses the alias for `request`, whose prompt is estimated at `estimatedTokens`. `context`
   * (the routed call's tenant and request id) is passed to the LLM classifier.
   */
  async route(request: ChatRequest, estimatedTokens: number, signal: AbortSignal, context: LlmClassifyContext = {}): Promise<RouteDecision> {
    signal.throwIfAborted();
    const choice = await this.classify(request, estimatedTokens, signal, context);
    return this.fitContextWindow(choice, request, estimatedTokens);
  }

  private async classify(request: ChatRequest, estimatedTokens: number, signal: AbortSignal, context: LlmClassifyContext): Promise<Classified> {
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
    let spent: Pick<RouteDecision, 'classifierCost' | 'classifierUsage'> = {};
    if (this.llmClassifier) {
      const labelled = await this.llmClassifier.label(request, signal, context);
      spent = {
        ...(labelled.cost !== undefined ? { classifierCost: labelled.cost } : {}),
        ...(labelled.usage !== undefined ? { classifierUsage: labelled.usage } : {}),
      };
      if (labelled.tier !== undefined) return { tier: labelled.tier, reason: labelled.reason, source: 'llm-classifier', ...spent };
      llmNote = `${labelled.reason}; `;
    }
    const heuristic = classifyTask(request, {
      estimatedTokens,
      ...(this.longPromptTokens !== undefined ? { longPromptTokens: this.longPromptTokens } : {}),
    });
    return { tier: heuristic.tier, reason: llmNote + heuristic.reason, source: 'heuristic', ...spent };
  }

  private fitContextWindow(choice: Classified, request: ChatRequest, estimatedTokens: number): RouteDecision {
    const alias = this.tiers[choice.tier] as string;
    const decision: RouteDecision = { ...choice, alias, classifiedTier: choice.tier };
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
