-- Claim a pending assessment for commit, once. KEYS[1] assessment hash, ARGV[1] the claiming
-- client's id. Returns the record JSON, or -1 when missing/expired or made by another client
-- (checked before the claim state, so another client cannot tell an id exists), or 0 when
-- already claimed. Records saved before the `client` field existed carry the id in the JSON.
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
