-- One rate-limit charge, atomically (docs/scale-out.md). A token bucket in GCRA form, as
-- KeyedRateLimiter keeps per node: KEYS[1] holds the "theoretical arrival time" in microseconds of
-- the server's clock (TIME), so the nodes' clocks do not matter.
-- ARGV[1] microseconds per permit, ARGV[2] the period in microseconds, ARGV[3] the cost.
-- Returns 0 when the permits were taken, else the microseconds until they would be.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then
  tat = now
end
local nxt = tat + interval * cost
local ahead = nxt - now
if ahead > window then
  return ahead - window
end
-- the key lives until its bucket would be full again: then forgetting it changes nothing
redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.floor(ahead / 1000) + 1)
return 0
