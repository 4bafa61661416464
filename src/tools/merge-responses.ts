import type { Attempt, ChatResponse, Usage } from '../client/types.js';
import { addUsage, ZERO_USAGE } from '../cost/add-usage.js';

/** The summed usage of several responses. */
export function sumUsage(responses: readonly ChatResponse[]): Usage {
  let total: Usage = ZERO_USAGE;
  for (const response of responses) total = addUsage(total, response.usage);
  return total;
}

/** The summed cost, or undefined when no response knew its cost. */
export function sumCost(responses: readonly ChatResponse[]): number | undefined {
  let total: number | undefined;
  for (const response of responses) if (response.cost !== undefined) total = (total ?? 0) + response.cost;
  return total;
}

/**
 * `final` with the usage, cost and attempts of every call of a repair loop: `previous` are the
 * earlier (invalid) responses in order. Attempts of the n-th repair call carry `toolRepair: n`.
 */
export function mergeRepairResponses(previous: readonly ChatResponse[], final: ChatResponse): ChatResponse {
  if (previous.length === 0) return final;
  const all = [...previous, final];
  const attempts: Attempt[] = [];
  all.forEach((response, repair) => {
    for (const attempt of response.attempts) attempts.push(repair === 0 ? attempt : { ...attempt, toolRepair: repair });
  });
  const cost = sumCost(all);
  const { cost: _cost, ...rest } = final;
  return { ...rest, usage: sumUsage(all), ...(cost !== undefined ? { cost } : {}), attempts };
}
