import { createHash } from 'node:crypto';
import type { NormalizedChatRequest } from '../../client/types.js';
import { estimateTextTokens } from '../../cost/estimate-tokens.js';

/** Options of `affinity: { type: 'prompt-prefix', … }` on a pool. */
export type PromptPrefixAffinityOptions = {
  readonly type: 'prompt-prefix';
  /** How long a conversation stays on the deployment that last served it (vendors keep prompt caches ~5–10 min). @default 300_000 */
  readonly ttlMs?: number;
  /** Conversations remembered at most; the least recently served are forgotten first. @default 10_000 */
  readonly maxEntries?: number;
};

export const DEFAULT_AFFINITY_TTL_MS = 300_000;
export const DEFAULT_AFFINITY_MAX_ENTRIES = 10_000;

type Entry = { deploymentId: string; expiresAt: number };

const keys = new WeakMap<NormalizedChatRequest, string>();

/**
 * The affinity key of a request: a hash of its stable prefix root (system messages, tools, and the
 * first turn after the system prompt). It is the same on every turn of one conversation (each turn
 * only appends), and it is what every prompt cache is keyed on: the vendor caches by exact prefix.
 * Memoized per request object, so retries and fallbacks hash once.
 */
export function promptPrefixKey(request: NormalizedChatRequest): string {
  const memoized = keys.get(request);
  if (memoized !== undefined) return memoized;
  const hash = createHash('sha256');
  for (const message of request.messages) {
    if (message.role === 'system') {
      hash.update(`s\u0000${message.content}\u0000`);
      continue;
    }
    hash.update(`${message.role}\u0000${JSON.stringify(message.content ?? null)}\u0000`);
    break;
  }
  for (const tool of request.tools ?? []) hash.update(`t\u0000${tool.name}\u0000${JSON.stringify(tool.parameters)}\u0000`);
  const key = hash.digest('base64url');
  keys.set(request, key);
  return key;
}

/**
 * Estimated tokens of the request's stable prefix (system messages and every turn before the final
 * user turn): what a warm prompt cache would serve at the cached rate.
 */
export function stablePrefixTokens(request: NormalizedChatRequest): number {
  const messages = request.messages;
  let end = messages.length;
  if (messages[end - 1]?.role === 'user') end--;
  let tokens = 0;
  for (let index = 0; index < end; index++) {
    const message = messages[index]!;
    tokens += estimateTextTokens(typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? ''));
  }
  return tokens;
}

/**
 * Which deployment of a pool served each conversation last, for `ttlMs`: the one that holds its
 * warm prompt cache. Bounded to `maxEntries` (least recently served dropped first). In-process.
 */
export class PromptPrefixAffinity {
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: Omit<PromptPrefixAffinityOptions, 'type'> = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_AFFINITY_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_AFFINITY_MAX_ENTRIES;
  }

  /** The deployment that holds `key`'s warm prefix at `now`, if any. */
  deploymentFor(key: string, now: number): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.deploymentId;
  }

  /** Records that `deploymentId` served `key` at `now` (its cache is warm until `now + ttlMs`). */
  served(key: string, deploymentId: string, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { deploymentId, expiresAt: now + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
