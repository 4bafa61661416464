/**
 * The Lua scripts the Redis store runs. Each is one atomic step on the server, so a sync or a
 * reservation is one round trip and no other client's command lands in the middle of it.
 *
 * Values: numbers are stored as decimal strings (so `INCRBYFLOAT` works on them), strings as JSON
 * (a leading `"` tells them apart). Every key gets a TTL: writes without one get ARGV[2].
 */

/** A Lua script and the name it is registered under with ioredis' `defineCommand`. */
export type LuaScript = { readonly name: string; readonly keys: 'variable'; readonly lua: string };

/**
 * KEYS: the W written keys, in write order, then the keys to read.
 * ARGV: W, the default TTL, then per write: op (`s` set, `i` increment, `m` max, `d` delete), value or amount, TTL or ''.
 * Returns, per read key: value (or false) and PTTL.
 */
export const SYNC_SCRIPT: LuaScript = {
  name: 'rllmStateSync',
  keys: 'variable',
  lua: `
local writes = tonumber(ARGV[1])
local defaultTtl = ARGV[2]
local arg = 3
for index = 1, writes do
  local op, value, ttl = ARGV[arg], ARGV[arg + 1], ARGV[arg + 2]
  arg = arg + 3
  local key = KEYS[index]
  if ttl == '' then ttl = defaultTtl end
  if op == 's' then
    redis.call('SET', key, value, 'PX', ttl)
  elseif op == 'i' then
    local result = redis.pcall('INCRBYFLOAT', key, value)
    if type(result) == 'table' and result.err then redis.call('SET', key, value) end
    if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ttl) end
  elseif op == 'm' then
    local current = tonumber(redis.call('GET', key))
    if current == nil or current < tonumber(value) then redis.call('SET', key, value, 'PX', ttl) end
  else
    redis.call('DEL', key)
  end
end
local out = {}
for index = writes + 1, #KEYS do
  local value = redis.call('GET', KEYS[index])
  if value then
    out[#out + 1] = value
    out[#out + 1] = redis.call('PTTL', KEYS[index])
  else
    out[#out + 1] = false
    out[#out + 1] = -2
  end
end
return out
`,
};

/**
 * KEYS: one counter per claim. ARGV: per claim: amount, limit, TTL.
 * Counts every claim, or none: returns 0 when all fit, else the 1-based index of the first that did not.
 */
export const RESERVE_SCRIPT: LuaScript = {
  name: 'rllmStateReserve',
  keys: 'variable',
  lua: `
for index = 1, #KEYS do
  local amount, limit = tonumber(ARGV[index * 3 - 2]), tonumber(ARGV[index * 3 - 1])
  local current = tonumber(redis.call('GET', KEYS[index]) or '0') or 0
  if amount > 0 then
    if current + amount > limit then return index end
  elseif current >= limit then
    return index
  end
end
for index = 1, #KEYS do
  local amount = tonumber(ARGV[index * 3 - 2])
  if amount > 0 then
    redis.call('INCRBYFLOAT', KEYS[index], ARGV[index * 3 - 2])
    if redis.call('PTTL', KEYS[index]) < 0 then redis.call('PEXPIRE', KEYS[index], ARGV[index * 3]) end
  end
end
return 0
`,
};
