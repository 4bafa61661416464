import { StateStoreUnavailableError } from '../../errors/state-errors.js';
import type { RedisRunner } from './redis-runner.js';
import type { RedisSubscriber } from './redis-subscriber.js';
import { withTimeout } from './with-timeout.js';

type Listener = (message: string) => void;

type Channel = {
  readonly listeners: Set<Listener>;
  /** Whether the channel is subscribed (or being subscribed) for its listeners. */
  isWanted: boolean;
  /** The last SUBSCRIBE: its listeners wait for it. */
  ready: Promise<void>;
  /** The last command sent for the channel, settled either way: the next waits for it. */
  tail: Promise<void>;
};

const ignore = (): void => undefined;

/**
 * Pub/sub for many listeners on one subscriber connection, opened on the first subscription and
 * closed when the last listener leaves (or on `close()`). A channel is subscribed once, however
 * many listen to it; its SUBSCRIBE and UNSUBSCRIBE commands go out one after the other.
 */
export class RedisChannelHub {
  private readonly channels = new Map<string, Channel>();
  private connection: RedisSubscriber | undefined;
  private isClosed = false;
  private readonly runner: RedisRunner;
  private readonly timeoutMs: number;

  constructor(runner: RedisRunner, timeoutMs: number) {
    this.runner = runner;
    this.timeoutMs = timeoutMs;
  }

  /** Resolves, with the function that unsubscribes, once messages to `channel` reach `listener`. */
  async subscribe(channel: string, listener: Listener): Promise<() => void> {
    if (this.isClosed) throw new StateStoreUnavailableError('redis: the stream store is closed');
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), isWanted: false, ready: Promise.resolve(), tail: Promise.resolve() };
      this.channels.set(channel, entry);
    }
    // A wrapper per call, so one function subscribed twice is two listeners.
    const own: Listener = (message) => listener(message);
    entry.listeners.add(own);
    if (!entry.isWanted) {
      entry.isWanted = true;
      const connection = this.open();
      entry.ready = entry.tail.then(() => connection.subscribe(channel));
      entry.tail = entry.ready.then(ignore, ignore);
    }
    const subscribed = entry;
    try {
      await withTimeout(subscribed.ready, this.timeoutMs, 'subscribe');
    } catch (error) {
      this.leave(channel, subscribed, own);
      throw error;
    }
    let isSubscribed = true;
    return () => {
      if (!isSubscribed) return;
      isSubscribed = false;
      this.leave(channel, subscribed, own);
    };
  }

  /** Closes the subscriber connection; later subscriptions are refused. */
  close(): void {
    this.isClosed = true;
    this.channels.clear();
    this.drop();
  }

  /** Channels with a listener, or with a command still on its way. */
  get size(): number {
    return this.channels.size;
  }

  private open(): RedisSubscriber {
    this.connection ??= this.runner.openSubscriber((channel, message) => this.dispatch(channel, message));
    return this.connection;
  }

  private dispatch(channel: string, message: string): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    for (const listener of entry.listeners) {
      try {
        listener(message);
      } catch {
        // One failing listener must not starve the others.
      }
    }
  }

  private leave(channel: string, entry: Channel, listener: Listener): void {
    if (!entry.listeners.delete(listener) || entry.listeners.size > 0 || this.channels.get(channel) !== entry) return;
    entry.isWanted = false;
    const connection = this.connection;
    if (connection) entry.tail = entry.tail.then(() => connection.unsubscribe(channel)).then(ignore, ignore);
    void entry.tail.then(() => {
      // Subscribed again meanwhile: the entry stays.
      if (entry.isWanted || this.channels.get(channel) !== entry) return;
      this.channels.delete(channel);
      if (this.channels.size === 0) this.drop();
    });
  }

  private drop(): void {
    const connection = this.connection;
    this.connection = undefined;
    connection?.close();
  }
}
