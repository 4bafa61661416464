/**
 * A second connection in subscriber mode, opened with the client's `duplicate()` (a connection
 * that has subscribed can send nothing else). Commands are sent in the order they are called, so a
 * SUBSCRIBE, UNSUBSCRIBE, SUBSCRIBE of one channel ends subscribed.
 */
export type RedisSubscriber = {
  /** Resolves once the server confirmed the subscription: from then on no message is missed. */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** Drops the connection at once; pending commands reject (their rejections are handled here). */
  close(): void;
};

export type MessageListener = (channel: string, message: string) => void;

type IORedisPubSub = {
  duplicate(): IORedisPubSub;
  on(event: string, listener: (...args: never[]) => void): unknown;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  disconnect(): void;
};

type NodeRedisPubSub = {
  duplicate(): NodeRedisPubSub;
  on(event: string, listener: (...args: never[]) => void): unknown;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  destroy?(): void;
  disconnect?(): Promise<void>;
};

const ignore = (): void => undefined;

/** ioredis queues commands until the duplicate is connected and subscribes again after a reconnect. */
export function ioredisSubscriber(client: object, onMessage: MessageListener): RedisSubscriber {
  const connection = (client as IORedisPubSub).duplicate();
  connection.on('error', ignore);
  connection.on('message', onMessage as (...args: never[]) => void);
  return {
    subscribe: (channel) => connection.subscribe(channel).then(ignore),
    unsubscribe: (channel) => connection.unsubscribe(channel).then(ignore),
    close: () => connection.disconnect(),
  };
}

/** node-redis rejects commands before `connect()`, so each waits for it (in call order: one promise). */
export function nodeRedisSubscriber(client: object, onMessage: MessageListener): RedisSubscriber {
  const connection = (client as NodeRedisPubSub).duplicate();
  connection.on('error', ignore);
  const connected = connection.connect();
  connected.catch(ignore);
  // One listener for every channel: node-redis keeps a set per channel, so UNSUBSCRIBE goes out when it leaves.
  const listener = (message: string, channel: string) => onMessage(channel, message);
  return {
    subscribe: (channel) => connected.then(() => connection.subscribe(channel, listener)),
    unsubscribe: (channel) => connected.then(() => connection.unsubscribe(channel, listener)),
    close() {
      if (typeof connection.destroy === 'function') {
        try {
          connection.destroy();
        } catch {
          // Not open (the connection failed): nothing to drop.
        }
      } else connection.disconnect?.().catch(ignore);
    },
  };
}
