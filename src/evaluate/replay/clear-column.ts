import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { createRedisConnections } from '../../platform/redis/redis-connections.js';

/**
 * Delete what one column wrote on a Redis given with `--redis` (which may hold someone's data):
 * only the keys under the column's own prefix, never anything else.
 */
export async function clearColumn(config: Config, logger: Logger): Promise<number> {
  const prefix = config.redis.keyPrefix;
  if (!/^vigil-replay-[a-z0-9-]+:$/.test(prefix)) throw new Error(`refusing to delete keys under "${prefix}": not a replay prefix`);
  const redis = createRedisConnections(config.redis, logger);
  try {
    return await redis.deleteKeys(prefix);
  } finally {
    await redis.close();
  }
}
