-- Undo a claim whose history commit failed, so the caller can retry. KEYS[1] assessment hash.
redis.call('HDEL', KEYS[1], 'committed')
return 1
