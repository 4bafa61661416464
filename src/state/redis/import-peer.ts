import { MissingPeerDependencyError } from '../../errors/errors.js';

/**
 * Imports an optional peer dependency at run time, so nothing loads it for users who never call
 * this; throws `MissingPeerDependencyError` naming the package when it is not installed.
 */
export async function importPeer<T>(packageName: string, feature: string, load: (name: string) => Promise<unknown> = (name) => import(name)): Promise<T> {
  try {
    return (await load(packageName)) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new MissingPeerDependencyError(packageName, feature, error);
    throw error;
  }
}

/**
 * Opens a Redis client for `url` with the package you have installed: `ioredis` (the default) or
 * `redis` (node-redis, connected before it is returned). Close it yourself (`quit()`) when done.
 */
export async function createRedisClient(url: string, options: { readonly package?: 'ioredis' | 'redis' } = {}): Promise<object> {
  if (options.package === 'redis') {
    const redis = await importPeer<{ createClient(options: { url: string }): { connect(): Promise<object> } }>('redis', 'createRedisClient');
    return redis.createClient({ url }).connect();
  }
  const ioredis = await importPeer<{ default: new (url: string) => object }>('ioredis', 'createRedisClient');
  return new ioredis.default(url);
}
