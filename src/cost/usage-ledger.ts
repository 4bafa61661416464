import type { Usage } from '../client/types.js';
import { MemoryStateStore, type StateStore } from '../state/state-store.js';

/** Sums for one slice of traffic (everything, one alias, one deployment or one tenant). */
export type UsageTotals = {
  /** Attempts recorded, failed ones included. */
  readonly requests: number;
  /** Attempts that ended in an error. */
  readonly errors: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens the vendor served from its prompt cache (a subset of `inputTokens`). */
  readonly cachedInputTokens: number;
  /** Input tokens written to the vendor's prompt cache (Anthropic `cache_creation_input_tokens`; a subset of `inputTokens`). */
  readonly cacheWriteInputTokens: number;
  /** USD, summed over attempts whose price was known. */
  readonly cost: number;
  /** Attempts that reported usage but had no known price, so `cost` leaves them out. */
  readonly unpricedRequests: number;
};

/** What `UsageLedger.totals()` returns. */
export type UsageReport = {
  readonly total: UsageTotals;
  readonly byAlias: Readonly<Record<string, UsageTotals>>;
  readonly byDeployment: Readonly<Record<string, UsageTotals>>;
  readonly byTenant: Readonly<Record<string, UsageTotals>>;
};

/** One attempt to account for. */
export type UsageRecord = {
  readonly alias: string;
  readonly deploymentId: string;
  readonly tenant?: string | undefined;
  readonly usage?: Usage | undefined;
  /** USD; omit when the price is unknown. */
  readonly cost?: number | undefined;
  readonly isError: boolean;
};

type Dimension = 'total' | 'alias' | 'deployment' | 'tenant';
type Field = keyof UsageTotals;
type MutableTotals = { -readonly [K in Field]: number };

/** Separates the parts of a counter key. */
const SEPARATOR = '\u001f';

/** Options for {@link UsageLedger}. */
export type UsageLedgerOptions = {
  /**
   * Where the counters live. Pass a shared store to sum usage across processes. A bounded store
   * drops its least recently used keys, so size it for every alias, deployment and tenant
   * (eight counters each).
   * @default plain in-process counters (no store: recording costs well under a microsecond)
   */
  readonly store?: StateStore;
};

const DEFAULT_MAX_ENTRIES = 100_000;
const FIELDS: readonly Field[] = ['requests', 'errors', 'inputTokens', 'outputTokens', 'cachedInputTokens', 'cacheWriteInputTokens', 'cost', 'unpricedRequests'];

/**
 * Accumulates requests, tokens, errors and cost in total and by alias, deployment and tenant, in
 * counters on a `StateStore` (keys `usage␟<dimension>␟<field>␟<name>`). `totals()` reads the
 * names this ledger has recorded; their values come from the store, so with a shared store they
 * include other processes' traffic.
 */
export class UsageLedger {
  private readonly store: StateStore;
  private readonly names: Record<Exclude<Dimension, 'total'>, Set<string>> = {
    alias: new Set(),
    deployment: new Set(),
    tenant: new Set(),
  };

  /** In-process counters, used when no store was given: the hot path stays allocation-free. */
  private readonly local: Record<Dimension, Map<string, MutableTotals>> | undefined;

  constructor(options: UsageLedgerOptions = {}) {
    this.store = options.store ?? new MemoryStateStore({ maxEntries: DEFAULT_MAX_ENTRIES });
    this.local = options.store ? undefined : { total: new Map(), alias: new Map(), deployment: new Map(), tenant: new Map() };
  }

  /** Accounts for one attempt, successful or not. */
  record(entry: UsageRecord): void {
    if (this.local) {
      this.addLocal('total', '', entry);
      this.addLocal('alias', entry.alias, entry);
      this.addLocal('deployment', entry.deploymentId, entry);
      if (entry.tenant !== undefined) this.addLocal('tenant', entry.tenant, entry);
      return;
    }
    this.add('total', '', entry);
    this.add('alias', entry.alias, entry);
    this.add('deployment', entry.deploymentId, entry);
    if (entry.tenant !== undefined) this.add('tenant', entry.tenant, entry);
  }

  /** A snapshot of every total. */
  totals(): UsageReport {
    return {
      total: this.read('total', ''),
      byAlias: this.readAll('alias'),
      byDeployment: this.readAll('deployment'),
      byTenant: this.readAll('tenant'),
    };
  }

  private readAll(dimension: Exclude<Dimension, 'total'>): Record<string, UsageTotals> {
    const result: Record<string, UsageTotals> = {};
    for (const name of this.names[dimension]) result[name] = this.read(dimension, name);
    return result;
  }

  private addLocal(dimension: Dimension, name: string, entry: UsageRecord): void {
    const counters = this.local![dimension];
    let totals = counters.get(name);
    if (!totals) {
      totals = emptyTotals();
      counters.set(name, totals);
      if (dimension !== 'total') this.names[dimension].add(name);
    }
    totals.requests += 1;
    if (entry.isError) totals.errors += 1;
    const usage = entry.usage;
    if (usage) {
      totals.inputTokens += usage.inputTokens;
      totals.outputTokens += usage.outputTokens;
      if (usage.cachedInputTokens) totals.cachedInputTokens += usage.cachedInputTokens;
      if (usage.cacheWriteInputTokens) totals.cacheWriteInputTokens += usage.cacheWriteInputTokens;
    }
    if (entry.cost !== undefined) totals.cost += entry.cost;
    else if (usage && usage.inputTokens + usage.outputTokens > 0) totals.unpricedRequests += 1;
  }

  private read(dimension: Dimension, name: string): UsageTotals {
    if (this.local) return { ...(this.local[dimension].get(name) ?? emptyTotals()) };
    const totals = emptyTotals();
    for (const field of FIELDS) {
      const value = this.store.get(counterKey(dimension, field, name));
      if (typeof value === 'number') totals[field] = value;
    }
    return totals;
  }

  private add(dimension: Dimension, name: string, entry: UsageRecord): void {
    if (dimension !== 'total') this.names[dimension].add(name);
    const increment = (field: Field, amount: number): void => {
      this.store.increment(counterKey(dimension, field, name), amount);
    };
    increment('requests', 1);
    if (entry.isError) increment('errors', 1);
    const usage = entry.usage;
    if (usage) {
      increment('inputTokens', usage.inputTokens);
      increment('outputTokens', usage.outputTokens);
      if (usage.cachedInputTokens) increment('cachedInputTokens', usage.cachedInputTokens);
      if (usage.cacheWriteInputTokens) increment('cacheWriteInputTokens', usage.cacheWriteInputTokens);
    }
    if (entry.cost !== undefined) increment('cost', entry.cost);
    else if (usage && usage.inputTokens + usage.outputTokens > 0) increment('unpricedRequests', 1);
  }
}

function counterKey(dimension: Dimension, field: Field, name: string): string {
  return `usage${SEPARATOR}${dimension}${SEPARATOR}${field}${SEPARATOR}${name}`;
}

function emptyTotals(): MutableTotals {
  return { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, cost: 0, unpricedRequests: 0 };
}
