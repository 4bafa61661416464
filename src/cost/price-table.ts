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
  /**
   * USD per million input tokens written to the prompt cache (Anthropic's 5-minute TTL: 1.25× input).
   * Vendors that cache on their own (OpenAI, Gemini, DeepSeek) charge writes as plain input. @default inputPerMillion
   */
  readonly cacheWritePerMillion?: number;
  /** USD per million input tokens written with Anthropic's 1-hour TTL (2× input). @default cacheWritePerMillion */
  readonly cacheWrite1hPerMillion?: number;
  /** Tokens the model can hold, prompt and answer together. */
  readonly contextWindow?: number;
  /** The most output tokens one call may ask for. */
  readonly maxOutputTokens?: number;
};

/**
 * An Anthropic price from its base input and output rates: cache reads at 0.1×, 5-minute cache
 * writes at 1.25× and 1-hour writes at 2× the input rate, as Anthropic's price page states
 * (https://docs.anthropic.com/en/docs/about-claude/pricing, "Prompt caching", checked 2026-12).
 */
function anthropicPrice(input: number, output: number, extra: Pick<ModelPrice, 'contextWindow' | 'maxOutputTokens'>): ModelPrice {
  return {
    inputPerMillion: input,
    outputPerMillion: output,
    cachedInputPerMillion: round(input * 0.1),
    cacheWritePerMillion: round(input * 1.25),
    cacheWrite1hPerMillion: round(input * 2),
    ...extra,
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * Default prices in USD per million tokens and context windows, for models current at the time of
 * writing. Compiled from the vendors' public price pages as the author knew them (2025 list
 * prices), entered 2026-11-29; entries marked with a source and date were checked then. Prices
 * change: verify against the vendor's price page, and override with `new PriceTable({ 'gpt-4o': { … } })`
 * or load a newer table with `PriceTable.fromJSON()` / `loadPriceTable()`.
 *
 * Cache economics: OpenAI, Gemini and DeepSeek cache prompts on their own and charge cache reads at
 * `cachedInputPerMillion` (writes cost plain input); Anthropic charges writes at 1.25× (5 min) or
 * 2× (1 h) input and reads at 0.1×. Not modelled: Gemini's higher rates for long prompts and its
 * explicit-cache storage fee per hour, audio and image-output rates, batch and priority tiers.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = /* @__PURE__ */ Object.freeze({
  // OpenAI (https://openai.com/api/pricing/)
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25, contextWindow: 128_000, maxOutputTokens: 16_384 },
  // gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out (openai.com/api/pricing, checked 2026-12).
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075, contextWindow: 128_000, maxOutputTokens: 16_384 },
  // gpt-4.5-preview: $75 in, $37.50 cached, $150 out, 128k context, 16,384 out (openai.com/api/pricing
  // at launch 2025-02-27; openrouter.ai/openai/gpt-4.5-preview, checked 2026-12). Deprecated by OpenAI.
  'gpt-4.5-preview': { inputPerMillion: 75, outputPerMillion: 150, cachedInputPerMillion: 37.5, contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-4.5': { inputPerMillion: 75, outputPerMillion: 150, cachedInputPerMillion: 37.5, contextWindow: 128_000, maxOutputTokens: 16_384 },
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
  // Anthropic (docs.anthropic.com/en/docs/about-claude/pricing). Opus 4.6: $5 in, $6.25 5m write,
  // $10 1h write, $0.50 read, $25 out (checked 2026-12).
  'claude-opus-4-6': anthropicPrice(5, 25, { contextWindow: 200_000 }),
  'claude-opus-4-5': anthropicPrice(5, 25, { contextWindow: 200_000, maxOutputTokens: 64_000 }),
  'claude-opus-4-1': anthropicPrice(15, 75, { contextWindow: 200_000, maxOutputTokens: 32_000 }),
  'claude-opus-4': anthropicPrice(15, 75, { contextWindow: 200_000, maxOutputTokens: 32_000 }),
  'claude-opus-4-0': anthropicPrice(15, 75, { contextWindow: 200_000, maxOutputTokens: 32_000 }),
  'claude-sonnet-4-5': anthropicPrice(3, 15, { contextWindow: 200_000, maxOutputTokens: 64_000 }),
  'claude-sonnet-4': anthropicPrice(3, 15, { contextWindow: 200_000, maxOutputTokens: 64_000 }),
  'claude-sonnet-4-0': anthropicPrice(3, 15, { contextWindow: 200_000, maxOutputTokens: 64_000 }),
  'claude-3-7-sonnet': anthropicPrice(3, 15, { contextWindow: 200_000, maxOutputTokens: 64_000 }),
  'claude-haiku-4-5': anthropicPrice(1, 5, { contextWindow: 200_000, maxOutputTokens: 64_000 }),
  'claude-3-5-haiku': anthropicPrice(0.8, 4, { contextWindow: 200_000, maxOutputTokens: 8_192 }),
  // Google Gemini (ai.google.dev/gemini-api/docs/pricing; rates for prompts up to 200k tokens)
  'gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10, cachedInputPerMillion: 0.125, contextWindow: 1_048_576, maxOutputTokens: 65_536 },
  'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5, cachedInputPerMillion: 0.03, contextWindow: 1_048_576, maxOutputTokens: 65_536 },
  'gemini-2.5-flash-lite': { inputPerMillion: 0.1, outputPerMillion: 0.4, cachedInputPerMillion: 0.01, contextWindow: 1_048_576, maxOutputTokens: 65_536 },
  'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4, cachedInputPerMillion: 0.025, contextWindow: 1_048_576, maxOutputTokens: 8_192 },
  // gemini-1.5-pro: $1.25 in, $0.3125 cached, $5 out for prompts up to 128k tokens (ai.google.dev
  // pricing after the 2024-10-01 price cut; the model is retired on the Gemini API). 2M context.
  'gemini-1.5-pro': { inputPerMillion: 1.25, outputPerMillion: 5, cachedInputPerMillion: 0.3125, contextWindow: 2_097_152, maxOutputTokens: 8_192 },
  // DeepSeek through openaiCompatible({ baseURL: 'https://api.deepseek.com' }): both names serve
  // DeepSeek-V3.2, $0.28 cache miss, $0.028 cache hit, $0.42 out, 128k context (api-docs.deepseek.com
  // "Models & Pricing", since the 2025-09-29 price cut; checked 2026-12 via benchlm.ai's copy of it).
  'deepseek-chat': { inputPerMillion: 0.28, outputPerMillion: 0.42, cachedInputPerMillion: 0.028, contextWindow: 128_000, maxOutputTokens: 8_192 },
  'deepseek-reasoner': { inputPerMillion: 0.28, outputPerMillion: 0.42, cachedInputPerMillion: 0.028, contextWindow: 128_000, maxOutputTokens: 65_536 },
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

  /**
   * A table from JSON text or its parsed value, e.g. a file your deploy refreshes: either
   * `{ "prices": { "<model>": { "inputPerMillion": 2.5, … } }, "includeDefaults": true }` or a
   * plain `{ "<model>": { … } }`. Every entry is validated; a bad one throws `InvalidArgumentError`
   * naming it. Entries replace the defaults of the same name.
   */
  static fromJSON(source: string | Readonly<Record<string, unknown>>): PriceTable {
    let value: unknown = source;
    if (typeof source === 'string') {
      try {
        value = JSON.parse(source);
      } catch (error) {
        throw new InvalidArgumentError('prices', `Expected the price table to be JSON, got a parse error: ${(error as Error).message}`);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidArgumentError('prices', `Expected the price table to be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}.`);
    }
    const record = value as Record<string, unknown>;
    const isEnvelope = typeof record.prices === 'object' && record.prices !== null;
    const prices = (isEnvelope ? record.prices : record) as Record<string, ModelPrice>;
    const includeDefaults = isEnvelope ? record.includeDefaults : undefined;
    if (includeDefaults !== undefined && typeof includeDefaults !== 'boolean') {
      throw new InvalidArgumentError('includeDefaults', `Expected \`includeDefaults\` to be a boolean, got ${JSON.stringify(includeDefaults)}.`);
    }
    return new PriceTable(prices, { includeDefaults: includeDefaults ?? true });
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

const PRICE_KEYS = /* @__PURE__ */ optionKeys<ModelPrice>()(
  'inputPerMillion',
  'outputPerMillion',
  'cachedInputPerMillion',
  'cacheWritePerMillion',
  'cacheWrite1hPerMillion',
  'contextWindow',
  'maxOutputTokens',
);

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
  check('cacheWritePerMillion', false, false);
  check('cacheWrite1hPerMillion', false, false);
  check('contextWindow', false, true);
  check('maxOutputTokens', false, true);
}

/** Reads a price table from a JSON file (see {@link PriceTable.fromJSON} for the shape). */
export async function loadPriceTable(path: string): Promise<PriceTable> {
  const { readFile } = await import('node:fs/promises');
  return PriceTable.fromJSON(await readFile(path, 'utf8'));
}
