import { InvalidArgumentError } from '../errors/errors.js';
import { TenantQuotaExceededError, type TenantQuotaKind } from '../errors/state-errors.js';
import { expectInteger, expectKnownKeys, expectNumber, optionKeys } from '../policy/validate-option.js';
import { isSharedStateStore, reserveLocally, windowSlotKey, windowRemainingMs, type QuotaClaim } from '../state/quota-claim.js';
import { KEY_SEPARATOR, type StateScope } from '../state/state-scope.js';

/** One tenant's limits. Omit a limit to leave it unchecked. */
export type TenantQuota = {
  /** Requests per minute (fixed one-minute windows). */
  readonly rpm?: number;
  /** Prompt tokens per minute, as estimated before sending, corrected by the usage reported. */
  readonly tpm?: number;
  /** USD per `windowMs`: a call is refused once the tenant's spend in the window reached it. */
  readonly perWindowUsd?: number;
  /** The fixed window `perWindowUsd` is counted over. @default 86_400_000 (24 hours) */
  readonly windowMs?: number;
};

/** Quotas by tenant (the call option `tenant`); the key `'*'` applies to every tenant without its own. */
export type TenantQuotaOptions = Readonly<Record<string, TenantQuota>>;

const MINUTE_MS = 60_000;
const DEFAULT_USD_WINDOW_MS = 86_400_000;
const QUOTA_KEYS = /* @__PURE__ */ optionKeys<TenantQuota>()('rpm', 'tpm', 'perWindowUsd', 'windowMs');

/** Validates `budget.tenants`; throws `InvalidArgumentError` naming the field. */
export function validateTenantQuotas(quotas: unknown, field = 'budget.tenants'): asserts quotas is TenantQuotaOptions {
  if (typeof quotas !== 'object' || quotas === null || Array.isArray(quotas)) {
    throw new InvalidArgumentError(field, `Expected \`${field}\` to be an object of quotas by tenant, got ${Array.isArray(quotas) ? 'an array' : typeof quotas}.`);
  }
  for (const [tenant, quota] of Object.entries(quotas as Record<string, unknown>)) {
    const path = `${field}.${tenant}`;
    if (typeof quota !== 'object' || quota === null) throw new InvalidArgumentError(path, `Expected \`${path}\` to be an object, got ${typeof quota}.`);
    expectKnownKeys(quota, QUOTA_KEYS, path, 'a tenant quota option');
    const { rpm, tpm, perWindowUsd, windowMs } = quota as TenantQuota;
    if (rpm !== undefined) expectInteger(`${path}.rpm`, rpm, 1);
    if (tpm !== undefined) expectInteger(`${path}.tpm`, tpm, 1);
    if (perWindowUsd !== undefined) expectNumber(`${path}.perWindowUsd`, perWindowUsd, 0);
    if (windowMs !== undefined) expectNumber(`${path}.windowMs`, windowMs, 1);
  }
}

type Limits = { readonly rpm?: number; readonly tpm?: number; readonly usd?: number; readonly usdWindowMs: number };

/**
 * Per-tenant `rpm`, `tpm` and USD-per-window limits, counted in fixed windows in the `StateStore`,
 * so processes sharing a store hold them together. With a `SharedStateStore` (Redis) a call's
 * claims are counted atomically in one round trip before it is sent; otherwise on the store itself.
 */
export class TenantQuotas {
  private readonly quotas: TenantQuotaOptions;
  private readonly scope: StateScope;
  private readonly limits = new Map<string, Limits | undefined>();

  constructor(quotas: TenantQuotaOptions, scope: StateScope) {
    validateTenantQuotas(quotas);
    this.quotas = quotas;
    this.scope = scope;
  }

  /**
   * Counts one call of `estimatedTokens` for `tenant` at wall-clock `wallMs`, or throws
   * `TenantQuotaExceededError`. Returns undefined when nothing had to wait (no quota, or a local store).
   */
  admit(tenant: string, estimatedTokens: number, wallMs: number): Promise<void> | undefined {
    const limits = this.limitsOf(tenant);
    if (limits === undefined) return undefined;
    const claims: QuotaClaim[] = [];
    const kinds: TenantQuotaKind[] = [];
    const base = this.scope.key(`${tenant}${KEY_SEPARATOR}`);
    if (limits.rpm !== undefined) {
      claims.push({ key: windowSlotKey(`${base}rpm`, MINUTE_MS, wallMs), amount: 1, limit: limits.rpm, ttlMs: MINUTE_MS });
      kinds.push('rpm');
    }
    if (limits.tpm !== undefined) {
      claims.push({ key: windowSlotKey(`${base}tpm`, MINUTE_MS, wallMs), amount: Math.max(1, estimatedTokens), limit: limits.tpm, ttlMs: MINUTE_MS });
      kinds.push('tpm');
    }
    if (limits.usd !== undefined) {
      claims.push({ key: windowSlotKey(`${base}usd`, limits.usdWindowMs, wallMs), amount: 0, limit: limits.usd, ttlMs: limits.usdWindowMs });
      kinds.push('usd');
    }
    const refuse = (index: number): void => {
      if (index < 0) return;
      const kind = kinds[index]!;
      const limit = kind === 'rpm' ? limits.rpm! : kind === 'tpm' ? limits.tpm! : limits.usd!;
      const retryAfterMs = windowRemainingMs(kind === 'usd' ? limits.usdWindowMs : MINUTE_MS, wallMs);
      throw new TenantQuotaExceededError(tenant, kind, limit, { retryAfterMs });
    };
    const store = this.scope.store;
    if (isSharedStateStore(store)) return store.reserve(claims).then(refuse);
    refuse(reserveLocally(store, claims));
    return undefined;
  }

  /** Adds what a call of `tenant` cost, and corrects its token estimate, once it ended. */
  settle(tenant: string, usd: number, tokenCorrection: number, wallMs: number): void {
    const limits = this.limitsOf(tenant);
    if (limits === undefined) return;
    const base = this.scope.key(`${tenant}${KEY_SEPARATOR}`);
    if (limits.usd !== undefined && usd > 0) this.scope.store.increment(windowSlotKey(`${base}usd`, limits.usdWindowMs, wallMs), usd, limits.usdWindowMs);
    if (limits.tpm !== undefined && tokenCorrection !== 0) this.scope.store.increment(windowSlotKey(`${base}tpm`, MINUTE_MS, wallMs), tokenCorrection, MINUTE_MS);
  }

  private limitsOf(tenant: string): Limits | undefined {
    if (this.limits.has(tenant)) return this.limits.get(tenant);
    const quota = this.quotas[tenant] ?? this.quotas['*'];
    const limits =
      quota && (quota.rpm !== undefined || quota.tpm !== undefined || quota.perWindowUsd !== undefined)
        ? {
            ...(quota.rpm !== undefined ? { rpm: quota.rpm } : {}),
            ...(quota.tpm !== undefined ? { tpm: quota.tpm } : {}),
            ...(quota.perWindowUsd !== undefined ? { usd: quota.perWindowUsd } : {}),
            usdWindowMs: quota.windowMs ?? DEFAULT_USD_WINDOW_MS,
          }
        : undefined;
    if (this.limits.size < 10_000) this.limits.set(tenant, limits);
    return limits;
  }
}
