import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { reconnectDelayMs } from './resp-connection.js';

/**
 * An ioredis client, for the Redis work beside the history store's (which has its own lean
 * connection, `src/history/resp-connection.ts`): MFA, IP lists, BullMQ. The request path's
 * fails fast instead of queueing while Redis is away (`enableOfflineQueue: false`), and times
 * out after `timeoutMs`, so an MFA call answers within its deadline. Background work
 * (`queueWhileOffline`) lets a command wait for the connection, which matters at boot. Either
 * reconnects by itself, forever, with backoff.
 */
export function createRedis(opts: { url: string; timeoutMs: number; logger: Logger; name?: string; queueWhileOffline?: boolean }): Redis {
  const redis = new Redis(opts.url, {
    enableOfflineQueue: opts.queueWhileOffline ?? false,
    commandTimeout: opts.timeoutMs,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    // No auto-pipelining: its pipelines kept commands and replies alive into the old
    // generation under load, and scavenges took 15-25 ms every few hundred ms: the p99 tail
    // (bench/README.md, "What each optimisation moved").
    enableAutoPipelining: false,
    retryStrategy: reconnectDelayMs,
    // Fail the commands of a connection that stalls, rather than wait on a dead socket.
    reconnectOnError: () => false,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) opts.logger.warn({ err: err.message, connection: opts.name ?? 'requests' }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) opts.logger.info({ connection: opts.name ?? 'requests' }, 'redis connection restored');
    down = false;
  });
  return redis;
}
