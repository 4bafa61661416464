import type { Budget } from '../cost/budget.js';
import type { PriceTable } from '../cost/price-table.js';
import { InvalidArgumentError } from '../errors/errors.js';
import type { ClientOptions } from './client-options.js';
import { deploymentsOf } from './validate-client-options.js';

/**
 * Budgets fail closed: a budget cannot limit a model it cannot price, so a client with a budget is
 * not built while an alias uses such a model, unless `budget.unpricedModels` is `'allow'`.
 */
export function checkBudgetPrices(options: ClientOptions, budget: Budget | undefined, prices: PriceTable): void {
  if (!budget || budget.isUnpricedAllowed || !limitsUsd(options)) return;
  for (const [alias, config] of Object.entries(options.models)) {
    for (const deployment of deploymentsOf(config).deployments) {
      if (prices.lookup(deployment.model) !== undefined) continue;
      throw new InvalidArgumentError(
        'budget',
        `\`models.${alias}\` uses ${JSON.stringify(deployment.model)}, which has no price, so \`budget\` cannot limit it. ` +
          `Give it one in \`prices\` ({ ${JSON.stringify(deployment.model)}: { inputPerMillion, outputPerMillion } }), ` +
          `or set \`budget.unpricedModels: 'allow'\` to let its calls through unchecked.`,
      );
    }
  }
}

/** Whether the budget limits money at all: `rpm`/`tpm`-only tenant quotas need no prices. */
function limitsUsd(options: ClientOptions): boolean {
  const budget = options.budget;
  if (!budget) return false;
  if (budget.perRequestUsd !== undefined || budget.perWindowUsd !== undefined) return true;
  return Object.values(budget.tenants ?? {}).some((quota) => quota.perWindowUsd !== undefined);
}
