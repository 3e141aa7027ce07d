-- One session slot, atomically (connection_limits per user/domain across nodes; docs/scale-out.md).
-- KEYS[1]: a sorted set of the slots held, each scored by when it lapses (ms, the server's clock).
-- ARGV: 1 the lease id, 2 max slots, 3 how long a slot lives without renewal (ms).
-- Lapsed slots (their node died, or stopped renewing) are dropped first. Returns 1 when taken.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
