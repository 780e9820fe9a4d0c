-- Forget part of a user's history hash. KEYS[1] user hash. ARGV[1]: `devices` (device hashes
-- and user-agent families: NewDevice starts over), `location` (the last location) or
-- `familiarity`. ARGV[2..]: for `location` and `familiarity`, the familiarity's new field/value
-- pairs (the store keeps the part not cleared: the profile, or the places); they replace every
-- familiarity field (`f0`, `f1`, …), and only in a hash that exists.
-- Returns the number of device, user-agent and location fields removed.
local key = KEYS[1]
local part = ARGV[1]
local flat = redis.call('HKEYS', key)
local n = 0
for _, f in ipairs(flat) do
  local kind = string.sub(f, 1, 2)
  if (part == 'devices' and (kind == 'd:' or kind == 'a:')) or (part == 'location' and f == 'loc') then
    redis.call('HDEL', key, f)
    n = n + 1
  elseif #ARGV > 1 and string.match(f, '^f%d+$') then
    redis.call('HDEL', key, f)
  end
end
if #ARGV > 1 and #flat > 0 then redis.call('HSET', key, unpack(ARGV, 2)) end
return n
