import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { answeringAsItself, PortTaken } from '../../src/platform/redis-server.js';
import { freePort } from './redis-server.js';

/** The master group the test Sentinel watches. */
export const SENTINEL_GROUP = 'vigil-test';

/**
 * A master, its replica and one Sentinel watching them (`redis-server --sentinel`, quorum 1),
 * on free loopback ports, owned by the test file that starts them. Never the Redis on 6379.
 */
export interface TestSentinel {
  /** Ports of the master and the replica as started (the roles swap on a failover). */
  master: number;
  replica: number;
  sentinel: number;
  /** The environment that points Vigil at it (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`). */
  env: Record<string, string>;
  /** A plain client of the Sentinel itself. */
  sentinelClient(): Redis;
  /** A plain client of one data node. */
  node(port: number): Redis;
  /** The master's port as the Sentinel names it now. */
  currentMaster(): Promise<number>;
  stop(): Promise<void>;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`redis sentinel: ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Start the three on free ports, trying others when a server of another test file took one of
 * them first (src/platform/redis-server.ts, `answeringAsItself`).
 */
export async function startTestSentinel(): Promise<TestSentinel> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sentinelOn([await freePort(), await freePort(), await freePort()]);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 5) throw err;
    }
  }
}

async function sentinelOn([master, replica, sentinel]: [number, number, number]): Promise<TestSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sentinel-'));
  const procs: ChildProcess[] = [];
  const started: Promise<void>[] = [];
  const clients: Redis[] = [];
  const start = (port: number, args: string[]) => {
    const p = spawn('redis-server', args, { stdio: 'ignore', cwd: dir });
    procs.push(p);
    started.push(answeringAsItself(p, port));
  };
  // No wait for more replicas before a full sync (Redis 7 waits 5 s by default).
  const data = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--repl-diskless-sync-delay', '0'];
  start(master, data(master));
  start(replica, [...data(replica), '--replicaof', '127.0.0.1', String(master)]);
  // Sentinel rewrites its config file, so it gets one of its own.
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${sentinel}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${SENTINEL_GROUP} 127.0.0.1 ${master} 1`,
      `sentinel down-after-milliseconds ${SENTINEL_GROUP} 1000`,
      `sentinel failover-timeout ${SENTINEL_GROUP} 5000`,
      // Known from the start, rather than from the master's INFO some seconds later.
      `sentinel known-replica ${SENTINEL_GROUP} 127.0.0.1 ${replica}`,
      '',
    ].join('\n'),
  );
  start(sentinel, [conf, '--sentinel']);

  const node = (port: number) => {
    const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    c.on('error', () => {});
    clients.push(c);
    return c;
  };
  const stop = async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  let watcher: Redis | null = null;
  const currentMaster = async () => {
    watcher ??= node(sentinel);
    const [, port] = (await watcher.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_GROUP)) as [string, string];
    return Number(port);
  };
  try {
    await Promise.all(started);
    // Ready once the replica is in sync and the Sentinel has found it.
    await until('the replica in sync', 10_000, async () => ((await node(replica).info('replication')).includes('master_link_status:up') ? true : null));
    await until('the Sentinel watching both', 10_000, async () => {
      const replicas = (await node(sentinel).call('SENTINEL', 'REPLICAS', SENTINEL_GROUP)) as unknown[];
      return replicas.length === 1 ? true : null;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    master,
    replica,
    sentinel,
    env: { REDIS_SENTINELS: `127.0.0.1:${sentinel}`, REDIS_SENTINEL_NAME: SENTINEL_GROUP },
    sentinelClient: () => node(sentinel),
    node,
    currentMaster,
    stop,
  };
}
