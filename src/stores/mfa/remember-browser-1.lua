-- Remember one browser of a user, or forget them all (docs/risk-model.md, "Remembered browsers").
-- KEYS[1] the user's MFA hash. Remembered browsers are its fields that start with ARGV[2]
-- (`rb:`), each valued with when a second factor was proven on the browser (epoch ms).
-- ARGV: 'remember', prefix, field, proven at ms, oldest still remembered ms, most kept:
--       only while the user has an active factor (the `summary` field: a reset or the removal of
--       the last factor in between leaves nothing to remember by). Sets the field, then drops
--       those proven before the oldest still remembered and, past the most kept, the earliest
--       proven. Returns 1 when remembered, 0 when the user had no active factor.
--       'forget', prefix: deletes every such field. Returns how many went.
local key, mode, prefix = KEYS[1], ARGV[1], ARGV[2]
if mode == 'remember' and redis.call('HEXISTS', key, 'summary') == 0 then return 0 end
local flat = redis.call('HGETALL', key)
local fields = {}
for i = 1, #flat, 2 do
  if string.sub(flat[i], 1, #prefix) == prefix then fields[#fields + 1] = { flat[i], tonumber(flat[i + 1]) or 0 } end
end
if mode == 'forget' then
  for _, f in ipairs(fields) do redis.call('HDEL', key, f[1]) end
  return #fields
end
local field, provenAt, oldest, most = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('HSET', key, field, ARGV[4])
local live = { { field, provenAt } }
for _, f in ipairs(fields) do
  if f[1] ~= field then
    if f[2] >= oldest then live[#live + 1] = f else redis.call('HDEL', key, f[1]) end
  end
end
-- The newest proofs stay; the one just made is among them unless a clock ran ahead elsewhere.
table.sort(live, function(a, b) return a[2] > b[2] end)
for i = most + 1, #live do redis.call('HDEL', key, live[i][1]) end
return 1
