import type { ChatResponse, NormalizedChatRequest as ChatRequest } from '../client/types.js';
import { Emitter, type EventListener, type Unsubscribe } from '../events/emitter.js';
import { CacheError, type CacheOperation } from './cache-error.js';
import { frozenCopy } from './frozen-copy.js';
import { cacheKeyOf, hasNonTextInput, type CacheKey } from './cache-key.js';
import type { Embedder } from './embedder.js';
import { localEmbedder } from './local-embedder.js';
import { MemoryVectorStore } from './memory-vector-store.js';
import { guardVerdicts, questionFacts, type GuardOptions, type GuardRejection } from './question-guards.js';
import { compact } from './question-text.js';
import type { CacheContext, CacheLookup, ResponseCache } from './response-cache.js';
import type { VectorMatch, VectorStore } from './vector-store.js';
import { expectFraction, expectFunction, expectInteger, expectKnownKeys, expectNumber, expectObject, expectOneOf, failOption, optionKeys } from '../policy/validate-option.js';

/** What the cache keeps per entry. Plain data, so a shared store can serialize it. */
export type CachedAnswer = {
  /** The last user turn, whitespace-normalized, as it was asked. */
  readonly question: string;
  readonly response: ChatResponse;
  /** When it was stored, from the cache's `now()`. */
  readonly createdAt: number;
};

/** What `verify` receives: the candidate answer and how it was found. */
export type CacheCandidate = CachedAnswer & {
  readonly tier: 'exact' | 'semantic';
  readonly similarity: number;
  readonly ageMs: number;
};

/** Why a request or response was not cached. */
export type UncacheableReason =
  | 'temperature'
  | 'non-text-input'
  | 'finish-reason'
  | 'tool-calls'
  | 'incomplete-tool-calls'
  | 'refusal'
  | 'empty'
  | 'already-cached'
  | 'aborted';

/**
 * Why a semantic candidate was refused: a guard, `'ambiguous'` (another stored question scored
 * within `minMargin`), or `'verify'` (your hook said no).
 */
export type CandidateRejection = GuardRejection | 'ambiguous' | 'verify';

/** Observations for metrics and shadow-mode analysis; the client emits its own cache-hit/miss events. */
export type SemanticCacheEvent =
  | { readonly type: 'hit'; readonly requestId: string; readonly tier: 'exact' | 'semantic'; readonly similarity: number; readonly isShadow: boolean; readonly question: string; readonly cachedQuestion: string }
  | {
      readonly type: 'rejected';
      readonly requestId: string;
      readonly tier: 'exact' | 'semantic';
      readonly similarity: number;
      readonly reason: CandidateRejection;
      /** What differed: `numbers differ: "3" vs "5"`, `roles differ (paris, london): "…" vs "…"`. */
      readonly detail: string;
      readonly question: string;
      readonly cachedQuestion: string;
    }
  | { readonly type: 'skipped'; readonly requestId: string; readonly operation: 'lookup' | 'store'; readonly reason: UncacheableReason }
  | { readonly type: 'stored'; readonly requestId: string; readonly isSemantic: boolean };

/** The events a `SemanticCache` publishes (`cache.on(type, listener)`), by type. */
export type SemanticCacheEventMap = { readonly [T in SemanticCacheEvent['type']]: Extract<SemanticCacheEvent, { readonly type: T }> };

const EVENT_TYPES = ['hit', 'rejected', 'skipped', 'stored'] as const satisfies readonly SemanticCacheEvent['type'][];

export type SemanticCacheOptions = {
  /** Turns questions into vectors. @default localEmbedder() */
  readonly embedder?: Embedder;
  /** Where entries live; implement `VectorStore` to share one across processes. @default new MemoryVectorStore({ maxEntries, ttlMs }) */
  readonly store?: VectorStore<CachedAnswer>;
  /** Entries kept by the default store. @default 10_000 */
  readonly maxEntries?: number;
  /** Entry lifetime in the default store; `0` keeps entries until evicted. @default 86_400_000 (one day) */
  readonly ttlMs?: number;
  /** Minimum cosine similarity for a semantic hit, chosen from the evaluation in docs/cache.md. @default 0.7 */
  readonly threshold?: number;
  /**
   * How far a semantic hit must score above the best stored question that differs from it (beyond
   * case and punctuation). Closer calls are ambiguous and miss: two cached answers fit and the
   * embedder cannot tell which. `0` turns the check off. @default 0.08
   */
  readonly minMargin?: number;
  /** Whether to look for similar questions at all; `false` keeps only the exact tier. @default true */
  readonly isSemantic?: boolean;
  /** Requests with a higher `temperature` are neither served from nor stored in the cache; `Infinity` opts in. @default 0.5 */
  readonly maxTemperature?: number;
  /** Whether answers that end in tool calls may be cached. @default false */
  readonly shouldCacheToolCalls?: boolean;
  /** Which guards run on a semantic candidate. @default { negation: true, numbers: true, entities: true } */
  readonly guards?: GuardOptions;
  /** Last word on a candidate (both tiers): return false to refuse it. A throw is a cache error. */
  readonly verify?: (cached: CacheCandidate, request: ChatRequest) => boolean | Promise<boolean>;
  /** Shadow mode: hits are returned with `isShadow: true`, for the client to record and not serve. `'semantic'` shadows only the semantic tier. @default false */
  readonly shadow?: false | 'semantic' | 'all';
  /**
   * Semantic candidates checked against the guards, best first. With 1, a guard that refuses the
   * nearest entry makes a miss rather than falling back to a farther one (more precise, see
   * docs/cache.md). With `minMargin` above 0 a farther candidate can only pass when everything
   * nearer is a case or punctuation twin of it. @default 1
   */
  readonly candidates?: number;
  /**
   * How long the client waits for a look-up (never more than half the time left before the call's
   * deadline); a slower one is aborted and the call is served uncached, with `cache-error`.
   * @default 500
   */
  readonly lookupTimeoutMs?: number;
  /** Wall-clock milliseconds, for `createdAt` and `ageMs`. @default Date.now */
  readonly now?: () => number;
  /**
   * Called synchronously for every hit, rejected candidate, skipped request and stored entry; throws are ignored.
   * @deprecated Subscribe with `cache.on('hit' | 'rejected' | 'skipped' | 'stored', listener)`, which returns the unsubscribe function.
   */
  readonly onEvent?: (event: SemanticCacheEvent) => void;
};

/**
 * The response cache: an exact tier (a hash of the canonical request) checked first, then a
 * semantic tier that embeds the last user turn and searches its partition only. Semantic
 * candidates must pass the negation, number and entity guards and the optional `verify` hook.
 */
export class SemanticCache implements ResponseCache {
  readonly embedder: Embedder;
  readonly vectorStore: VectorStore<CachedAnswer>;
  readonly threshold: number;
  readonly minMargin: number;
  readonly lookupTimeoutMs: number;
  private readonly options: SemanticCacheOptions;
  private readonly maxTemperature: number;
  private readonly candidates: number;
  private readonly now: () => number;
  private readonly counts: Record<CandidateRejection, number> = { negation: 0, number: 0, entity: 0, role: 0, ambiguous: 0, verify: 0 };
  private readonly events = new Emitter<SemanticCacheEventMap>();

  constructor(options: SemanticCacheOptions = {}) {
    validateSemanticCacheOptions(options);
    const threshold = options.threshold ?? 0.7;
    const minMargin = options.minMargin ?? 0.08;
    const candidates = options.candidates ?? 1;
    const maxTemperature = options.maxTemperature ?? 0.5;
    const lookupTimeoutMs = options.lookupTimeoutMs ?? 500;
    this.lookupTimeoutMs = lookupTimeoutMs;
    this.options = options;
    this.threshold = threshold;
    this.minMargin = minMargin;
    this.candidates = candidates;
    this.maxTemperature = maxTemperature;
    this.now = options.now ?? Date.now;
    const onEvent = options.onEvent;
    if (onEvent) for (const type of EVENT_TYPES) this.events.on(type, onEvent);
    this.embedder = options.embedder ?? localEmbedder();
    this.vectorStore =
      options.store ??
      new MemoryVectorStore<CachedAnswer>({
        ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
        ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      });
  }

  async lookup(request: ChatRequest, context: CacheContext): Promise<CacheLookup | undefined> {
    const skipped = this.requestSkipReason(request);
    if (skipped) {
      this.emit({ type: 'skipped', requestId: context.requestId, operation: 'lookup', reason: skipped });
      return undefined;
    }
    const key = cacheKeyOf(request, context.namespace ?? '', this.embedder.id);
    const exact = await this.attempt('get', context, () => this.vectorStore.get(key.partition, key.id));
    if (exact && (key.question === undefined || exact.question === key.question)) {
      const hit = await this.accept(exact, 'exact', 1, request, context, key);
      if (hit) return hit;
    }
    if (this.options.isSemantic === false || key.question === undefined) return undefined;
    const question = key.question;
    const [vector] = await this.attempt('embed', context, () => this.embedder.embed([question], context.signal));
    if (!vector) throw new CacheError('embed', new Error('the embedder returned no vector'));
    const minMargin = this.minMargin;
    // Runner-ups below the threshold still count against the margin, and a few extra make room
    // for case/punctuation twins of the best match, which are not rivals.
    const found = await this.attempt('search', context, () =>
      this.vectorStore.search(key.partition, vector, {
        k: this.candidates + (minMargin > 0 ? RIVALS_SEARCHED : 0),
        minScore: this.threshold - minMargin,
        signal: context.signal,
      }),
    );
    // The entry stored under this very question was the exact tier's to serve.
    const matches = found.filter((match) => match.id !== key.id);
    if (matches.length === 0 || matches[0]!.score < this.threshold) return undefined;
    const facts = questionFacts(question);
    const isShadow = (this.options.shadow ?? false) !== false;
    for (let index = 0; index < matches.length && index < this.candidates; index++) {
      const match = matches[index]!;
      if (match.score < this.threshold) break;
      if (minMargin > 0) {
        const rivalScore = strongestRival(matches, index);
        if (match.score - rivalScore < minMargin) {
          const detail = `another stored question scored within ${minMargin} of it (${rivalScore.toFixed(3)} vs ${match.score.toFixed(3)})`;
          this.emitRejected(context, 'semantic', match.score, 'ambiguous', detail, question, match.payload.question);
          continue;
        }
      }
      // In shadow mode every guard runs, so that each one's count says how often it alone would fire.
      const verdicts = guardVerdicts(facts, questionFacts(match.payload.question), this.options.guards ?? {}, isShadow);
      if (verdicts.length > 0) {
        for (let verdict = 1; verdict < verdicts.length; verdict++) this.counts[verdicts[verdict]!.guard]++;
        this.emitRejected(context, 'semantic', match.score, verdicts[0]!.guard, verdicts[0]!.detail, question, match.payload.question);
        continue;
      }
      const hit = await this.accept(match.payload, 'semantic', match.score, request, context, key);
      if (hit) return hit;
    }
    return undefined;
  }

  async store(request: ChatRequest, response: ChatResponse, context: CacheContext): Promise<void> {
    const skipped = context.signal.aborted ? 'aborted' : (this.requestSkipReason(request) ?? this.responseSkipReason(response));
    if (skipped) {
      this.emit({ type: 'skipped', requestId: context.requestId, operation: 'store', reason: skipped });
      return;
    }
    // A frozen copy taken before the first await: the caller may edit its response as soon as it
    // has it, and no later hit may change the entry.
    const stored = frozenCopy(response);
    const key = cacheKeyOf(request, context.namespace ?? '', this.embedder.id);
    const question = key.question ?? '';
    const isSemantic = this.options.isSemantic !== false && key.question !== undefined && question.length > 0;
    let vector: Float32Array | undefined;
    if (isSemantic) {
      [vector] = await this.attempt('embed', context, () => this.embedder.embed([question], context.signal));
      if (!vector) throw new CacheError('embed', new Error('the embedder returned no vector'));
    }
    const payload: CachedAnswer = { question, response: stored, createdAt: this.now() };
    await this.attempt('add', context, () =>
      this.vectorStore.add(key.partition, [{ id: key.id, payload, ...(vector ? { vector } : {}) }]),
    );
    this.emit({ type: 'stored', requestId: context.requestId, isSemantic });
  }

  /**
   * How many candidates each guard, the ambiguity margin and `verify` turned down since the cache was
   * made. In shadow mode every guard runs on every candidate, so a candidate that two guards refuse
   * counts for both: each count is how often that guard alone would fire on your traffic.
   */
  guardCounts(): Readonly<Record<CandidateRejection, number>> {
    return { ...this.counts };
  }

  /** Removes every entry (through the store). */
  async clear(): Promise<void> {
    await this.vectorStore.clear();
  }

  private async accept(
    cached: CachedAnswer,
    tier: 'exact' | 'semantic',
    similarity: number,
    request: ChatRequest,
    context: CacheContext,
    key: CacheKey,
  ): Promise<CacheLookup | undefined> {
    const ageMs = Math.max(0, this.now() - cached.createdAt);
    const verify = this.options.verify;
    if (verify) {
      const candidate: CacheCandidate = { ...cached, tier, similarity, ageMs };
      const isAccepted = await this.attempt('verify', context, async () => verify(candidate, request));
      if (!isAccepted) {
        this.emitRejected(context, tier, similarity, 'verify', 'the verify hook returned false', key.question ?? '', cached.question);
        return undefined;
      }
    }
    const shadow = this.options.shadow ?? false;
    const isShadow = shadow === 'all' || (shadow === 'semantic' && tier === 'semantic');
    this.emit({ type: 'hit', requestId: context.requestId, tier, similarity, isShadow, question: key.question ?? '', cachedQuestion: cached.question });
    return { response: cached.response, tier, similarity, ageMs, isShadow };
  }

  private requestSkipReason(request: ChatRequest): UncacheableReason | undefined {
    if (request.temperature !== undefined && request.temperature > this.maxTemperature) return 'temperature';
    if (hasNonTextInput(request)) return 'non-text-input';
    return undefined;
  }

  /** Only complete, successful, first-hand answers are stored. */
  private responseSkipReason(response: ChatResponse): UncacheableReason | undefined {
    if (response.cached !== undefined) return 'already-cached';
    if (response.incompleteToolCalls.length > 0) return 'incomplete-tool-calls';
    if (response.refusal !== undefined) return 'refusal';
    const hasToolCalls = response.toolCalls.length > 0 || response.finishReason === 'tool-calls';
    if (hasToolCalls && !this.options.shouldCacheToolCalls) return 'tool-calls';
    if (response.finishReason !== 'stop' && response.finishReason !== 'tool-calls') return 'finish-reason';
    if (response.text.length === 0 && response.toolCalls.length === 0 && response.object === undefined) return 'empty';
    return undefined;
  }

  /** Runs one embedder/store/verify step; failures become a `CacheError`, a caller's abort stays an abort. */
  private async attempt<T>(operation: CacheOperation, context: CacheContext, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      throw new CacheError(operation, error);
    }
  }

  private emitRejected(
    context: CacheContext,
    tier: 'exact' | 'semantic',
    similarity: number,
    reason: CandidateRejection,
    detail: string,
    question: string,
    cachedQuestion: string,
  ): void {
    this.counts[reason]++;
    if (context.onRejected) {
      try {
        context.onRejected({ tier, similarity, reason, detail });
      } catch {
        // An observer's failure must never change what the cache returns.
      }
    }
    this.emit({ type: 'rejected', requestId: context.requestId, tier, similarity, reason, detail, question, cachedQuestion });
  }

  /**
   * Subscribes to the cache's events: every hit, rejected candidate, skipped request and stored
   * entry, synchronously. A listener that throws never changes what the cache returns. Returns the
   * function that unsubscribes.
   */
  on<T extends keyof SemanticCacheEventMap>(type: T, listener: EventListener<SemanticCacheEventMap, T>): Unsubscribe {
    return this.events.on(type, listener);
  }

  private emit(event: SemanticCacheEvent): void {
    this.events.emit(event.type, event as never);
  }
}

/** Extra matches fetched beyond `candidates` to find the best rival past any twins. */
const RIVALS_SEARCHED = 3;

/**
 * The best score among the other matches whose question differs from the one at `index` beyond
 * case and punctuation; -Infinity when there is none.
 */
function strongestRival(matches: readonly VectorMatch<CachedAnswer>[], index: number): number {
  const own = compact(matches[index]!.payload.question);
  for (let other = 0; other < matches.length; other++) {
    if (other !== index && compact(matches[other]!.payload.question) !== own) return matches[other]!.score;
  }
  return -Infinity;
}

const CACHE_KEYS = /* @__PURE__ */ optionKeys<SemanticCacheOptions>()(
  'embedder',
  'store',
  'maxEntries',
  'ttlMs',
  'threshold',
  'minMargin',
  'isSemantic',
  'maxTemperature',
  'shouldCacheToolCalls',
  'guards',
  'verify',
  'shadow',
  'candidates',
  'now',
  'onEvent',
  'lookupTimeoutMs',
);
const GUARD_KEYS = /* @__PURE__ */ optionKeys<GuardOptions>()('negation', 'numbers', 'entities', 'roles');

function validateSemanticCacheOptions(options: SemanticCacheOptions): void {
  expectObject('cache', options);
  expectKnownKeys(options, CACHE_KEYS, 'cache', 'a SemanticCache option');
  if (options.maxEntries !== undefined) expectInteger('cache.maxEntries', options.maxEntries, 1);
  if (options.ttlMs !== undefined) expectNumber('cache.ttlMs', options.ttlMs, 0);
  if (options.lookupTimeoutMs !== undefined) expectNumber('cache.lookupTimeoutMs', options.lookupTimeoutMs, 0);
  if (options.threshold !== undefined) expectFraction('cache.threshold', options.threshold);
  if (options.minMargin !== undefined && !(typeof options.minMargin === 'number' && options.minMargin >= 0 && options.minMargin < 1)) {
    failOption('cache.minMargin', 'a number in [0, 1)', options.minMargin);
  }
  if (options.candidates !== undefined) expectInteger('cache.candidates', options.candidates, 1);
  if (options.maxTemperature !== undefined && options.maxTemperature !== Infinity) expectNumber('cache.maxTemperature', options.maxTemperature, 0);
  if (options.shadow !== undefined) expectOneOf('cache.shadow', options.shadow, [false, 'semantic', 'all']);
  if (options.guards !== undefined) {
    expectObject('cache.guards', options.guards);
    expectKnownKeys(options.guards, GUARD_KEYS, 'cache.guards');
  }
  for (const key of ['verify', 'now', 'onEvent'] as const) if (options[key] !== undefined) expectFunction(`cache.${key}`, options[key]);
}
