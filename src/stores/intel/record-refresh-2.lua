-- Record the outcome of one refresh of a list source. KEYS[1] the sources hash (name → state
-- JSON), KEYS[2] the source's set hash (`version`, `data`). ARGV: name, patch JSON (merged into
-- the state), outcome (`updated` | `unchanged` | `failed`), the encoded set (`updated` only).
--
-- `updated` stores the set under the next version number, in the same step as the state that
-- announces it, so an instance that sees the version finds its data. `failed` counts one more
-- consecutive failure and leaves the version and its data alone: a broken source keeps its last
-- good version. Returns the version now current (0: none yet).
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local state = cur and cjson.decode(cur) or { version = 0, failures = 0 }
for k, v in pairs(cjson.decode(ARGV[2])) do state[k] = v end
if ARGV[3] == 'failed' then
  state.failures = (tonumber(state.failures) or 0) + 1
else
  state.failures = 0
end
if ARGV[3] == 'updated' then
  state.version = (tonumber(state.version) or 0) + 1
  redis.call('HSET', KEYS[2], 'version', state.version, 'data', ARGV[4])
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(state))
return state.version
