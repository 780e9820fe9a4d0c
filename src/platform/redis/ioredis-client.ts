import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisTarget } from '../../config.js';
import { coalesceWrites } from './coalesce-writes.js';
import type { IoredisClient } from './ioredis-port.js';

/**
 * What a connection is for, which decides how it behaves while Redis is away (docs/redis.md,
 * "Connections"):
 * - `request`: the request path. Fails a command at once while disconnected (no offline queue)
 *   and fails those in flight when the connection drops (no retry), so an answer is never
 *   held back for Redis; one socket write per event-loop turn.
 * - `background`: IP lists and the like. Waits for the connection at boot.
 * - `bull-queue`: BullMQ queues. Waits for one reconnect attempt, then fails: enqueueing an email
 *   answers an MFA request.
 * - `bull-worker`: BullMQ workers, which BullMQ also duplicates for their blocking reads; their
 *   commands wait for Redis however long it takes, as BullMQ requires.
 */
export type ConnectionRole = 'request' | 'background' | 'bull-queue' | 'bull-worker';

/** Wait before reconnect attempt `n`: 50 ms doubling to 2 s, for ever. */
export const reconnectDelayMs = (n: number): number => Math.min(50 * 2 ** Math.min(n, 6), 2000);

/** A Cluster's slot map is reloaded this often besides on MOVED, so a master that died quietly is left soon. */
const SLOTS_REFRESH_MS = 5000;

function roleOptions(role: ConnectionRole): RedisOptions {
  const common: RedisOptions = {
    connectTimeout: 2000,
    retryStrategy: reconnectDelayMs,
    // An error reply is an answer: the connection that carried it is fine.
    reconnectOnError: null,
    // Its pipelines kept commands and replies alive into the old generation under load
    // (bench/README.md, "What each optimisation moved"); `coalesceWrites` batches writes instead.
    enableAutoPipelining: false,
  };
  switch (role) {
    case 'request':
      return { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 };
    case 'background':
      return { ...common, enableOfflineQueue: true, maxRetriesPerRequest: 0 };
    case 'bull-queue':
      return { ...common, maxRetriesPerRequest: 1 };
    case 'bull-worker':
      return { ...common, maxRetriesPerRequest: null };
  }
}

/**
 * One ioredis client for `target` in `role`, named `name` in log lines: `new Redis(url)` for a
 * single node, `new Redis({ sentinels, name })` for Sentinel (which asks the Sentinels for the
 * master, and on `+switch-master` reconnects to the new one), `new Cluster(nodes)` for a
 * Cluster. Only `createRedisConnections` calls this. Errors are logged once per outage.
 */
export function createIoredisClient(target: RedisTarget, role: ConnectionRole, name: string, logger: Logger): IoredisClient {
  const opts = roleOptions(role);
  let client: IoredisClient;
  if (target.mode === 'single') {
    client = new Redis(target.url, opts);
  } else {
    const auth: RedisOptions = {
      ...(target.username !== null ? { username: target.username } : {}),
      ...(target.password !== null ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    };
    if (target.mode === 'sentinel') {
      client = new Redis({
        ...opts,
        ...auth,
        sentinels: target.sentinels,
        name: target.name,
        db: target.db,
        ...(target.sentinelPassword !== null ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        sentinelRetryStrategy: reconnectDelayMs,
        failoverDetector: true,
      });
    } else {
      // The Cluster reconnects through its slot map (a node that closes is dropped and made
      // again on the next command for its slots), and queues per node while a node connects.
      const { enableOfflineQueue, retryStrategy: _nodeRetry, ...nodeOpts } = opts;
      const clusterOpts: ClusterOptions = {
        redisOptions: { ...nodeOpts, ...auth },
        enableOfflineQueue: enableOfflineQueue ?? true,
        clusterRetryStrategy: reconnectDelayMs,
        slotsRefreshInterval: SLOTS_REFRESH_MS,
        enableAutoPipelining: false,
      };
      const cluster = new Cluster(target.nodes, clusterOpts);
      if (role === 'request') cluster.on('+node', (node: Redis) => coalesceWrites(node));
      cluster.on('node error', () => {}); // the cluster's own 'error' reports what matters
      client = cluster;
    }
  }
  if (role === 'request' && client instanceof Redis) coalesceWrites(client);
  reportOutages(client, name, logger);
  return client;
}

function reportOutages(client: IoredisClient, name: string, logger: Logger): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message, connection: name }, 'redis connection error');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info({ connection: name }, 'redis connection restored');
    down = false;
  });
}
