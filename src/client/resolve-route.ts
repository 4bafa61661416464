import { InvalidArgumentError } from '../errors/errors.js';
import type { EventHub } from '../events/events.js';
import type { TaskRouter } from '../routing/router.js';
import type { AbortToken } from '../transport/abort-token.js';
import type { CallOptions } from './client-options.js';
import type { ModelRegistry } from './model-registry.js';
import type { NormalizedChatRequest, RouteInfo } from './types.js';

/** What a call's `model` resolves to: the alias to run, and how the router chose it (for `'auto'`). */
export type ResolvedRoute = { readonly alias: string; readonly route: RouteInfo | undefined };

/** What routing needs from the client; built once per client. */
export type RouteContext = { readonly registry: ModelRegistry; readonly router: TaskRouter | undefined; readonly events: EventHub };

/**
 * Resolves a `model` that is not a configured alias: `'auto'` goes through the router (emitting
 * `route`); anything else is an `InvalidArgumentError` naming the aliases.
 */
export async function resolveRoute(
  request: NormalizedChatRequest,
  context: RouteContext,
  call: { readonly estimatedTokens: number; readonly token: AbortToken; readonly options: CallOptions; readonly requestId: string },
): Promise<ResolvedRoute> {
  const alias = request.model;
  const { router, registry, events } = context;
  if (alias !== 'auto') {
    if (registry.pools.has(alias)) return { alias, route: undefined };
    throw new InvalidArgumentError(
      'model',
      `Expected \`model\` to be one of ${[...registry.pools.keys(), ...(router ? ['auto'] : [])].map((key) => JSON.stringify(key)).join(', ')}, got ${JSON.stringify(alias)}.`,
    );
  }
  if (!router) throw new InvalidArgumentError('model', 'Expected `model` to be an alias: "auto" needs the client option `router`.');
  const { requestId } = call;
  const decision = await router.route(request, call.estimatedTokens, call.token.signal, { tenant: call.options.tenant, requestId });
  const { tier, reason, source, classifierCost, classifierUsage } = decision;
  const spent = { ...(classifierCost !== undefined ? { classifierCost } : {}), ...(classifierUsage ? { classifierUsage } : {}) };
  if (events.has('route')) events.emit('route', { requestId, tier, alias: decision.alias, reason, ...spent });
  return { alias: decision.alias, route: { tier, reason, source, ...spent } };
}
