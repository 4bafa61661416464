import { InvalidArgumentError } from '../errors/errors.js';
import { isTerminalPart, type WirePart } from './wire-part.js';

/** What a store holds for one stream: the parts after a point, and whether the stream ended. */
export type StoredParts = { readonly parts: readonly WirePart[]; readonly isEnded: boolean };

/**
 * Where resumable streams keep their parts, so a reader that reconnects gets the rest. Part ids are
 * `<streamId>:<seq>` with `seq` counting up from 1 with no gap. A shared store (Redis: a list per
 * stream with a TTL, plus pub/sub for `subscribe`) lets the reader reconnect to another process.
 */
export interface ResumableStreamStore {
  /** Appends the next part of a stream (and tells its subscribers); refreshes the stream's TTL. */
  append(streamId: string, part: WirePart): void | Promise<void>;
  /** The parts with `seq > afterSeq`, or undefined when the stream is unknown or expired. */
  read(streamId: string, afterSeq: number): StoredParts | undefined | Promise<StoredParts | undefined>;
  /**
   * Calls `listener` with each part appended from now on; returns (or resolves to, once the
   * subscription is in place) the function that unsubscribes. A reader subscribes first and reads
   * after, so each part reaches it one way or the other; it drops the parts it already has by `seq`.
   */
  subscribe(streamId: string, listener: (part: WirePart) => void): (() => void) | Promise<() => void>;
}

export type MemoryResumableStreamStoreOptions = {
  /** How long a stream's parts are kept after its last part. @default 300_000 */
  readonly ttlMs?: number;
  /** Streams kept at most; the one written longest ago goes first. @default 1_000 */
  readonly maxStreams?: number;
  /** Parts kept per stream; a longer stream stops being resumable. @default 100_000 */
  readonly maxPartsPerStream?: number;
  /** Milliseconds clock (tests). @default Date.now */
  readonly now?: () => number;
};

type Entry = { parts: WirePart[]; isEnded: boolean; isTruncated: boolean; expiresAt: number; readonly listeners: Set<(part: WirePart) => void> };

/** A `ResumableStreamStore` in this process's memory. Expired streams are dropped as others are written. */
export class MemoryResumableStreamStore implements ResumableStreamStore {
  private readonly streams = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxStreams: number;
  private readonly maxParts: number;
  private readonly now: () => number;

  constructor(options: MemoryResumableStreamStoreOptions = {}) {
    this.ttlMs = positive('ttlMs', options.ttlMs ?? 300_000);
    this.maxStreams = positive('maxStreams', options.maxStreams ?? 1_000);
    this.maxParts = positive('maxPartsPerStream', options.maxPartsPerStream ?? 100_000);
    this.now = options.now ?? Date.now;
  }

  append(streamId: string, part: WirePart): void {
    const now = this.now();
    const entry = this.streams.get(streamId) ?? this.create(streamId, now);
    // Re-inserted on every write: the map stays ordered by last write, so expiry scans from the front.
    this.streams.delete(streamId);
    this.streams.set(streamId, entry);
    entry.expiresAt = now + this.ttlMs;
    if (entry.parts.length < this.maxParts) entry.parts.push(part);
    else if (!entry.isTruncated) {
      entry.isTruncated = true;
      entry.parts = [];
    }
    if (isTerminalPart(part)) entry.isEnded = true;
    for (const listener of entry.listeners) listener(part);
    this.purge(now);
  }

  read(streamId: string, afterSeq: number): StoredParts | undefined {
    const entry = this.streams.get(streamId);
    if (!entry || entry.isTruncated || entry.expiresAt <= this.now()) return undefined;
    return { parts: entry.parts.slice(afterSeq), isEnded: entry.isEnded };
  }

  subscribe(streamId: string, listener: (part: WirePart) => void): () => void {
    const entry = this.streams.get(streamId) ?? this.create(streamId, this.now());
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Streams held now (expired ones included until the next write). */
  get size(): number {
    return this.streams.size;
  }

  private create(streamId: string, now: number): Entry {
    const entry: Entry = { parts: [], isEnded: false, isTruncated: false, expiresAt: now + this.ttlMs, listeners: new Set() };
    this.streams.set(streamId, entry);
    return entry;
  }

  private purge(now: number): void {
    for (const [streamId, entry] of this.streams) {
      if (entry.expiresAt > now && this.streams.size <= this.maxStreams) break;
      this.streams.delete(streamId);
    }
  }
}

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0)) throw new InvalidArgumentError(name, `Expected \`${name}\` to be a positive number, got ${String(value)}.`);
  return value;
}
