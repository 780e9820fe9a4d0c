-- Compare-and-set one JSON field of a hash. Records are JSON with a `version`; every write
-- states the version it read, so two requests racing with the same code or counter cannot both
-- win. KEYS[1] hash. ARGV: field, expected version (-1: the field must not exist), new JSON
-- ('' deletes), ttl seconds (0 keeps the key's TTL), summary ('1' recomputes the `summary`
-- field: the sorted distinct types of active records, which the assessment's load reads).
-- Returns 1 when written, 0 when the version did not match.
--
-- The script reads only the few fields it needs, from the front of each record, where
-- src/stores/mfa/mfa-store.ts writes them (`{"version":N,"type":"otp","active":true,...}`), and
-- never decodes the rest: a record it only passes by cannot fail it. Lua's cjson refuses some
-- JSON that JavaScript writes (a lone surrogate escaped as `\ud83d`), and once one such record
-- was stored every write of its user failed (docs/security.md, item 2). Records written before
-- this layout lead with `"id"` and end with `"version"`; the patterns read those too, and cjson
-- is the last resort for anything else.
local function version_of(json)
  local v = string.match(json, '^{"version":(%-?%d+)[,}]') or string.match(json, ',"version":(%-?%d+)}$')
  if v then return tonumber(v) end
  local ok, r = pcall(cjson.decode, json)
  if ok and type(r) == 'table' then return tonumber(r.version) end
  return nil
end
local function type_of(json)
  local t, a = string.match(json, '^{"version":%-?%d+,"type":"([%w%-]+)","active":(%a+)[,}]')
  if not t then t, a = string.match(json, '^{"id":"[%w%-]*","type":"([%w%-]+)","active":(%a+)[,}]') end
  if t then return t, a == 'true' end
  local ok, r = pcall(cjson.decode, json)
  if ok and type(r) == 'table' and type(r.type) == 'string' then return r.type, r.active == true end
  return nil, false
end
local key, field = KEYS[1], ARGV[1]
local expected = tonumber(ARGV[2])
local cur = redis.call('HGET', key, field)
if expected == -1 then
  if cur then return 0 end
else
  if not cur then return 0 end
  if version_of(cur) ~= expected then return 0 end
end
if ARGV[3] == '' then redis.call('HDEL', key, field) else redis.call('HSET', key, field, ARGV[3]) end
local ttl = tonumber(ARGV[4])
if ttl > 0 then redis.call('EXPIRE', key, ttl) end
if ARGV[5] == '1' then
  local types, seen = {}, {}
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'a:' then
      local t, active = type_of(flat[i + 1])
      if t and active and not seen[t] then seen[t] = true; types[#types + 1] = t end
    end
  end
  table.sort(types)
  if #types == 0 then redis.call('HDEL', key, 'summary') else redis.call('HSET', key, 'summary', table.concat(types, ',')) end
end
return 1
