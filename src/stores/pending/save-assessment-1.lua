-- Save an assessment record that may be committed later, with its time to live, in one
-- command. KEYS[1] assessment hash. ARGV: ttl seconds, client id, record JSON. The client is a
-- field of its own so a claim checks it before decoding anything.
redis.call('HSET', KEYS[1], 'client', ARGV[2], 'data', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
