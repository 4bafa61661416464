import { validateAdaptiveLimitOptions, type AdaptiveLimitOptions } from '../policy/admission/adaptive-limit.js';
import { validateQueueOptions, type QueueOptions } from '../policy/admission/deployment-admission.js';
import { validateRetryBudgetOptions, type RetryBudgetOptions } from '../policy/admission/retry-budget.js';
import { expectKnownKeys, expectObject, optionKeys } from '../policy/validate-option.js';

/** Load-aware admission: adaptive concurrency with priorities, and retry budgets. */
export type AdmissionOptions = {
  /**
   * An adaptive limit on each deployment's attempts in flight (AIMD on 429/503/529 and time to first
   * token), with a priority queue and deadline-aware shedding (`ShedError`) at the limit; `true` for
   * the defaults. It adds to `rpm`/`tpm` and learned limits: whichever is tightest holds a call back.
   * @default false
   */
  readonly concurrency?: (AdaptiveLimitOptions & QueueOptions) | boolean;
  /**
   * Caps retries to a deployment at a share of its calls (a token bucket); once spent, a failed
   * attempt fails over (or the call fails) instead of retrying. `false` turns it off.
   * @default { ratio: 0.2, minRetriesPerSecond: 1, maxSaved: 10 }
   */
  readonly retryBudget?: RetryBudgetOptions | false;
};

const ADMISSION_KEYS = optionKeys<AdmissionOptions>()('concurrency', 'retryBudget');
const CONCURRENCY_KEYS = optionKeys<AdaptiveLimitOptions & QueueOptions>()('initialLimit', 'minLimit', 'maxLimit', 'backoffRatio', 'latencyTolerance', 'maxQueued');
const RETRY_BUDGET_KEYS = optionKeys<RetryBudgetOptions>()('ratio', 'minRetriesPerSecond', 'maxSaved');

/** Checks the client option `admission`; throws `InvalidArgumentError` naming the field. */
export function validateAdmissionOptions(options: unknown): void {
  expectObject('admission', options);
  expectKnownKeys(options, ADMISSION_KEYS, 'admission');
  const { concurrency, retryBudget } = options as AdmissionOptions;
  if (typeof concurrency === 'object' && concurrency !== null) {
    expectKnownKeys(concurrency, CONCURRENCY_KEYS, 'admission.concurrency');
    validateAdaptiveLimitOptions(concurrency, 'admission.concurrency.');
    validateQueueOptions(concurrency, 'admission.concurrency.');
  } else if (concurrency !== undefined && typeof concurrency !== 'boolean') {
    expectObject('admission.concurrency', concurrency);
  }
  if (retryBudget !== undefined && retryBudget !== false) {
    expectObject('admission.retryBudget', retryBudget);
    expectKnownKeys(retryBudget, RETRY_BUDGET_KEYS, 'admission.retryBudget');
    validateRetryBudgetOptions(retryBudget, 'admission.retryBudget.');
  }
}
