import type { Logger } from 'pino';
import { createRedis } from '../../history/redis.js';

/**
 * Make room for the next column: on the replay's own throwaway server, FLUSHALL; on a Redis
 * given with `--redis` (which may hold someone's data), delete only the keys under the column's
 * own prefix, by SCAN and UNLINK, never anything else.
 */
export async function clearColumn(url: string, how: { flushAll: true } | { prefix: string }, logger: Logger): Promise<number> {
  const redis = createRedis({ url, timeoutMs: 10_000, logger, name: 'replay', queueWhileOffline: true });
  try {
    if ('flushAll' in how) {
      await redis.flushall();
      return 0;
    }
    if (!/^vigil-replay-[a-z0-9-]+:$/.test(how.prefix)) throw new Error(`refusing to delete keys under "${how.prefix}": not a replay prefix`);
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${how.prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
