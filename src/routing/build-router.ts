import { InvalidArgumentError } from '../errors/errors.js';
import type { Clock } from '../shared/clock.js';
import type { RouterChat } from './alias-classifier.js';
import { expectObject, failOption, throwUnknownKey } from '../policy/validate-option.js';
import { ROUTER_KEYS, TaskRouter, type TaskRouterOptions } from './router.js';

/** What the client lends its router. */
export type RouterServices = {
  /** Whether `alias` is a configured model alias. */
  readonly hasAlias: (alias: string) => boolean;
  readonly contextWindows: (alias: string) => number | undefined;
  readonly clock: Clock;
  /** The client's own `chat()`, for `llmClassifier.alias`. */
  readonly chat: RouterChat;
};

/**
 * The client's router from its `router` option (a tier → alias map, or full router options),
 * with every tier's alias and the LLM classifier's alias checked against the configured ones.
 */
export function buildRouter(option: Readonly<Record<string, string>> | TaskRouterOptions, services: RouterServices): TaskRouter {
  expectObject('router', option);
  if (!('tiers' in option)) {
    // The shorthand maps tiers to aliases; a key whose value is not an alias is a misspelt option.
    for (const [key, value] of Object.entries(option)) {
      if (typeof value === 'string') continue;
      if (ROUTER_KEYS.has(key)) failOption('router.tiers', `the tier → alias map when \`router.${key}\` is set`, undefined);
      throwUnknownKey(key, ROUTER_KEYS, 'router', 'a router option or tier');
    }
  }
  const options: TaskRouterOptions =
    'tiers' in option && typeof option.tiers === 'object' ? (option as TaskRouterOptions) : { tiers: option as Readonly<Record<string, string>> };
  for (const [tier, alias] of Object.entries(options.tiers)) {
    if (!services.hasAlias(alias)) {
      throw new InvalidArgumentError(`router.${tier}`, `Expected \`router.${tier}\` to be a configured alias, got ${JSON.stringify(alias)}.`);
    }
  }
  const labeller = options.llmClassifier?.alias;
  if (labeller !== undefined && labeller !== 'auto' && !services.hasAlias(labeller)) {
    throw new InvalidArgumentError('router.llmClassifier.alias', `Expected \`router.llmClassifier.alias\` to be a configured alias, got ${JSON.stringify(labeller)}.`);
  }
  return new TaskRouter({
    contextWindows: services.contextWindows,
    clock: services.clock,
    ...options,
    // The classifier's call runs as a plain call on its alias: never routed, never cached.
    chat: services.chat,
  });
}
