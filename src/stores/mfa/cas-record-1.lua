-- Compare-and-set one JSON field of a hash. Records are JSON with a `version`; every write
-- states the version it read, so two requests racing with the same code or counter cannot both
-- win. KEYS[1] hash. ARGV: field, expected version (-1: the field must not exist), new JSON
-- ('' deletes), ttl seconds (0 keeps the key's TTL), summary ('1' recomputes the `summary`
-- field: the sorted distinct types of active records, which the assessment's load reads).
-- Returns 1 when written, 0 when the version did not match.
local key, field = KEYS[1], ARGV[1]
local expected = tonumber(ARGV[2])
local cur = redis.call('HGET', key, field)
if expected == -1 then
  if cur then return 0 end
else
  if not cur then return 0 end
  if cjson.decode(cur).version ~= expected then return 0 end
end
if ARGV[3] == '' then redis.call('HDEL', key, field) else redis.call('HSET', key, field, ARGV[3]) end
local ttl = tonumber(ARGV[4])
if ttl > 0 then redis.call('EXPIRE', key, ttl) end
if ARGV[5] == '1' then
  local types, seen = {}, {}
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'a:' then
      local r = cjson.decode(flat[i + 1])
      if r.active and not seen[r.type] then seen[r.type] = true; types[#types + 1] = r.type end
    end
  end
  table.sort(types)
  if #types == 0 then redis.call('HDEL', key, 'summary') else redis.call('HSET', key, 'summary', table.concat(types, ',')) end
end
return 1
