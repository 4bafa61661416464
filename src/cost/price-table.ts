import { InvalidArgumentError } from '../errors/errors.js';
import { expectKnownKeys, expectObject, optionKeys } from '../policy/validate-option.js';

/** What one model costs, in USD per million tokens, and how much it can hold. */
export type ModelPrice = {
  /** USD per million uncached input (prompt) tokens. */
  readonly inputPerMillion: number;
  /** USD per million output tokens, reasoning tokens included. */
  readonly outputPerMillion: number;
  /** USD per million input tokens read from the vendor's prompt cache. @default inputPerMillion */
  readonly cachedInputPerMillion?: number;
  /** Tokens the model can hold, prompt and answer together. */
  readonly contextWindow?: number;
  /** The most output tokens one call may ask for. */
  readonly maxOutputTokens?: number;
};

/**
 * Default prices in USD per million tokens and context windows, for models current at the time of
 * writing. Compiled from the vendors' public price pages as the author knew them (2025 list
 * prices), entered 2026-11-29. Prices change: verify against the vendor's price page, and override
 * with `new PriceTable({ 'gpt-4o': { … } })` where yours differ (batch, priority or negotiated rates).
 *
 * Not modelled: Anthropic cache writes (1.25× input), Gemini 2.5 Pro's higher rate for prompts over
 * 200k tokens, audio and image-output rates.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  // OpenAI
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25, contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075, contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5, contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6, cachedInputPerMillion: 0.1, contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4, cachedInputPerMillion: 0.025, contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  'o3': { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5, contextWindow: 200_000, maxOutputTokens: 100_000 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4, cachedInputPerMillion: 0.275, contextWindow: 200_000, maxOutputTokens: 100_000 },
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10, cachedInputPerMillion: 0.125, contextWindow: 400_000, maxOutputTokens: 128_000 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2, cachedInputPerMillion: 0.025, contextWindow: 400_000, maxOutputTokens: 128_000 },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4, cachedInputPerMillion: 0.005, contextWindow: 400_000, maxOutputTokens: 128_000 },
  'text-embedding-3-small': { inputPerMillion: 0.02, outputPerMillion: 0, contextWindow: 8_191 },
  'text-embedding-3-large': { inputPerMillion: 0.13, outputPerMillion: 0, contextWindow: 8_191 },
  // Anthropic (cachedInputPerMillion is the cache-read rate)
  'claude-opus-4-6': { inputPerMillion: 5, outputPerMillion: 25, cachedInputPerMillion: 0.5, contextWindow: 200_000 },
  'claude-opus-4-5': { inputPerMillion: 5, outputPerMillion: 25, cachedInputPerMillion: 0.5, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-opus-4-1': { inputPerMillion: 15, outputPerMillion: 75, cachedInputPerMillion: 1.5, contextWindow: 200_000, maxOutputTokens: 32_000 },
  'claude-opus-4': { inputPerMillion: 15, outputPerMillion: 75, cachedInputPerMillion: 1.5, contextWindow: 200_000, maxOutputTokens: 32_000 },
  'claude-opus-4-0': { inputPerMillion: 15, outputPerMillion: 75, cachedInputPerMillion: 1.5, contextWindow: 200_000, maxOutputTokens: 32_000 },
  'claude-sonnet-4-5': { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-sonnet-4-0': { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-3-7-sonnet': { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-haiku-4-5': { inputPerMillion: 1, outputPerMillion: 5, cachedInputPerMillion: 0.1, contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-3-5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4, cachedInputPerMillion: 0.08, contextWindow: 200_000, maxOutputTokens: 8_192 },
  // Google Gemini (rates for prompts up to 200k tokens)
  'gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10, cachedInputPerMillion: 0.125, contextWindow: 1_048_576, maxOutputTokens: 65_536 },
  'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5, cachedInputPerMillion: 0.03, contextWindow: 1_048_576, maxOutputTokens: 65_536 },
  'gemini-2.5-flash-lite': { inputPerMillion: 0.1, outputPerMillion: 0.4, cachedInputPerMillion: 0.01, contextWindow: 1_048_576, maxOutputTokens: 65_536 },
  'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4, cachedInputPerMillion: 0.025, contextWindow: 1_048_576, maxOutputTokens: 8_192 },
} satisfies Record<string, ModelPrice>);

/** Options for {@link PriceTable}. */
export type PriceTableOptions = {
  /** Start from {@link DEFAULT_PRICES}; set `false` to price only the models you list. @default true */
  readonly includeDefaults?: boolean;
};

/**
 * A version tag that may follow a known model name and still mean the same model at the same price:
 * a date (`-20250929`, `-2024-08-06`, `@20250929`, `-05-20`), `-latest`, a revision (`-001`,
 * `-v1:0`), or `-preview`/`-exp` with their dates. Anything else (`gpt-5-pro`, `o3-mini`) is a
 * different model with a different price, so it is not matched.
 */
const VERSION_SUFFIX = /^(?:[-@](?:\d{4}-?\d{2}-?\d{2}|\d{2}-\d{2}|\d{3}|latest|v\d+(?::\d+)?|preview|exp))+$/;

/** The most names remembered by `lookup`; past it the memo starts over. */
const MAX_MEMO_SIZE = 2_048;

/**
 * Prices by model id. `lookup` tries the exact name, then a known name followed by a version tag
 * (`gpt-4o-2024-08-06` → `gpt-4o`, `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`), taking the
 * longest known name. A leading `vendor/` or `models/` segment is ignored. Names are matched
 * case-insensitively and results are memoized, so repeated lookups cost one `Map` read.
 */
export class PriceTable {
  private readonly prices = new Map<string, ModelPrice>();
  private readonly memo = new Map<string, ModelPrice | null>();

  constructor(overrides?: Readonly<Record<string, ModelPrice>>, options: PriceTableOptions = {}) {
    if (options.includeDefaults ?? true) {
      for (const [model, price] of Object.entries(DEFAULT_PRICES)) this.prices.set(model, price);
    }
    if (overrides) {
      for (const [model, price] of Object.entries(overrides)) this.set(model, price);
    }
  }

  /** The price of `model`, or `undefined` when neither it nor a base name of it is known. */
  lookup(model: string): ModelPrice | undefined {
    const memoized = this.memo.get(model);
    if (memoized !== undefined) return memoized ?? undefined;
    const price = this.resolve(model) ?? null;
    if (this.memo.size >= MAX_MEMO_SIZE) this.memo.clear();
    this.memo.set(model, price);
    return price ?? undefined;
  }

  /** Adds or replaces the price of `model` (an exact name, also used as a base for dated variants). */
  set(model: string, price: ModelPrice): void {
    validatePrice(model, price);
    this.prices.set(model.toLowerCase(), Object.freeze({ ...price }));
    this.memo.clear();
  }

  /** Every model with a price, as set (defaults included unless turned off). */
  entries(): IterableIterator<[string, ModelPrice]> {
    return this.prices.entries();
  }

  private resolve(model: string): ModelPrice | undefined {
    let name = model.trim().toLowerCase();
    const slash = name.lastIndexOf('/');
    if (slash !== -1) name = name.slice(slash + 1);
    const exact = this.prices.get(name);
    if (exact) return exact;
    let best: ModelPrice | undefined;
    let bestLength = 0;
    for (const [known, price] of this.prices) {
      if (known.length > bestLength && name.startsWith(known) && VERSION_SUFFIX.test(name.slice(known.length))) {
        best = price;
        bestLength = known.length;
      }
    }
    return best;
  }
}

const PRICE_KEYS = optionKeys<ModelPrice>()('inputPerMillion', 'outputPerMillion', 'cachedInputPerMillion', 'contextWindow', 'maxOutputTokens');

function validatePrice(model: string, price: ModelPrice): void {
  const check = (field: keyof ModelPrice, isRequired: boolean, isInteger: boolean): void => {
    const value = price[field];
    if (value === undefined && !isRequired) return;
    const isValid =
      typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!isInteger || Number.isInteger(value));
    if (!isValid) {
      const expected = isInteger ? 'a non-negative integer' : 'a non-negative number';
      throw new InvalidArgumentError(
        `prices.${model}.${field}`,
        `Expected \`prices.${model}.${field}\` to be ${expected}, got ${String(value)}.`,
      );
    }
  };
  if (typeof model !== 'string' || model.trim() === '') {
    throw new InvalidArgumentError('prices', `Expected a model name to be a non-empty string, got ${JSON.stringify(model)}.`);
  }
  expectObject(`prices.${model}`, price);
  expectKnownKeys(price, PRICE_KEYS, `prices.${model}`);
  check('inputPerMillion', true, false);
  check('outputPerMillion', true, false);
  check('cachedInputPerMillion', false, false);
  check('contextWindow', false, true);
  check('maxOutputTokens', false, true);
}
