import { cacheKeyOf } from '../cache/cache-key.js';
import { InvalidArgumentError } from '../errors/errors.js';
import type { EventHub } from '../events/events.js';
import type { CallOptions } from './client-options.js';
import { StreamResult } from './stream-result.js';
import { needsToolLoop } from './tool-wiring.js';
import type { ChatRequest, ChatResponse, NormalizedChatRequest, StreamPart } from './types.js';

/** Options for `llm.prefetch()`. */
export type PrefetchOptions = {
  /** An unclaimed prefetch is cancelled after this long (its cost stays in `usage()`). @default 30_000 */
  readonly ttlMs?: number;
  /** The tenant of the calls that may claim it (as in `CallOptions.tenant`). */
  readonly tenant?: string;
};

type Shared = {
  readonly key: string;
  readonly stream: StreamResult;
  readonly parts: StreamPart[];
  readonly followers: Set<(part: StreamPart) => void>;
  readonly isPrefetch: boolean;
  readers: number;
  isDone: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
};

/**
 * Calls that later calls may join: prefetches (`llm.prefetch()`, claimed once by an equal request)
 * and opted-in coalesced calls (`{ coalesce: true }`, joined by every equal request while in
 * flight). Requests are equal when they share the cache's partition and question (same alias,
 * messages, tools, sampling, provider options and tenant). A joined stream replays the parts so
 * far, then follows; only requests without tools or schema are shared.
 */
export class SharedCalls {
  private readonly calls = new Map<string, Shared>();
  private readonly events: EventHub;
  private readonly start: (request: NormalizedChatRequest, options: CallOptions) => StreamResult;

  constructor(events: EventHub, start: (request: NormalizedChatRequest, options: CallOptions) => StreamResult) {
    this.events = events;
    this.start = start;
  }

  /** Calls open to joiners; when 0 and a call does not opt in, `join` is skipped (no hashing on the hot path). */
  get size(): number {
    return this.calls.size;
  }

  /** Drops every open prefetch and its timer; the calls themselves end with the client's `close()`. */
  close(): void {
    for (const shared of this.calls.values()) clearTimeout(shared.timer);
    this.calls.clear();
  }

  prefetch(request: ChatRequest, options: PrefetchOptions = {}): void {
    const ttlMs = options.ttlMs ?? 30_000;
    if (!(typeof ttlMs === 'number' && ttlMs > 0)) throw new InvalidArgumentError('ttlMs', `Expected \`ttlMs\` to be a positive number, got ${String(ttlMs)}.`);
    if (needsToolLoop(request)) throw new InvalidArgumentError('request', 'Expected a request without `tools` or `schema`: those are not prefetched.');
    const key = keyOf(request as NormalizedChatRequest, options.tenant);
    if (this.calls.has(key)) return;
    const callOptions: CallOptions = { metadata: { prefetch: true }, ...(options.tenant !== undefined ? { tenant: options.tenant } : {}) };
    const shared = this.open(key, request as NormalizedChatRequest, callOptions, true);
    shared.timer = setTimeout(() => this.expire(shared), ttlMs);
    (shared.timer as { unref?: () => void }).unref?.();
    if (this.events.has('prefetch')) this.events.emit('prefetch', { key, outcome: 'started' });
  }

  /**
   * Joins an equal prefetch or coalesced call, or starts one to share when `options.coalesce`.
   * Undefined when there is nothing to join and the call does not opt in.
   */
  join(request: ChatRequest, options: CallOptions, isStream: boolean): StreamResult | Promise<ChatResponse> | undefined {
    if (needsToolLoop(request)) return undefined;
    const key = keyOf(request as NormalizedChatRequest, options.tenant);
    let shared = this.calls.get(key);
    if (shared && !shared.isPrefetch && !options.coalesce) return undefined;
    if (shared?.isPrefetch) {
      this.calls.delete(key);
      clearTimeout(shared.timer);
      if (this.events.has('prefetch')) this.events.emit('prefetch', { key, outcome: 'claimed' });
    } else if (!shared) {
      if (!options.coalesce) return undefined;
      const { coalesce: _coalesce, ...own } = options;
      shared = this.open(key, request as NormalizedChatRequest, own, false);
    }
    return isStream ? this.follow(shared) : (shared.readers++, shared.stream.response);
  }

  private open(key: string, request: NormalizedChatRequest, options: CallOptions, isPrefetch: boolean): Shared {
    const shared: Shared = { key, stream: this.start(request, options), parts: [], followers: new Set(), isPrefetch, readers: 0, isDone: false, timer: undefined };
    this.calls.set(key, shared);
    void this.record(shared);
    return shared;
  }

  private async record(shared: Shared): Promise<void> {
    try {
      for await (const part of shared.stream) {
        shared.parts.push(part);
        for (const follower of shared.followers) follower(part);
      }
    } catch {
      // The failure reaches every reader through `response`.
    } finally {
      shared.isDone = true;
      // A coalesced call takes no joiners once it ended; a finished prefetch waits to be claimed.
      if (!shared.isPrefetch && this.calls.get(shared.key) === shared) this.calls.delete(shared.key);
    }
  }

  /** A stream of a shared call: the parts so far, then each new one. Cancelling it cancels the call once no reader is left. */
  private follow(shared: Shared): StreamResult {
    shared.readers++;
    let isCancelled = false;
    const result = new StreamResult(shared.stream.response, (reason?: unknown) => {
      if (isCancelled) return;
      isCancelled = true;
      shared.followers.delete(push);
      if (--shared.readers === 0 && !shared.isDone) shared.stream.cancel(reason);
    });
    const push = (part: StreamPart) => result.push(part);
    for (const part of shared.parts) push(part);
    shared.followers.add(push);
    return result;
  }

  private expire(shared: Shared): void {
    if (this.calls.get(shared.key) !== shared) return;
    this.calls.delete(shared.key);
    const wasRunning = !shared.isDone;
    if (wasRunning) shared.stream.cancel(new DOMException('The prefetch was not claimed within ttlMs', 'AbortError'));
    void shared.stream.response.then(
      (response) => this.emitExpired(shared.key, wasRunning, response),
      () => this.emitExpired(shared.key, wasRunning, undefined),
    );
  }

  private emitExpired(key: string, wasCancelled: boolean, response: ChatResponse | undefined): void {
    if (!this.events.has('prefetch')) return;
    this.events.emit('prefetch', {
      key,
      outcome: 'expired',
      wasCancelled,
      ...(response ? { usage: response.usage, ...(response.cost !== undefined ? { cost: response.cost } : {}) } : {}),
    });
  }
}

function keyOf(request: NormalizedChatRequest, tenant: string | undefined): string {
  const key = cacheKeyOf(request, tenant ?? '', '');
  return `${key.partition}\u0000${key.id}`;
}
