-- Add one process's population counts to the shared ones and read the shared ones back
-- (docs/risk-model.md §7). KEYS[1] the total; KEYS[2..7] one hash per counted feature (value →
-- logins), in the order of the caller's COUNTED list. ARGV[1] logins to add to the total,
-- ARGV[2] the most values a feature hash may hold, then per feature: how many pairs follow, and
-- that many value, count pairs. A value new to a full hash is not counted on its own (its logins
-- are in the total). Returns { total, flat hash of feature 1, …, flat hash of feature 6 }.
local total = redis.call('INCRBY', KEYS[1], tonumber(ARGV[1]))
local maxValues = tonumber(ARGV[2])
local at = 3
for k = 2, #KEYS do
  local npairs = tonumber(ARGV[at])
  at = at + 1
  local size = redis.call('HLEN', KEYS[k])
  for i = 1, npairs do
    local value, n = ARGV[at], tonumber(ARGV[at + 1])
    at = at + 2
    if size < maxValues or redis.call('HEXISTS', KEYS[k], value) == 1 then
      if redis.call('HINCRBY', KEYS[k], value, n) == n then size = size + 1 end
    end
  end
end
local out = { total }
for k = 2, #KEYS do out[#out + 1] = redis.call('HGETALL', KEYS[k]) end
return out
