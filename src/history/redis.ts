import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The Redis client for the request path. Commands fail fast instead of queueing while Redis is
 * away (`enableOfflineQueue: false`), and time out after `timeoutMs`, so `/v1/assess` can still
 * answer within its deadline; the client reconnects by itself, forever, with backoff.
 */
export function createRedis(opts: { url: string; timeoutMs: number; logger: Logger }): Redis {
  const redis = new Redis(opts.url, {
    enableOfflineQueue: false,
    commandTimeout: opts.timeoutMs,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    // Fail the commands of a connection that stalls, rather than wait on a dead socket.
    reconnectOnError: () => false,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) opts.logger.warn({ err: err.message }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) opts.logger.info('redis connection restored');
    down = false;
  });
  return redis;
}
