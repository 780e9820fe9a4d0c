import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../src/platform/free-port.js';

/**
 * A throwaway `redis-server` for one bench run, on a free loopback port: the bench never
 * touches the Redis on 6379. Adapted from `test/support/redis-server.ts`, plus the readings
 * the bench needs (`INFO`, `MEMORY USAGE`).
 */
export interface BenchRedis {
  port: number;
  url: string;
  pid: number;
  /** A client of the bench's own (seeding, readings), not Vigil's. */
  client: Redis;
  stop(): Promise<void>;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const proc: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  await new Promise<void>((resolve, reject) => {
    proc.once('spawn', resolve);
    proc.once('error', (err) =>
      reject(new Error(`cannot run redis-server (is it installed? apt-get install redis-server): ${err.message}`)),
    );
  });
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, enableAutoPipelining: true });
  client.on('error', () => {});
  const until = Date.now() + 5000;
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch {
      client.disconnect();
      if (Date.now() > until) throw new Error(`redis-server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: proc.pid!,
    client,
    async stop() {
      client.disconnect();
      if (proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    },
  };
}

/** The Redis figures the bench compares before and after a load run. */
export interface RedisReading {
  /** `total_reads_processed`: read events on client sockets, i.e. round trips as Redis saw them. */
  reads: number;
  /** Commands executed, including those run inside Lua scripts. */
  commands: number;
  /** Per command: calls. */
  byCommand: Record<string, number>;
  /** Per command: microseconds Redis spent in it (a script's include the commands it calls). */
  usecByCommand: Record<string, number>;
  /** Process CPU (user + sys), seconds. */
  cpuSec: number;
  usedMemory: number;
  keys: number;
}

function infoFields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

export async function readRedis(client: Redis): Promise<RedisReading> {
  const info = infoFields(await client.info('all'));
  const byCommand: Record<string, number> = {};
  const usecByCommand: Record<string, number> = {};
  let commands = 0;
  for (const [k, v] of info) {
    if (!k.startsWith('cmdstat_')) continue;
    const calls = Number(/calls=(\d+)/.exec(v)?.[1] ?? 0);
    byCommand[k.slice('cmdstat_'.length)] = calls;
    usecByCommand[k.slice('cmdstat_'.length)] = Number(/usec=(\d+)/.exec(v)?.[1] ?? 0);
    commands += calls;
  }
  const db0 = info.get('db0');
  return {
    reads: Number(info.get('total_reads_processed') ?? 0),
    commands,
    byCommand,
    usecByCommand,
    cpuSec: Number(info.get('used_cpu_user') ?? 0) + Number(info.get('used_cpu_sys') ?? 0),
    usedMemory: Number(info.get('used_memory') ?? 0),
    keys: db0 ? Number(/keys=(\d+)/.exec(db0)?.[1] ?? 0) : 0,
  };
}

/** `b - a` per command (calls, or with `usec` microseconds), leaving out the bench's own readings (`info`, `memory`, `ping`). */
export function commandDelta(a: RedisReading, b: RedisReading, field: 'byCommand' | 'usecByCommand' = 'byCommand'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cmd, calls] of Object.entries(b[field])) {
    if (cmd === 'info' || cmd === 'memory' || cmd === 'ping' || cmd.startsWith('scan')) continue;
    const d = calls - (a[field][cmd] ?? 0);
    if (d > 0) out[cmd] = d;
  }
  return out;
}

/** Mean `MEMORY USAGE` (bytes, exact: `SAMPLES 0`) over the given keys; missing keys are skipped. */
export async function meanMemoryUsage(client: Redis, keys: readonly string[]): Promise<{ mean: number; n: number }> {
  const sizes = await Promise.all(keys.map((k) => client.call('MEMORY', 'USAGE', k, 'SAMPLES', '0') as Promise<number | null>));
  const found = sizes.filter((s): s is number => typeof s === 'number');
  return { mean: found.length ? found.reduce((x, y) => x + y, 0) / found.length : 0, n: found.length };
}

/**
 * Mean `MEMORY USAGE` per user over users given as the groups of their keys (the history hash
 * and the familiarity string beside it): each user's keys summed, users without any skipped.
 */
export async function meanUserMemory(client: Redis, users: readonly (readonly string[])[]): Promise<{ mean: number; n: number }> {
  const usage = (k: string) => client.call('MEMORY', 'USAGE', k, 'SAMPLES', '0') as Promise<number | null>;
  const sums = await Promise.all(users.map(async (keys) => (await Promise.all(keys.map(usage))).reduce<number>((a, b) => a + (b ?? 0), 0)));
  const found = sums.filter((x) => x > 0);
  return { mean: found.length ? found.reduce((x, y) => x + y, 0) / found.length : 0, n: found.length };
}

/** Up to `max` keys matching `pattern`, by SCAN. */
export async function scanKeys(client: Redis, pattern: string, max: number): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0' && out.length < max);
  return out.slice(0, max);
}
