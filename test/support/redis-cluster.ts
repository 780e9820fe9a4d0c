import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { answeringAsItself, PortTaken } from '../../src/platform/redis-server.js';

const run = promisify(execFile);

/**
 * A throwaway Redis Cluster of real `redis-server --cluster-enabled yes` processes on free
 * loopback ports, made with `redis-cli --cluster create`, owned by the test file that starts it.
 * Like `startTestRedis`, it never touches the Redis on 6379.
 */
export interface TestCluster {
  /** Every node's port; the first `masters` were created as masters. */
  ports: number[];
  /** The environment that points Vigil at it (`REDIS_CLUSTER_NODES`, two seeds). */
  env: Record<string, string>;
  /** A cluster client for assertions (closed by `stop`). */
  client(): Cluster;
  /** The port of the node that is master of `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  /** Kill a node at once (SIGKILL), as a crashed host would go. */
  kill(port: number): void;
  /** Resolves once every live node reports `cluster_state:ok` and agrees on the master of `key`'s slot. */
  healthy(key: string, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/** A port `p` such that both `p` and its cluster bus port `p + 10000` are free. */
async function freeClusterPort(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.unref();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if ((await free(port)) && (await free(port + 10_000))) return port;
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`redis cluster: ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A short-lived plain connection to one node. */
async function ask<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  r.on('error', () => {});
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/**
 * Start `masters` masters with `replicas` replicas each. A short node timeout (1 s) lets a
 * replica take over a killed master in a few seconds; the fixed ports are chosen free, bus
 * ports included.
 */
export async function startTestCluster(opts: { masters?: number; replicas?: number } = {}): Promise<TestCluster> {
  const masters = opts.masters ?? 3;
  const replicas = opts.replicas ?? 0;
  // Ports another test file's server took first (`answeringAsItself`) are given up for others.
  for (let attempt = 1; ; attempt++) {
    const ports: number[] = [];
    for (let i = 0; i < masters * (1 + replicas); i++) {
      let p = await freeClusterPort();
      while (ports.includes(p)) p = await freeClusterPort();
      ports.push(p);
    }
    try {
      return await clusterOn(ports, replicas);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 5) throw err;
    }
  }
}

async function clusterOn(ports: number[], replicas: number): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-'));
  const procs = new Map<number, ChildProcess>();
  const clients: Cluster[] = [];
  for (const port of ports) {
    const proc = spawn(
      'redis-server',
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '1000',
        '--dir', dir,
        '--save', '',
        '--appendonly', 'no',
        '--enable-debug-command', 'local',
        // Replicas sync at once, instead of after Redis 7's 5 s wait for more of them.
        '--repl-diskless-sync-delay', '0',
      ],
      { stdio: 'ignore' },
    );
    procs.set(port, proc);
  }
  const stop = async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(
      [...procs.values()].map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGTERM');
          }),
      ),
    );
    procs.clear();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map((port) => answeringAsItself(procs.get(port)!, port)));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 20_000 });
    await Promise.all(
      ports.map((port) =>
        until(`node ${port} in a healthy cluster`, 10_000, () =>
          ask(port, async (r) => {
            if (!(await r.cluster('INFO')).includes('cluster_state:ok')) return null;
            // A replica that has not synced yet cannot take over: wait for its link too.
            const info = await r.info('replication');
            return info.includes('role:slave') && !info.includes('master_link_status:up') ? null : true;
          }),
        ),
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }

  const live = () => [...procs.entries()].filter(([, p]) => p.exitCode === null && p.signalCode === null).map(([port]) => port);
  /** The master of `key`'s slot as the node on `port` sees it. */
  const ownerSeenBy = (port: number, key: string) =>
    ask(port, async (r) => {
      const slot = (await r.cluster('KEYSLOT', key)) as number;
      const shards = await r.cluster('SLOTS');
      return shards.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1] ?? null;
    });
  const masterOf = async (key: string): Promise<number> => {
    for (const port of live()) {
      const owner = await ownerSeenBy(port, key).catch(() => null);
      if (owner !== null) return owner;
    }
    throw new Error(`no node knows the master of ${key}`);
  };

  return {
    ports,
    env: { REDIS_CLUSTER_NODES: ports.slice(0, 2).map((p) => `127.0.0.1:${p}`).join(',') },
    client() {
      const c = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })), { redisOptions: { maxRetriesPerRequest: 1 } });
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
    masterOf,
    kill(port) {
      procs.get(port)?.kill('SIGKILL');
    },
    healthy: (key, timeoutMs = 15_000) =>
      until('a healthy cluster', timeoutMs, async () => {
        const owners = new Set<number | null>();
        for (const port of live()) {
          if (!(await ask(port, async (r) => (await r.cluster('INFO')).includes('cluster_state:ok')))) return null;
          owners.add(await ownerSeenBy(port, key));
        }
        const [owner] = owners;
        return owners.size === 1 && owner != null && live().includes(owner) ? owner : null;
      }),
    stop,
  };
}
