import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis client. The request path's fails fast instead of queueing while Redis is away
 * (`enableOfflineQueue: false`), and times out after `timeoutMs`, so `/v1/assess` can still
 * answer within its deadline. Background work (`queueWhileOffline`) lets a command wait for the
 * connection, which matters at boot. Either reconnects by itself, forever, with backoff.
 */
export function createRedis(opts: { url: string; timeoutMs: number; logger: Logger; name?: string; queueWhileOffline?: boolean }): Redis {
  const redis = new Redis(opts.url, {
    enableOfflineQueue: opts.queueWhileOffline ?? false,
    commandTimeout: opts.timeoutMs,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    // No auto-pipelining: its pipelines kept commands and replies alive into the old
    // generation under load, and scavenges took 15-25 ms every few hundred ms: the p99 tail.
    // The request connection batches writes with coalesceWrites instead (README "What each
    // optimisation moved").
    enableAutoPipelining: false,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    // Fail the commands of a connection that stalls, rather than wait on a dead socket.
    reconnectOnError: () => false,
  });
  // Background connections carry little: plain writes there.
  if (!opts.queueWhileOffline) coalesceWrites(redis);
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

/**
 * Send every command issued in one turn of the event loop in one socket write: the socket is
 * corked at the turn's first command and uncorked in `setImmediate`, after the turn's I/O
 * callbacks. This is the batching of ioredis auto-pipelining without its pipelines (see above):
 * each command keeps its own promise, and nothing outlives its reply.
 */
function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let corked = false;
  redis.sendCommand = (command, stream) => {
    const socket = redis.stream;
    if (!corked && redis.status === 'ready' && socket.writable) {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    }
    return send(command, stream);
  };
}
