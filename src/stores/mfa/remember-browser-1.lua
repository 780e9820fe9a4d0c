-- Remember one browser of a user, or forget them all (docs/risk-model.md, "Remembered browsers").
-- KEYS[1] the user's MFA hash. Remembered browsers are its fields `rb:<device hash>`, each
-- valued with when its remembering ends (epoch ms).
-- ARGV: 'remember', field, until ms, now ms, most kept: sets the field, then drops the fields
--       that ended and, past the most kept, those that end first. Returns how many are kept.
--       'forget': deletes every such field. Returns how many went.
local key, mode = KEYS[1], ARGV[1]
local flat = redis.call('HGETALL', key)
local fields = {}
for i = 1, #flat, 2 do
  if string.sub(flat[i], 1, 3) == 'rb:' then fields[#fields + 1] = { flat[i], tonumber(flat[i + 1]) or 0 } end
end
if mode == 'forget' then
  for _, f in ipairs(fields) do redis.call('HDEL', key, f[1]) end
  return #fields
end
local field, untilMs, nowMs, most = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('HSET', key, field, ARGV[3])
local live = { { field, untilMs } }
for _, f in ipairs(fields) do
  if f[1] ~= field then
    if f[2] > nowMs then live[#live + 1] = f else redis.call('HDEL', key, f[1]) end
  end
end
table.sort(live, function(a, b) return a[2] > b[2] end)
for i = most + 1, #live do redis.call('HDEL', key, live[i][1]) end
return math.min(#live, most)
