-- Remember one browser of a user, or forget them all (docs/risk-model.md, "Remembered browsers").
-- KEYS[1] the user's MFA hash. Remembered browsers are its fields that start with ARGV[2]
-- (`rb:`), each valued with when a second factor was proven on the browser (epoch ms).
-- ARGV: 'remember', prefix, field, proven at ms, oldest still remembered ms, most kept, the
--       field of the authenticator the proof used (`a:<id>`): only while that authenticator is
--       active (an admin who removed it, or reset the user, in between leaves nothing to
--       remember by). Sets the field, then drops those proven before the oldest still
--       remembered and, past the most kept, the earliest proven of the others. Returns 1 when
--       remembered, 0 when the authenticator is gone or inactive.
--       'forget', prefix: deletes every such field. Returns how many went.
-- Authenticator records lead with `{"version":N,"type":"…","active":…`, or with `{"id":…` when
-- written before that layout (cas-record-1.lua reads both the same way).
local function active(json)
  return json ~= false and (string.match(json, '^{"version":%-?%d+,"type":"[%w%-]+","active":true[,}]') ~= nil
    or string.match(json, '^{"id":"[%w%-]*","type":"[%w%-]+","active":true[,}]') ~= nil)
end
local key, mode, prefix = KEYS[1], ARGV[1], ARGV[2]
if mode == 'remember' and not active(redis.call('HGET', key, ARGV[7])) then return 0 end
local flat = redis.call('HGETALL', key)
local fields = {}
for i = 1, #flat, 2 do
  if string.sub(flat[i], 1, #prefix) == prefix then fields[#fields + 1] = { flat[i], tonumber(flat[i + 1]) or 0 } end
end
if mode == 'forget' then
  for _, f in ipairs(fields) do redis.call('HDEL', key, f[1]) end
  return #fields
end
local field, oldest, most = ARGV[3], tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('HSET', key, field, ARGV[4])
-- The new one always stays, even beside one stamped later by a clock that runs ahead.
local others = {}
for _, f in ipairs(fields) do
  if f[1] ~= field then
    if f[2] >= oldest then others[#others + 1] = f else redis.call('HDEL', key, f[1]) end
  end
end
table.sort(others, function(a, b) return a[2] > b[2] end)
for i = most, #others do redis.call('HDEL', key, others[i][1]) end
return 1
