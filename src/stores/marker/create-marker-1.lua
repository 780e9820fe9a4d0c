-- Create the data marker unless it exists, and return the marker in force. KEYS[1] the marker
-- hash. ARGV: id (random), since (epoch ms), lost (epoch ms of the loss that made this marker, or '').
-- Returns {1 if this call created it, the hash as [field, value, ...]}: of several instances
-- that notice a loss together, one creates the marker and the others read it. A hash without an
-- id or a time is no marker (the store could not read it either): it is replaced.
if redis.call('HEXISTS', KEYS[1], 'id') == 0 or redis.call('HEXISTS', KEYS[1], 'since') == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'id', ARGV[1], 'since', ARGV[2], 'lost', ARGV[3])
  return {1, redis.call('HGETALL', KEYS[1])}
end
return {0, redis.call('HGETALL', KEYS[1])}
