-- The manual entries and the state that versions them, read together: one script rather than
-- MULTI, whose queued commands ioredis leaves rejected with nobody awaiting them when the
-- connection fails (seen as unhandled ECONNREFUSED while Redis restarts). KEYS[1] the sources
-- hash, KEYS[2] the manual hash. ARGV[1] the manual source's name. Returns { state JSON or
-- nil, flat [network, entry JSON, …] }.
return { redis.call('HGET', KEYS[1], ARGV[1]), redis.call('HGETALL', KEYS[2]) }
