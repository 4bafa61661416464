import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../errors/errors.js';
import type { LuaScript } from './redis-scripts.js';
import { ioredisSubscriber, nodeRedisSubscriber, type MessageListener, type RedisSubscriber } from './redis-subscriber.js';

/** An `ioredis` client (`Redis` or `Cluster`) or a `redis` (node-redis) client; typed loosely so neither package is needed to compile. */
export type RedisClient = object;

/** The few things the store needs from a client, whichever package it comes from. Picked once per client. */
export type RedisRunner = {
  readonly kind: 'ioredis' | 'node-redis';
  /** Whether the client is connected: commands sent otherwise would only wait in its offline queue. */
  isReady(): boolean;
  /** Runs `script`: EVALSHA, with EVAL when the server does not know it yet. */
  run(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  /** Sends one command. */
  command(args: readonly (string | number)[]): Promise<unknown>;
  /** Opens a second connection (`duplicate()`) for pub/sub; `onMessage` gets every message it receives. */
  openSubscriber(onMessage: MessageListener): RedisSubscriber;
};

type IORedisLike = {
  status: string;
  defineCommand(name: string, definition: { lua: string }): void;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
} & Record<string, unknown>;

type NodeRedisLike = {
  isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
};

/** Wraps `client`, telling the two packages apart by shape; throws `InvalidArgumentError` for anything else. */
export function redisRunner(client: RedisClient, field = 'client'): RedisRunner {
  const candidate = client as Partial<IORedisLike & NodeRedisLike> | null;
  if (typeof candidate?.defineCommand === 'function' && typeof candidate.call === 'function') return ioredisRunner(candidate as IORedisLike);
  if (typeof candidate?.sendCommand === 'function') return nodeRedisRunner(candidate as NodeRedisLike);
  throw new InvalidArgumentError(field, `Expected \`${field}\` to be an ioredis client or a redis (node-redis) client, got ${typeof client}.`);
}

/**
 * ioredis: each script is registered once with `defineCommand`, whose command sends EVALSHA and
 * falls back to EVAL on NOSCRIPT (per connection), so SHAs are not cached here.
 */
function ioredisRunner(client: IORedisLike): RedisRunner {
  const define = (script: LuaScript): void => {
    if (typeof client[script.name] !== 'function') client.defineCommand(script.name, { lua: script.lua });
  };
  return {
    kind: 'ioredis',
    isReady: () => client.status === 'ready',
    run(script, keys, args) {
      define(script);
      const command = client[script.name] as (...input: (string | number)[]) => Promise<unknown>;
      return command.call(client, keys.length, ...keys, ...args);
    },
    command: ([name, ...args]) => client.call(String(name), ...args),
    openSubscriber: (onMessage) => ioredisSubscriber(client, onMessage),
  };
}

/** node-redis: EVALSHA through `sendCommand`, EVAL on NOSCRIPT (the server then knows the script). */
function nodeRedisRunner(client: NodeRedisLike): RedisRunner {
  const shas = new WeakMap<LuaScript, string>();
  const shaOf = (script: LuaScript): string => {
    let sha = shas.get(script);
    if (sha === undefined) {
      sha = createHash('sha1').update(script.lua).digest('hex');
      shas.set(script, sha);
    }
    return sha;
  };
  return {
    kind: 'node-redis',
    isReady: () => client.isReady === true,
    async run(script, keys, args) {
      const rest = [String(keys.length), ...keys, ...args.map(String)];
      try {
        return await client.sendCommand(['EVALSHA', shaOf(script), ...rest]);
      } catch (error) {
        if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
        return client.sendCommand(['EVAL', script.lua, ...rest]);
      }
    },
    command: (args) => client.sendCommand(args.map(String)),
    openSubscriber: (onMessage) => nodeRedisSubscriber(client, onMessage),
  };
}
