import { describe, ResilientLLMError, type ErrorDetails } from './resilient-llm-error.js';

/** Which of a tenant's limits a call would break. */
export type TenantQuotaKind = 'rpm' | 'tpm' | 'usd';

/** A tenant's `rpm`, `tpm` or USD-per-window quota is spent (across every process sharing the store); the call was not sent. */
export class TenantQuotaExceededError extends ResilientLLMError {
  override readonly name = 'TenantQuotaExceededError';
  readonly tenant: string;
  readonly quota: TenantQuotaKind;
  readonly limit: number;
  constructor(tenant: string, quota: TenantQuotaKind, limit: number, details: ErrorDetails = {}) {
    super('RLLM_TENANT_QUOTA', describe(details, `tenant ${JSON.stringify(tenant)} reached its ${quota} quota of ${limit}`), false, details);
    this.tenant = tenant;
    this.quota = quota;
    this.limit = limit;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), tenant: this.tenant, quota: this.quota, limit: this.limit };
  }
}

/** A shared state store with `onStoreError: 'fail-closed'` cannot be reached; the call was not sent. Retryable. */
export class StateStoreUnavailableError extends ResilientLLMError {
  override readonly name = 'StateStoreUnavailableError';
  constructor(what: string, details: ErrorDetails = {}) {
    super('RLLM_STATE_STORE_UNAVAILABLE', describe(details, what), true, details);
  }
}
