-- Merge one login into a user's hash, trim what is older than the trust window, cap counts.
--
-- Hash fields (all times in epoch seconds, so the hash stays a compact listpack):
-- `k` first login, `l` last login, `loc` last location "lat|lon|acc|at|country|city",
-- `d:<device hash>` and `a:<ua family>` last seen, and `f0`, `f1`, … the familiarity profile and
-- places as base64 in 64-character parts, ended by an empty field (src/stores/history/familiarity-blob.ts).
--
-- KEYS[1] user hash. ARGV: at, trustSec, maxDevices, maxUas, ttlSec, deviceHash|'', uaFamily|'',
-- loc|'', trim ('1': trim and cap; '': only when the hash holds more fields than the caps allow),
-- then the familiarity's field/value pairs, written as given (the store computed them from what
-- it read; the last writer's familiarity wins, docs/risk-model.md §7).
-- Windows are measured from the user's latest login, not the wall clock, so replays of historic
-- logins (client-set `timestamp`) keep their history.
--
-- The merge is one HMGET and one HSET. The trim reads the whole hash and sorts, so it runs only
-- when asked or when the hash holds more fields than the caps allow. An assessment whose
-- snapshot shows its login is the latest and nothing due for trimming merges with a plain HSET
-- instead (src/stores/history/history-store.ts), and calls this script to trim only when HLEN
-- shows the caps exceeded: Redis spends ~6 us setting up any script call, several times the
-- plain commands' own work.
local key = KEYS[1]
local at = tonumber(ARGV[1])
local trust = tonumber(ARGV[2])
local maxD = tonumber(ARGV[3])
local maxA = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])

local fields = { 'k', 'l' }
if ARGV[6] ~= '' then fields[#fields + 1] = 'd:' .. ARGV[6] end
if ARGV[7] ~= '' then fields[#fields + 1] = 'a:' .. ARGV[7] end
local cur = redis.call('HMGET', key, unpack(fields))
local set = {}
local function put(f, v) set[#set + 1] = f; set[#set + 1] = v end
local first = tonumber(cur[1] or '0')
if first == 0 or at < first then put('k', at) end
local last = tonumber(cur[2] or '0')
if at >= last then
  last = at
  put('l', at)
  if ARGV[8] ~= '' then put('loc', ARGV[8]) end
end
for i = 3, #fields do
  if at > tonumber(cur[i] or '0') then put(fields[i], at) end
end
if #set > 0 then redis.call('HSET', key, unpack(set)) end
local famFields = (#ARGV - 9) / 2
if famFields > 0 then redis.call('HSET', key, unpack(ARGV, 10)) end

-- Trim entries older than the trust window, then cap each kind, oldest first; drop familiarity
-- parts past the empty field that ends it (left by a longer familiarity before).
if ARGV[9] == '1' or redis.call('HLEN', key) > 3 + famFields + maxD + maxA then
  local cutoff = last - trust
  local flat = redis.call('HGETALL', key)
  local devs, uas = {}, {}
  for i = 1, #flat, 2 do
    local f, v = flat[i], tonumber(flat[i + 1])
    local kind = string.sub(f, 1, 2)
    local part = tonumber(string.match(f, '^f(%d+)$'))
    if part and famFields > 0 and part >= famFields then
      redis.call('HDEL', key, f)
    elseif kind == 'd:' or kind == 'a:' then
      if v < cutoff then
        redis.call('HDEL', key, f)
      elseif kind == 'd:' then
        devs[#devs + 1] = { f, v }
      else
        uas[#uas + 1] = { f, v }
      end
    end
  end
  local function cap(list, max)
    if #list <= max then return end
    table.sort(list, function(a, b) return a[2] > b[2] end)
    for i = max + 1, #list do redis.call('HDEL', key, list[i][1]) end
  end
  cap(devs, maxD)
  cap(uas, maxA)
end
redis.call('EXPIRE', key, ttl)
return 1
