import { InvalidArgumentError } from '../errors/errors.js';
import type { Clock } from '../providers/provider.js';
import { AbortToken } from '../transport/abort-token.js';
import type { Transport } from '../transport/transport.js';
import type { ModelRegistry } from './model-registry.js';
import type { EmbedResult } from './types.js';

/** What `llm.embed()` sends. */
export type EmbedTextsRequest = { readonly model: string; readonly input: readonly string[]; readonly dimensions?: number };

/** What the client lends an embedding call. */
export type EmbedServices = {
  readonly registry: ModelRegistry;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: () => number;
};

/** Embeds texts with one deployment of an alias whose adapter supports embeddings (no retries, no fallback). */
export async function embedTexts(services: EmbedServices, request: EmbedTextsRequest, signal: AbortSignal | undefined): Promise<EmbedResult> {
  const { registry, transport, clock } = services;
  const pool = registry.pools.get(request.model);
  if (!pool) throw new InvalidArgumentError('model', `Expected \`model\` to be a configured alias, got ${JSON.stringify(request.model)}.`);
  if (!Array.isArray(request.input) || request.input.length === 0 || request.input.some((text) => typeof text !== 'string' || text.length === 0)) {
    throw new InvalidArgumentError('input', 'Expected `input` to be a non-empty array of non-empty strings.');
  }
  const deployment = pool.pick({ now: clock.now(), random: services.random }) ?? pool.deployments[0]!;
  const adapter = registry.adapters.get(deployment.providerName)!;
  if (!adapter.embed) throw new InvalidArgumentError('model', `The provider of ${JSON.stringify(request.model)} cannot embed.`);
  const token = new AbortToken();
  const unfollow = token.follow(signal);
  try {
    return await adapter.embed(
      { model: deployment.model, input: request.input, ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}) },
      {
        abort: token,
        get signal() {
          return token.signal;
        },
        transport,
        clock,
      },
    );
  } finally {
    unfollow?.();
  }
}
