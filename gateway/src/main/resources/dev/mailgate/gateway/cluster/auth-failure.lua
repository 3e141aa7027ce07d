-- One failed login, atomically (AuthThrottle's rules across nodes; docs/scale-out.md).
-- KEYS: 1 address count, 2 address fingerprints, 3 user count, 4 user fingerprints,
--       5 (user, address) count, 6 (user, address) fingerprints, 7 (user, address) lockout
-- ARGV: 1 address fingerprint, 2 user fingerprint, 3 forget after (ms), 4 lockout after
--       (distinct failures), 5 lockout for (ms), 6 fingerprints remembered per key
-- A fingerprint seen recently under a key (the same password again) is not counted again; each
-- key keeps its last ARGV[6] fingerprints in a sorted set scored by arrival.
-- Returns the (user, address) pair's count.
local ring = tonumber(ARGV[6])
local forget = tonumber(ARGV[3])
local lockFor = tonumber(ARGV[5])

local function fail(countKey, seenKey, fp, ttl)
  local n = tonumber(redis.call('GET', countKey) or '0')
  if redis.call('ZSCORE', seenKey, fp) == false then
    n = redis.call('INCR', countKey)
    redis.call('ZADD', seenKey, n, fp)
    redis.call('ZREMRANGEBYRANK', seenKey, 0, -(ring + 1))
  end
  redis.call('PEXPIRE', countKey, ttl)
  redis.call('PEXPIRE', seenKey, ttl)
  return n
end

fail(KEYS[1], KEYS[2], ARGV[1], forget)
fail(KEYS[3], KEYS[4], ARGV[2], forget)
-- a lockout must outlive its own forgetting window
local n = fail(KEYS[5], KEYS[6], ARGV[2], math.max(forget, lockFor))
if n >= tonumber(ARGV[4]) and redis.call('EXISTS', KEYS[7]) == 0 then
  redis.call('SET', KEYS[7], '1', 'PX', lockFor)
end
return n
