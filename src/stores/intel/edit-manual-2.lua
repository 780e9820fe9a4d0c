-- Add or remove one manual entry. KEYS[1] the sources hash, KEYS[2] the manual hash (network →
-- entry JSON). ARGV: `add` | `remove`, network, entry JSON (add), now (epoch ms), the manual
-- source's name. Expired entries are purged on the way. The manual source's version goes up
-- when anything changed, which is how other instances learn of it. Returns 1 when the entry
-- was added or removed, 0 when there was nothing to remove.
local now = tonumber(ARGV[4])
local changed = 0
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do
  -- The expiry ends every entry's JSON (intel-store.ts), so it is read without decoding the
  -- rest: cjson refuses some JSON JavaScript writes, and an entry it could not read was once
  -- purged as corrupt (docs/security.md, item 2). Decoding is the last resort.
  local exp = tonumber(string.match(flat[i + 1], ',"expiresAtMs":(%d+)}$'))
  if not exp then
    local ok, e = pcall(cjson.decode, flat[i + 1])
    exp = ok and type(e) == 'table' and tonumber(e.expiresAtMs) or 0
  end
  if exp <= now then
    redis.call('HDEL', KEYS[2], flat[i])
    changed = 1
  end
end
local done = 1
if ARGV[1] == 'add' then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
else
  done = redis.call('HDEL', KEYS[2], ARGV[2])
end
if done == 1 or changed == 1 then
  local cur = redis.call('HGET', KEYS[1], ARGV[5])
  local state = cur and cjson.decode(cur) or { version = 0, failures = 0 }
  state.version = (tonumber(state.version) or 0) + 1
  state.size = redis.call('HLEN', KEYS[2])
  state.changedAtMs = now
  redis.call('HSET', KEYS[1], ARGV[5], cjson.encode(state))
end
return done
