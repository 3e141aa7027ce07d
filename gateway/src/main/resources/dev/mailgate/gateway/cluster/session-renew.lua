-- Extends a node's live session slots under KEYS[1] (see session-acquire.lua).
-- ARGV: 1 how long from now (ms), 2.. the lease ids. Slots already gone are not re-added (XX).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ttl)
return #ARGV - 1
