// `llm-resilience/redis`: state and cached answers shared by many processes through Redis.
// Neither `ioredis` nor `redis` is imported here: you pass a client (or `createRedisClient` imports one on demand).
export { redisStateStore, RedisStateStore, type RedisStateStoreOptions } from './state/redis/redis-state-store.js';
export { redisResponseStore, RedisResponseStore, type RedisResponseStoreOptions } from './state/redis/redis-response-store.js';
export { RedisStateBackend, type RedisStateBackendOptions } from './state/redis/redis-state-backend.js';
export { createRedisClient, importPeer } from './state/redis/import-peer.js';
export type { RedisClient } from './state/redis/redis-runner.js';
export type { SharedStateStore, QuotaClaim, QuotaVerdict, StoreErrorMode } from './state/quota-claim.js';
export { redisResumableStreamStore, RedisResumableStreamStore, type RedisResumableStreamStoreOptions } from './state/redis/redis-resumable-stream-store.js';
