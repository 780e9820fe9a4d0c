/**
 * Lua scripts of the history store, sent as `RespScript`s (EVALSHA, falling back to EVAL on a
 * new connection or after a Redis restart). Each touches one key, or keys of one hash tag, so
 * each is atomic and Cluster-safe. The common paths of an assessment use none: Redis spends
 * ~6 µs setting up a script call, several times the plain commands' work (src/history/store.ts).
 */

/**
 * Merge one login into a user's hash, trim what is older than the trust window, cap counts.
 *
 * Hash fields (all times in epoch seconds, so the hash stays a compact listpack):
 * `k` first login, `l` last login, `loc` last location "lat|lon|acc|at|country|city",
 * `d:<device hash>` and `a:<ua family>` last seen.
 *
 * KEYS[1] user hash. ARGV: at, trustSec, maxDevices, maxUas, ttlSec, deviceHash|'', uaFamily|'',
 * loc|'', trim ('1': trim and cap; '': only when the hash holds more fields than the caps allow).
 * Windows are measured from the user's latest login, not the wall clock, so replays of historic
 * logins (client-set `timestamp`) keep their history.
 *
 * The merge is one HMGET and one HSET. The trim reads the whole hash and sorts, so it runs only
 * when asked or when the hash holds more fields than the caps allow. An assessment whose
 * snapshot shows its login is the latest and nothing due for trimming merges with a plain HSET
 * instead, and calls this script to trim only when HLEN shows the caps exceeded.
 */
export const COMMIT_LOGIN = `
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
-- The familiarity profile and places, computed by the caller: ARGV[10..] field/value pairs.
for i = 10, #ARGV - 1, 2 do put(ARGV[i], ARGV[i + 1]) end
if #set > 0 then redis.call('HSET', key, unpack(set)) end

-- Trim entries older than the trust window, then cap each kind, oldest first.
if ARGV[9] == '1' or redis.call('HLEN', key) > 5 + maxD + maxA then
  local cutoff = last - trust
  local flat = redis.call('HGETALL', key)
  local devs, uas = {}, {}
  for i = 1, #flat, 2 do
    local f, v = flat[i], tonumber(flat[i + 1])
    local kind = string.sub(f, 1, 2)
    if kind == 'd:' or kind == 'a:' then
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
`;

/**
 * Count one failed login from an IP, and against the account from that IP when one is named.
 * Every key carries the IP's hash tag: counters key on the IP and on account+IP, never on the
 * account alone, so failing logins against a victim flags only the attacker's address.
 *
 * KEYS[1] IP failures hash (hour → count), KEYS[2] account failures hash (account →
 * `count:lastHour`), KEYS[3..] the account HyperLogLogs of the distinct-accounts window, oldest
 * first, the current bucket last. ARGV: hour, windowHours, account|'', max accounts per IP,
 * failed-logins threshold, distinct-accounts threshold, first bucket number, bucket seconds.
 *
 * Returns {failures in window, their flag's end (epoch s, 0 if none), account failures,
 * distinct accounts, their flag's end}. KEYS[1] lives at least as long as the others, which is
 * what lets an assessment ask `EXISTS KEYS[1]` alone whether the IP has counters. A flag ends when, with no new failures, the oldest
 * buckets leaving the window take the count under its threshold.
 */
export const RECORD_FAILURE = `
local hour = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local account = ARGV[3]
local maxAccounts = tonumber(ARGV[4])
local failuresAt = tonumber(ARGV[5])
local distinctAt = tonumber(ARGV[6])
local firstBucket = tonumber(ARGV[7])
local bucketSec = tonumber(ARGV[8])
local ttl = (window + 1) * 3600

redis.call('HINCRBY', KEYS[1], hour, 1)
local flat = redis.call('HGETALL', KEYS[1])
local hours, total = {}, 0
for i = 1, #flat, 2 do
  local h, n = tonumber(flat[i]), tonumber(flat[i + 1])
  if h <= hour - window then
    redis.call('HDEL', KEYS[1], flat[i])
  else
    hours[#hours + 1] = { h, n }
    total = total + n
  end
end
-- The failures hash outlives every other counter of the IP (the account HyperLogLogs may be
-- kept longer than the failures window), so its existence alone tells whether the IP has any.
redis.call('EXPIRE', KEYS[1], math.max(ttl, (#KEYS - 1) * bucketSec))
local failuresUntil = 0
if total >= failuresAt then
  table.sort(hours, function(a, b) return a[1] < b[1] end)
  local left = total
  for _, hn in ipairs(hours) do
    left = left - hn[2]
    if left < failuresAt then
      failuresUntil = (hn[1] + window) * 3600
      break
    end
  end
end

local accountFailures, distinct, distinctUntil = 0, 0, 0
if account ~= '' then
  local cur = redis.call('HGET', KEYS[2], account)
  -- Bounded per IP: past maxAccounts, further accounts count only in the IP-wide counters.
  if cur or redis.call('HLEN', KEYS[2]) < maxAccounts then
    local n, last = 0, 0
    if cur then
      local c, l = string.match(cur, '^(%d+):(%d+)$')
      n, last = tonumber(c) or 0, tonumber(l) or 0
    end
    if last <= hour - window then n = 0 end
    accountFailures = n + 1
    redis.call('HSET', KEYS[2], account, accountFailures .. ':' .. hour)
    redis.call('EXPIRE', KEYS[2], ttl)
  end
  local buckets = #KEYS - 2
  local newest = KEYS[#KEYS]
  redis.call('PFADD', newest, account)
  redis.call('EXPIRE', newest, (buckets + 1) * bucketSec)
  distinct = redis.call('PFCOUNT', unpack(KEYS, 3))
  if distinct >= distinctAt then
    distinctUntil = (firstBucket + 2 * buckets - 1) * bucketSec
    for k = 4, #KEYS do
      if redis.call('PFCOUNT', unpack(KEYS, k)) < distinctAt then
        distinctUntil = (firstBucket + (k - 4) + buckets) * bucketSec
        break
      end
    end
  end
end
return { total, failuresUntil, accountFailures, distinct, distinctUntil }
`;

/**
 * An IP's traffic counters at one hour, for an assessment whose IP has any (the store asks
 * EXISTS of the failures hash first: most addresses have none). KEYS as {@link RECORD_FAILURE}'s. ARGV: hour,
 * windowHours, account|''. Returns {failures in the window, distinct accounts, the account's
 * failures (0 once its last one left the window)}.
 */
export const READ_TRAFFIC = `
local hour = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local flat = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #flat, 2 do
  local h = tonumber(flat[i])
  if h > hour - window and h <= hour then total = total + tonumber(flat[i + 1]) end
end
local accountFailures = 0
if ARGV[3] ~= '' then
  local cur = redis.call('HGET', KEYS[2], ARGV[3])
  if cur then
    local c, l = string.match(cur, '^(%d+):(%d+)$')
    if l and tonumber(l) > hour - window then accountFailures = tonumber(c) end
  end
end
return { total, redis.call('PFCOUNT', unpack(KEYS, 3)), accountFailures }
`;

/**
 * Save an assessment record that may be committed later, with its time to live, in one
 * command. KEYS[1] assessment hash. ARGV: ttl seconds, client id, record JSON. The client is a
 * field of its own so a claim checks it before decoding anything.
 */
export const SAVE_ASSESSMENT = `
redis.call('HSET', KEYS[1], 'client', ARGV[2], 'data', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`;

/**
 * Claim a pending assessment for commit, once. KEYS[1] assessment hash, ARGV[1] the claiming
 * client's id. Returns the record JSON, or -1 when missing/expired or made by another client
 * (checked before the claim state, so another client cannot tell an id exists), or 0 when
 * already claimed. Records saved before the `client` field existed carry the id in the JSON.
 */
export const CLAIM_ASSESSMENT = `
local key = KEYS[1]
local data = redis.call('HGET', key, 'data')
local client = redis.call('HGET', key, 'client')
if not client then
  if not data then return -1 end
  client = cjson.decode(data).clientId
end
if client ~= ARGV[1] then return -1 end
if redis.call('HEXISTS', key, 'committed') == 1 then return 0 end
if not data then return -1 end
redis.call('HSET', key, 'committed', '1')
return data
`;

/** Undo a claim whose history commit failed, so the caller can retry. KEYS[1] assessment hash. */
export const UNCLAIM_ASSESSMENT = `
redis.call('HDEL', KEYS[1], 'committed')
return 1
`;

/**
 * Forget part of a user's history. KEYS[1] user hash. ARGV[1]: `devices` (device hashes and
 * user-agent families: NewDevice starts over) or `location` (ImpossibleTravel starts over).
 * Returns the number of fields removed.
 */
export const CLEAR_USER_PART = `
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
`;
