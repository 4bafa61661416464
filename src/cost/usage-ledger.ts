import type { Usage } from '../client/types.js';

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
  readonly tenant?: string;
  readonly usage?: Usage;
  /** USD; omit when the price is unknown. */
  readonly cost?: number;
  readonly isError: boolean;
};

/**
 * Where the ledger keeps its counters. The default lives in memory; implement this over a shared
 * store (Redis `INCRBYFLOAT`/`SCAN`, a database) to sum usage across processes.
 */
export interface UsageCounterStore {
  /** Adds `amount` to the counter `key`, creating it at zero. */
  increment(key: string, amount: number): void;
  /** Every counter, in any order. */
  entries(): Iterable<readonly [key: string, value: number]>;
}

/** The default {@link UsageCounterStore}: a `Map` in this process. */
export class InMemoryUsageCounterStore implements UsageCounterStore {
  private readonly counters = new Map<string, number>();

  increment(key: string, amount: number): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + amount);
  }

  entries(): Iterable<readonly [string, number]> {
    return this.counters.entries();
  }
}

type Dimension = 'total' | 'alias' | 'deployment' | 'tenant';
type Field = keyof UsageTotals;
type MutableTotals = { -readonly [K in Field]: number };

/** Separates dimension, field and name in a counter key; names may contain anything else. */
const SEPARATOR = '\u001f';

/** Options for {@link UsageLedger}. */
export type UsageLedgerOptions = {
  /** Where counters live. @default new InMemoryUsageCounterStore() */
  readonly store?: UsageCounterStore;
};

/** Accumulates requests, tokens, errors and cost in total and by alias, deployment and tenant. */
export class UsageLedger {
  private readonly store: UsageCounterStore;

  constructor(options: UsageLedgerOptions = {}) {
    this.store = options.store ?? new InMemoryUsageCounterStore();
  }

  /** Accounts for one attempt, successful or not. */
  record(entry: UsageRecord): void {
    this.add('total', '', entry);
    this.add('alias', entry.alias, entry);
    this.add('deployment', entry.deploymentId, entry);
    if (entry.tenant !== undefined) this.add('tenant', entry.tenant, entry);
  }

  /** A snapshot of every total. */
  totals(): UsageReport {
    const report = { total: emptyTotals(), byAlias: {}, byDeployment: {}, byTenant: {} } as {
      total: MutableTotals;
      byAlias: Record<string, MutableTotals>;
      byDeployment: Record<string, MutableTotals>;
      byTenant: Record<string, MutableTotals>;
    };
    const groups: Record<Exclude<Dimension, 'total'>, Record<string, MutableTotals>> = {
      alias: report.byAlias,
      deployment: report.byDeployment,
      tenant: report.byTenant,
    };
    for (const [key, value] of this.store.entries()) {
      const first = key.indexOf(SEPARATOR);
      const second = key.indexOf(SEPARATOR, first + 1);
      if (first === -1 || second === -1) continue;
      const dimension = key.slice(0, first) as Dimension;
      const field = key.slice(first + 1, second) as Field;
      const name = key.slice(second + 1);
      let totals: MutableTotals | undefined;
      if (dimension === 'total') {
        totals = report.total;
      } else {
        const group = groups[dimension];
        if (!group) continue;
        totals = group[name] ??= emptyTotals();
      }
      if (field in totals) totals[field] = value;
    }
    return report;
  }

  private add(dimension: Dimension, name: string, entry: UsageRecord): void {
    const prefix = dimension + SEPARATOR;
    const suffix = SEPARATOR + name;
    const increment = (field: Field, amount: number): void => {
      this.store.increment(prefix + field + suffix, amount);
    };
    increment('requests', 1);
    if (entry.isError) increment('errors', 1);
    const usage = entry.usage;
    if (usage) {
      increment('inputTokens', usage.inputTokens);
      increment('outputTokens', usage.outputTokens);
      if (usage.cachedInputTokens) increment('cachedInputTokens', usage.cachedInputTokens);
    }
    if (entry.cost !== undefined) increment('cost', entry.cost);
    else if (usage && usage.inputTokens + usage.outputTokens > 0) increment('unpricedRequests', 1);
  }
}

function emptyTotals(): MutableTotals {
  return { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cost: 0, unpricedRequests: 0 };
}
