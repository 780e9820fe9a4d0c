-- An IP's traffic counters at one hour, for an assessment whose IP has any (the store asks
-- EXISTS of the failures hash first: most addresses have none). KEYS as record-failure-8.lua's.
-- ARGV: hour, windowHours, account|''. Returns {failures in the window, distinct accounts, the
-- account's failures (0 once its last one left the window)}.
--
-- A read, but not a read-only script: PFCOUNT may write its cache, so Redis refuses it under
-- EVAL_RO and holds it during a `CLIENT PAUSE WRITE`. The store sends it on the writes
-- connection for that reason (docs/redis.md, "Failover").
local hour = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local flat = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #flat, 2 do
  local h = tonumber(flat[i])
  if h > hour - window and h <= hour then total = total + tonumber(flat[i + 1]) end
end
local accountFailures = 0
if ARGV[3] ~= '' then
  local cur = redis.call('HGET', KEYS[2], ARGV[3])
  if cur then
    local c, l = string.match(cur, '^(%d+):(%d+)$')
    if l and tonumber(l) > hour - window then accountFailures = tonumber(c) end
  end
end
return { total, redis.call('PFCOUNT', unpack(KEYS, 3)), accountFailures }
