import { StateStoreUnavailableError } from '../../errors/state-errors.js';
import { expectInteger, expectNumber, failOption } from '../../policy/validate-option.js';
import type { ResumableStreamStore, StoredParts } from '../../relay/resumable-stream-store.js';
import { isTerminalPart, type WirePart } from '../../relay/wire-part.js';
import { RedisChannelHub } from './redis-channel-hub.js';
import { redisRunner, type RedisClient, type RedisRunner } from './redis-runner.js';
import { APPEND_PART_SCRIPT, READ_PARTS_SCRIPT } from './redis-stream-scripts.js';
import { withTimeout } from './with-timeout.js';

export type RedisResumableStreamStoreOptions = {
  /** An `ioredis` client or a connected `redis` client. Not closed by the store; subscriptions use a `duplicate()` of it. */
  readonly client: RedisClient;
  /** Put before every key and channel; the stream id follows as a hash tag (`<prefix>{<streamId>}:parts`). @default 'llm:stream:' */
  readonly prefix?: string;
  /** How long a stream's parts are kept after its last part. @default 300_000 (5 minutes) */
  readonly ttlMs?: number;
  /** Parts kept per stream; a longer stream stops being resumable. @default 100_000 */
  readonly maxPartsPerStream?: number;
  /** The longest one Redis operation (append, read, subscribe) may take; past it (or on any Redis error), it rejects with `StateStoreUnavailableError`. @default 1_000 */
  readonly timeoutMs?: number;
};

/**
 * A `ResumableStreamStore` on Redis, so a reader may reconnect to another process than the one
 * running the call. Per stream: a list of its parts and a small hash, in one hash slot, both
 * expiring `ttlMs` after the last part. `append` is one Lua script (push, TTL, end marker,
 * PUBLISH); `read` is another; `subscribe` listens on the stream's channel through one subscriber
 * connection per store, opened on the first subscription and closed when the last one leaves.
 * Call `close()` at shutdown (the client you passed stays open).
 */
export class RedisResumableStreamStore implements ResumableStreamStore {
  private readonly runner: RedisRunner;
  private readonly hub: RedisChannelHub;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly maxParts: number;
  private readonly timeoutMs: number;

  constructor(options: RedisResumableStreamStoreOptions) {
    this.runner = redisRunner(options?.client);
    this.prefix = options.prefix ?? 'llm:stream:';
    if (typeof this.prefix !== 'string') failOption('prefix', 'a string', this.prefix);
    this.ttlMs = options.ttlMs ?? 300_000;
    this.maxParts = options.maxPartsPerStream ?? 100_000;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    expectInteger('ttlMs', this.ttlMs, 1);
    expectInteger('maxPartsPerStream', this.maxParts, 1);
    expectNumber('timeoutMs', this.timeoutMs, 1);
    this.hub = new RedisChannelHub(this.runner, this.timeoutMs);
  }

  async append(streamId: string, part: WirePart): Promise<void> {
    const keys = this.keys(streamId);
    const args = [JSON.stringify(part), this.ttlMs, this.maxParts, isTerminalPart(part) ? '1' : '0', this.channel(streamId)];
    await this.send(() => this.runner.run(APPEND_PART_SCRIPT, keys, args), 'append');
  }

  async read(streamId: string, afterSeq: number): Promise<StoredParts | undefined> {
    const reply = await this.send(() => this.runner.run(READ_PARTS_SCRIPT, this.keys(streamId), [Math.max(0, Math.floor(afterSeq))]), 'read');
    if (!Array.isArray(reply)) return undefined;
    const [ended, parts] = reply as [unknown, unknown[]];
    return { parts: parts.map((json) => JSON.parse(String(json)) as WirePart), isEnded: Number(ended) === 1 };
  }

  /** Resolves once the subscription is confirmed by Redis, so a `read()` after it misses nothing. */
  subscribe(streamId: string, listener: (part: WirePart) => void): Promise<() => void> {
    return this.hub.subscribe(this.channel(streamId), (message) => {
      let part: WirePart;
      try {
        part = JSON.parse(message) as WirePart;
      } catch {
        return;
      }
      listener(part);
    });
  }

  /** Closes the subscriber connection: subscriptions end, later ones are refused. `append` and `read` go on. */
  close(): void {
    this.hub.close();
  }

  /** Streams with a live subscription here. */
  get subscribedStreams(): number {
    return this.hub.size;
  }

  private keys(streamId: string): [string, string] {
    return [`${this.prefix}{${streamId}}:parts`, `${this.prefix}{${streamId}}:meta`];
  }

  private channel(streamId: string): string {
    return `${this.prefix}{${streamId}}:live`;
  }

  // Unlike the state store, commands are sent while the client is (re)connecting: a stream that
  // starts as the process boots is then still shared. Each waits in the client's queue at most
  // `timeoutMs`, and the relay stops writing a stream after its first failure, so few pile up.
  private send(operation: () => Promise<unknown>, what: string): Promise<unknown> {
    return withTimeout(operation(), this.timeoutMs, `stream ${what}`).catch((error: unknown) => {
      throw error instanceof StateStoreUnavailableError ? error : new StateStoreUnavailableError(`redis: stream ${what} failed`, { cause: error });
    });
  }
}

/** A `ResumableStreamStore` on Redis for `StreamRelay`, shared by every process with the same prefix; see `RedisResumableStreamStore`. */
export function redisResumableStreamStore(options: RedisResumableStreamStoreOptions): RedisResumableStreamStore {
  return new RedisResumableStreamStore(options);
}
