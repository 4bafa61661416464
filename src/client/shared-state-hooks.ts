import { TenantQuotas } from '../cost/tenant-quotas.js';
import { StateStoreUnavailableError } from '../errors/state-errors.js';
import type { EventHub } from '../events/events.js';
import type { DeploymentPool } from '../policy/pool/deployment-pool.js';
import type { Clock } from '../shared/clock.js';
import { isSharedStateStore } from '../state/quota-claim.js';
import type { StateScope } from '../state/state-scope.js';
import type { ClientOptions } from './client-options.js';
import { sharedAttemptAdmission, type AttemptAdmission } from './shared-admission.js';

/** What the client does around a call for tenant quotas and a shared (Redis) state store. */
export type SharedStateHooks = {
  readonly admitAttempt: AttemptAdmission | undefined;
  /** Before a call is planned: refuses it while a fail-closed store is down, counts it against its tenant's quota. */
  beforeCall(tenant: string | undefined, estimatedTokens: number): Promise<void> | undefined;
  /** After a call ended: adds its cost to its tenant's spend and corrects its token estimate. */
  afterCall(tenant: string | undefined, usd: number, tokenCorrection: number): void;
  /** Stops forwarding store errors. */
  close(): void;
};

/** Undefined when the client has neither tenant quotas nor a shared store: the call path stays as it was. */
export function sharedStateHooks(
  options: ClientOptions,
  state: StateScope,
  pools: ReadonlyMap<string, DeploymentPool>,
  clock: Clock,
  events: EventHub,
): SharedStateHooks | undefined {
  const store = isSharedStateStore(options.stateStore) ? options.stateStore : undefined;
  const tenants = options.budget?.tenants;
  if (store === undefined && tenants === undefined) return undefined;
  const quotas = tenants === undefined ? undefined : new TenantQuotas(tenants, state.child('tenant'));
  const unsubscribe = store?.onStoreError((error, operation) => {
    if (events.has('state-store-error')) events.emit('state-store-error', { operation, error, mode: store.errorMode });
  });
  const isFailClosed = store?.errorMode === 'fail-closed';
  const wallNow = (): number => clock.now() + (clock.timeOrigin ?? 0);
  return {
    admitAttempt: store ? sharedAttemptAdmission(store, options, pools, clock) : undefined,
    beforeCall(tenant, estimatedTokens) {
      if (isFailClosed && !store!.isAvailable) {
        throw new StateStoreUnavailableError('the shared state store cannot be reached and `onStoreError` is fail-closed; nothing was sent');
      }
      return tenant === undefined || quotas === undefined ? undefined : quotas.admit(tenant, estimatedTokens, wallNow());
    },
    afterCall(tenant, usd, tokenCorrection) {
      if (tenant !== undefined) quotas?.settle(tenant, usd, tokenCorrection, wallNow());
    },
    close: () => unsubscribe?.(),
  };
}
