-- Count one failed login from an IP, and against the account from that IP when one is named.
-- Every key carries the IP's hash tag: counters key on the IP and on account+IP, never on the
-- account alone, so failing logins against a victim flags only the attacker's address.
--
-- KEYS[1] IP failures hash (hour → count), KEYS[2] account failures hash (account →
-- `count:lastHour`), KEYS[3..8] the six account HyperLogLogs of the distinct-accounts window,
-- oldest first, the current bucket last. ARGV: hour, windowHours, account|'', max accounts per
-- IP, failed-logins threshold, distinct-accounts threshold, first bucket number, bucket seconds.
--
-- Returns {failures in window, their flag's end (epoch s, 0 if none), account failures,
-- distinct accounts, their flag's end}. KEYS[1] lives at least as long as the others, which is
-- what lets an assessment ask `EXISTS KEYS[1]` alone whether the IP has counters. A flag ends
-- when, with no new failures, the oldest buckets leaving the window take the count under its
-- threshold.
local hour = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local account = ARGV[3]
local maxAccounts = tonumber(ARGV[4])
local failuresAt = tonumber(ARGV[5])
local distinctAt = tonumber(ARGV[6])
local firstBucket = tonumber(ARGV[7])
local bucketSec = tonumber(ARGV[8])
local ttl = (window + 1) * 3600

redis.call('HINCRBY', KEYS[1], hour, 1)
local flat = redis.call('HGETALL', KEYS[1])
local hours, total = {}, 0
for i = 1, #flat, 2 do
  local h, n = tonumber(flat[i]), tonumber(flat[i + 1])
  if h <= hour - window then
    redis.call('HDEL', KEYS[1], flat[i])
  else
    hours[#hours + 1] = { h, n }
    total = total + n
  end
end
-- The failures hash outlives every other counter of the IP (the account HyperLogLogs may be
-- kept longer than the failures window), so its existence alone tells whether the IP has any.
redis.call('EXPIRE', KEYS[1], math.max(ttl, (#KEYS - 1) * bucketSec))
local failuresUntil = 0
if total >= failuresAt then
  table.sort(hours, function(a, b) return a[1] < b[1] end)
  local left = total
  for _, hn in ipairs(hours) do
    left = left - hn[2]
    if left < failuresAt then
      failuresUntil = (hn[1] + window) * 3600
      break
    end
  end
end

local accountFailures, distinct, distinctUntil = 0, 0, 0
if account ~= '' then
  local cur = redis.call('HGET', KEYS[2], account)
  -- Bounded per IP: past maxAccounts, further accounts count only in the IP-wide counters.
  if cur or redis.call('HLEN', KEYS[2]) < maxAccounts then
    local n, last = 0, 0
    if cur then
      local c, l = string.match(cur, '^(%d+):(%d+)$')
      n, last = tonumber(c) or 0, tonumber(l) or 0
    end
    if last <= hour - window then n = 0 end
    accountFailures = n + 1
    redis.call('HSET', KEYS[2], account, accountFailures .. ':' .. hour)
    redis.call('EXPIRE', KEYS[2], ttl)
  end
  local buckets = #KEYS - 2
  local newest = KEYS[#KEYS]
  redis.call('PFADD', newest, account)
  redis.call('EXPIRE', newest, (buckets + 1) * bucketSec)
  distinct = redis.call('PFCOUNT', unpack(KEYS, 3))
  if distinct >= distinctAt then
    distinctUntil = (firstBucket + 2 * buckets - 1) * bucketSec
    for k = 4, #KEYS do
      if redis.call('PFCOUNT', unpack(KEYS, k)) < distinctAt then
        distinctUntil = (firstBucket + (k - 4) + buckets) * bucketSec
        break
      end
    end
  end
end
return { total, failuresUntil, accountFailures, distinct, distinctUntil }
