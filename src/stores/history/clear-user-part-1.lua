-- Forget part of a user's history hash. KEYS[1] user hash. ARGV[1]: `devices` (device hashes
-- and user-agent families: NewDevice starts over) or `location` (the last location; the store
-- clears the familiar places beside it).
-- Returns the number of fields removed.
local key = KEYS[1]
local part = ARGV[1]
local flat = redis.call('HKEYS', key)
local n = 0
for _, f in ipairs(flat) do
  local kind = string.sub(f, 1, 2)
  if (part == 'devices' and (kind == 'd:' or kind == 'a:')) or (part == 'location' and f == 'loc') then
    redis.call('HDEL', key, f)
    n = n + 1
  end
end
return n
