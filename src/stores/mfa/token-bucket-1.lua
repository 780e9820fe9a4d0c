-- Token bucket. KEYS[1] bucket hash. ARGV: now ms, burst, refill ms per token, cost (negative
-- refunds). Returns { allowed 0|1, retry-after ms, tokens left (floored) }.
local key = KEYS[1]
local now, burst, refill, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = tonumber(redis.call('HGET', key, 't') or burst)
local ts = tonumber(redis.call('HGET', key, 'ts') or now)
if now > ts then t = math.min(burst, t + (now - ts) / refill) end
local allowed, retry = 1, 0
if cost > 0 and t < cost then
  allowed = 0
  retry = math.ceil((cost - t) * refill)
else
  t = math.min(burst, t - cost)
end
redis.call('HSET', key, 't', tostring(t), 'ts', math.max(now, ts))
redis.call('PEXPIRE', key, math.ceil(burst * refill) + 1000)
return { allowed, retry, math.floor(t) }
