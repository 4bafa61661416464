import type { LuaScript } from './redis-scripts.js';

/**
 * The Lua scripts of `RedisResumableStreamStore`. A stream is two keys in one hash slot (its id is
 * the hash tag): `<prefix>{<streamId>}:parts`, a list of the parts as JSON (part `seq` at index
 * `seq - 1`), and `<prefix>{<streamId>}:meta`, a hash: `n` parts appended, `e` once a terminal part
 * came, `t` once the stream outgrew the part limit (its list is then dropped). Both expire together.
 */

/**
 * KEYS: parts, meta. ARGV: part JSON, TTL (ms), part limit, '1' when the part ends the stream, channel.
 * Appends the part (or, past the limit, drops the list and marks the stream truncated), refreshes
 * both TTLs and publishes the part, all in one step, so a reader that subscribed before reading
 * sees every part in the list or on the channel.
 */
export const APPEND_PART_SCRIPT: LuaScript = {
  name: 'rllmStreamAppend',
  keys: 'variable',
  lua: `
if not redis.call('HGET', KEYS[2], 't') then
  if redis.call('LLEN', KEYS[1]) < tonumber(ARGV[3]) then
    redis.call('RPUSH', KEYS[1], ARGV[1])
  else
    redis.call('DEL', KEYS[1])
    redis.call('HSET', KEYS[2], 't', '1')
  end
end
redis.call('HINCRBY', KEYS[2], 'n', 1)
if ARGV[4] == '1' then redis.call('HSET', KEYS[2], 'e', '1') end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[5], ARGV[1])
return 1
`,
};

/**
 * KEYS: parts, meta. ARGV: afterSeq.
 * Returns false for an unknown, expired or truncated stream, else { 1 when ended else 0, parts after afterSeq }.
 */
export const READ_PARTS_SCRIPT: LuaScript = {
  name: 'rllmStreamRead',
  keys: 'variable',
  lua: `
local meta = redis.call('HMGET', KEYS[2], 'n', 'e', 't')
if not meta[1] or meta[3] then return false end
local ended = 0
if meta[2] then ended = 1 end
return { ended, redis.call('LRANGE', KEYS[1], ARGV[1], -1) }
`,
};
