import type { Logger } from 'pino';
import type { RedisConfig } from '../../config.js';
import { withDeadline } from '../deadline.js';
import { createIoredisClient, type ConnectionRole } from './ioredis-client.js';
import { ioredisPort, type IoredisClient } from './ioredis-port.js';
import type { RedisPort } from './redis-port.js';

/** The connections BullMQ is handed: queues share one, workers another (which BullMQ duplicates for its blocking reads). */
export type BullRole = 'queue' | 'worker';

/**
 * Every Redis connection of one process, built here and nowhere else (docs/redis.md,
 * "Connections"), for the target the configuration names: a single node, Sentinel or Cluster.
 * Each connection is made when first asked for, once; `close` ends them all.
 */
export interface RedisConnections {
  /** Request-path reads that a write pause lets through: the assessment's load, MFA reads. */
  readonly reads: RedisPort;
  /** Request-path writes and scripts: commits, counters, pending assessments, MFA writes. */
  readonly writes: RedisPort;
  /** IP lists: values of megabytes, kept off the request connections; waits for Redis at boot. */
  readonly background: RedisPort;
  /**
   * BullMQ's client for its queues or its workers, made on first use and shared by every queue
   * (or worker) of the process. BullMQ takes ioredis itself; its keys go under a hash-tagged
   * prefix ({@link bullPrefix}), so each queue's scripts run in one Cluster slot.
   */
  bullmq(role: BullRole): IoredisClient;
  /**
   * Call `listener` with `down` each time the reads connection closes and `up` each time it is
   * ready again, until the returned function is called. For watchers that must look at Redis
   * again after a reconnect before trusting what it holds (a restarted Redis may be empty).
   */
  watchReads(listener: (state: 'up' | 'down') => void): () => void;
  /** Resolves once the reads, writes and background connections are ready; rejects after `ms`. */
  ready(ms: number): Promise<void>;
  /**
   * PING through the reads and the writes connection (readiness). Fails, too, while `REDIS_URL`
   * names a node of a Redis Cluster: commands for other nodes' slots would fail with MOVED.
   */
  ping(): Promise<void>;
  /**
   * Delete every key that starts with `prefix` (SCAN and UNLINK on every master), on the
   * background connection: for tools that wrote under a prefix of their own (`vigil replay
   * --redis`), never on the request path. Returns how many went.
   */
  deleteKeys(prefix: string): Promise<number>;
  /** Disconnect every connection made here, at once (nothing waits for Redis). Idempotent. */
  close(): Promise<void>;
}

/** BullMQ's key prefix: `<REDIS_KEY_PREFIX>{bull}`, one hash tag for all of its keys. */
export function bullPrefix(keyPrefix: string): string {
  return `${keyPrefix}{bull}`;
}

export function createRedisConnections(config: RedisConfig, logger: Logger): RedisConnections {
  const made = new Map<string, IoredisClient>();
  let closed: Promise<void> | null = null;
  // A single node that is part of a Cluster answers only for its own slots: the rest fail
  // with MOVED, queues spin and lists never load. Said once per connect, and in readiness.
  let wrongMode: Error | null = null;
  const checkMode = (c: IoredisClient) => {
    if (config.mode !== 'single') return;
    c.on('ready', () => {
      (c.call('INFO', 'cluster') as Promise<string>).then(
        (info) => {
          wrongMode = /^cluster_enabled:1\b/m.test(info)
            ? new Error('REDIS_URL names a node of a Redis Cluster: give its nodes in REDIS_CLUSTER_NODES instead (docs/redis.md)')
            : null;
          if (wrongMode) logger.error(wrongMode.message);
        },
        () => {},
      );
    });
  };
  // Each connection is made on first use: a process (or a test) opens only what it uses.
  const client = (role: ConnectionRole, name: string): IoredisClient => {
    let c = made.get(name);
    if (!c) {
      if (closed) throw new Error('Redis connections are closed');
      c = createIoredisClient(config, role, name, logger);
      made.set(name, c);
      if (name === 'reads') checkMode(c);
    }
    return c;
  };
  const ports = new Map<string, RedisPort>();
  const port = (role: ConnectionRole, name: string): RedisPort => {
    let p = ports.get(name);
    if (!p) {
      p = ioredisPort(client(role, name), name);
      ports.set(name, p);
    }
    return p;
  };
  const core = () => [client('request', 'reads'), client('request', 'writes'), client('background', 'background')] as const;


  return {
    get reads() {
      return port('request', 'reads');
    },
    get writes() {
      return port('request', 'writes');
    },
    get background() {
      return port('background', 'background');
    },
    bullmq(role) {
      return role === 'queue' ? client('bull-queue', 'bullmq-queue') : client('bull-worker', 'bullmq-worker');
    },
    watchReads(listener) {
      const c = client('request', 'reads');
      const up = () => listener('up');
      const down = () => listener('down');
      c.on('ready', up);
      c.on('close', down);
      return () => {
        c.off('ready', up);
        c.off('close', down);
      };
    },
    async ready(ms) {
      const clients = core();
      const up = (c: IoredisClient) =>
        c.status === 'ready'
          ? undefined
          : new Promise<void>((resolve, reject) => {
              const onReady = () => {
                c.off('end', onEnd);
                resolve();
              };
              const onEnd = () => {
                c.off('ready', onReady);
                reject(new Error('Redis connection closed before it was ready'));
              };
              c.once('ready', onReady);
              c.once('end', onEnd);
            });
      await withDeadline(Promise.all(clients.map(up)), ms).catch((err: unknown) => {
        const states = clients.map((c, i) => `${['reads', 'writes', 'background'][i]} ${c.status}`).join(', ');
        throw new Error(`Redis not ready (${states}): ${(err as Error).message}`, { cause: err });
      });
    },
    async ping() {
      await Promise.all([port('request', 'reads').ping(), port('request', 'writes').ping()]);
      if (wrongMode) throw wrongMode;
    },
    async deleteKeys(prefix) {
      const c = client('background', 'background');
      const nodes = 'nodes' in c ? c.nodes('master') : [c];
      let deleted = 0;
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          // One key a command: keys of several hash slots cannot share one UNLINK in a Cluster.
          const gone = await Promise.all(keys.map((k) => node.unlink(k)));
          deleted += gone.reduce((a, b) => a + b, 0);
        } while (cursor !== '0');
      }
      return deleted;
    },
    close() {
      closed ??= (async () => {
        for (const c of made.values()) c.disconnect();
      })();
      return closed;
    },
  };
}
