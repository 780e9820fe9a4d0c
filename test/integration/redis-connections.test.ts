import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { luaScript } from '../../src/platform/redis/lua-script.js';
import { createRedisConnections, type RedisConnections } from '../../src/platform/redis/redis-connections.js';
import { DeadlineError, withDeadline } from '../../src/platform/deadline.js';
import { loadLogin } from '../../src/risk/load-login.js';
import { historyKeys } from '../../src/stores/history/history-keys.js';
import { HistoryStore } from '../../src/stores/history/history-store.js';
import { mfaKeys } from '../../src/stores/mfa/mfa-keys.js';
import { trafficKeys } from '../../src/stores/traffic/traffic-keys.js';
import { TrafficStore } from '../../src/stores/traffic/traffic-store.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const logger = pino({ level: 'silent' });

/** A script file of the test's own, named as the stores name theirs. */
const scriptDir = mkdtempSync(join(tmpdir(), 'vigil-lua-'));
const scriptFile = (name: string, lua: string) => {
  writeFileSync(join(scriptDir, name), lua);
  return luaScript(new URL(`file://${join(scriptDir, name)}`));
};

/** The connections every store uses (src/platform/redis/), against a real redis-server. */
describe('Redis connections on a real Redis', () => {
  let server: TestRedis;
  let observer: Redis;
  const open: RedisConnections[] = [];
  const connect = async (url = server.url) => {
    const c = createRedisConnections({ mode: 'single', url, keyPrefix: 't:', timeoutMs: 2000 }, logger);
    open.push(c);
    await c.ready(5000);
    return c;
  };

  beforeAll(async () => {
    server = await startTestRedis();
    observer = server.client();
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(async () => {
    await server.stop();
    rmSync(scriptDir, { recursive: true, force: true });
  });

  const stat = async (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(await observer.info('stats'))?.[1]);

  it('answers each command with Redis\'s own reply: a hash flat, numbers as numbers, UTF-8 and bytes intact', async () => {
    const { reads, writes, background } = await connect();
    expect(await reads.ping()).toBe('PONG');
    expect(await writes.hset('h', ['città', 'Zürich', 'n', 3])).toBe(2);
    expect(await reads.hgetall('h')).toEqual(['città', 'Zürich', 'n', '3']);
    expect(await observer.hget('h', 'città')).toBe('Zürich');
    expect(await reads.hget('h', 'missing')).toBeNull();
    expect(await reads.hlen('h')).toBe(2);
    expect(await reads.hgetall('none')).toEqual([]);
    const bytes = Buffer.from([0, 255, 10, 13, 128]);
    await writes.hset('b', ['data', bytes, 'version', 7]);
    expect(await background.hmgetBuffer('b', ['version', 'data', 'none'])).toEqual([Buffer.from('7'), bytes, null]);
    expect(await writes.zadd('z', 5, 'm')).toBe(1);
    expect(await writes.zadd('z', 3, 'm', { GT: true })).toBe(0);
    expect(await reads.zscore('z', 'm')).toBe('5');
    expect(await writes.zremrangebyscore('z', '-inf', 4)).toBe(0);
    expect(await reads.zcard('z')).toBe(1);
    expect(await writes.expire('h', 60)).toBe(1);
    expect(await writes.hdel('h', ['n', 'none'])).toBe(1);
    expect(await reads.exists('h')).toBe(1);
    expect(await writes.del('h')).toBe(1);
  });

  it('rejects an error reply with Redis\'s message, and goes on with the next command', async () => {
    const { reads, writes } = await connect();
    await observer.set('s', 'x');
    const [bad, good] = await Promise.allSettled([reads.hget('s', 'f'), reads.exists('s')]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason.message).toMatch(/^WRONGTYPE/);
    expect(good).toEqual({ status: 'fulfilled', value: 1 });
    expect(await writes.ping()).toBe('PONG');
  });

  it('sends the commands of one event-loop turn in one write on a request connection, each with its own reply', async () => {
    const { reads } = await connect();
    await observer.hset('k7', 'f', 'seven');
    // Let the server see out the start's probe connection: its closing read would count here.
    await stat('total_reads_processed');
    await new Promise((r) => setTimeout(r, 50));
    const before = await stat('total_reads_processed');
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => reads.hget(`k${i}`, 'f')));
    // One read is the observer's own INFO.
    expect((await stat('total_reads_processed')) - before - 1).toBe(1);
    expect(replies[7]).toBe('seven');
    expect(replies.filter((r) => r === null)).toHaveLength(199);
  });

  it('keeps the order of a turn\'s commands when one of them is written as bytes, still in one write', async () => {
    const { writes } = await connect();
    const bytes = Buffer.from([1, 2, 255]);
    await writes.ping();
    await stat('total_reads_processed');
    await new Promise((r) => setTimeout(r, 50));
    const before = await stat('total_reads_processed');
    const [a, b, c, all] = await Promise.all([
      writes.hset('mixed', ['first', 'one']),
      writes.hset('mixed', ['bytes', bytes]),
      writes.hset('mixed', ['last', 'three']),
      writes.hlen('mixed'),
    ]);
    expect([a, b, c, all]).toEqual([1, 1, 1, 3]);
    // One read is the observer's own INFO.
    expect((await stat('total_reads_processed')) - before - 1).toBe(1);
    expect(await observer.hgetBuffer('mixed', 'bytes')).toEqual(bytes);
  });

  it('runs a script by its SHA-1, sending it once when Redis does not know it, and checks its key count', async () => {
    const { writes } = await connect();
    const script = scriptFile('add-to-1.lua', "return redis.call('INCRBY', KEYS[1], ARGV[1])");
    expect(script).toMatchObject({ name: 'add-to', numberOfKeys: 1 });
    await observer.script('FLUSH');
    expect(await writes.runScript(script, ['counter'], [2])).toBe(2);
    expect(await observer.script('EXISTS', script.sha)).toEqual([1]);
    await observer.config('RESETSTAT');
    expect(await writes.runScript(script, ['counter'], [3])).toBe(5);
    const stats = await observer.info('commandstats');
    expect(stats).toMatch(/cmdstat_evalsha:calls=1,/);
    expect(stats).not.toMatch(/cmdstat_eval:/);
    await expect(writes.runScript(script, ['a', 'b'], [1])).rejects.toThrow(/add-to takes 1 keys, not 2/);
    expect(() => scriptFile('unnumbered.lua', 'return 1')).toThrow(/<name>-<number of keys>\.lua/);
  });

  it('authenticates and selects the database the URL names', async () => {
    await observer.config('SET', 'requirepass', 'hunter2');
    try {
      const { writes } = await connect(`redis://:hunter2@127.0.0.1:${server.port}/3`);
      await writes.hset('in-three', ['f', 1]);
      await observer.auth('hunter2');
      await observer.select(3);
      expect(await observer.hget('in-three', 'f')).toBe('1');
      await observer.select(0);
    } finally {
      await observer.config('SET', 'requirepass', '');
    }
  });

  // The hand-written client this replaced measured its stall check from when a command was
  // queued and ran it on a timer before the poll phase: any stall over 200 ms dropped a healthy
  // connection and failed every command in flight (5 of 5 with a 250 ms busy loop).
  it('a 250 ms event-loop stall with the reply waiting in the socket fails no command and drops no connection', async () => {
    const conns = await connect();
    const opts = { timeoutMs: 200 };
    const stores = {
      history: new HistoryStore(conns, historyKeys('t:'), mfaKeys('t:'), { deviceTrustDays: 30, historyRetentionDays: 365, maxDevices: 5, maxUserAgents: 3, familiarity: { maxValuesPerFeature: 8, windowDays: 180, maxPlaces: 6, mergeKm: 50 } }, opts),
      traffic: new TrafficStore(conns, trafficKeys('t:'), { traffic: { failedLoginsThreshold: 5, windowHours: 24, distinctAccountsThreshold: 3, distinctAccountsWindowMinutes: 60, accountFailuresThreshold: 10 }, accountSecret: 's'.repeat(32) }, opts),
    };
    await loadLogin(stores, { userId: 'warm', ip: '198.51.100.1', browser: null }, Date.now()); // connections up, scripts loaded
    const connections = await stat('total_connections_received');
    let cliConnections = 0;
    const hgetalls = () => ++cliConnections && Number(/cmdstat_hgetall:calls=(\d+)/.exec(execFileSync('redis-cli', ['-p', String(server.port), 'INFO', 'commandstats'], { encoding: 'utf8' }))?.[1] ?? 0);
    for (let round = 0; round < 5; round++) {
      const before = hgetalls();
      // The assessment's load under its deadline; its commands leave in this turn's setImmediate.
      const load = withDeadline(loadLogin(stores, { userId: `u${round}`, ip: '198.51.100.1', browser: null }, Date.now()), 200);
      await new Promise((r) => setImmediate(r));
      // Then the event loop stalls for 250 ms, and until Redis has answered (a synchronous
      // redis-cli sees the command counted), so the reply waits in the socket when it ends.
      const until = performance.now() + 250;
      while (performance.now() < until || hgetalls() === before) {
        // busy
      }
      const loaded = await load;
      expect(loaded.history.known).toBe(false);
      expect(loaded.traffic).toEqual({ failedLogins: 0, distinctAccounts: 0, accountFailures: 0 });
    }
    // No connection but redis-cli's own was made: the stores' connections were never dropped.
    expect(await stat('total_connections_received')).toBe(connections + cliConnections);
    expect(await conns.reads.ping()).toBe('PONG');
  });

  it('still fails a command that Redis does not answer by its deadline, and keeps the connection', async () => {
    const conns = await connect();
    const blocker = server.client();
    // Connected first, so DEBUG SLEEP leaves at once; a stall long enough that a loaded machine
    // still has it under way when the command below is sent.
    await blocker.ping();
    const stalled = blocker.call('DEBUG', 'SLEEP', '1');
    await new Promise((r) => setTimeout(r, 100));
    await expect(withDeadline(conns.reads.exists('x'), 100)).rejects.toBeInstanceOf(DeadlineError);
    await stalled;
    expect(await conns.reads.exists('x')).toBe(0);
  });

  it('fails fast while Redis is down, and reconnects by itself', async () => {
    const { reads, writes } = await connect();
    await writes.hset('before', ['f', 1]);
    await server.stop();
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    await expect(reads.hget('before', 'f')).rejects.toThrow();
    await expect(writes.ping()).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(20);
    await server.start();
    observer = server.client();
    const conns = open[open.length - 1]!;
    await conns.ready(5000);
    expect(await reads.hget('before', 'f')).toBeNull(); // a new, empty server
  });

  it('closes every connection once, and fails commands and refuses new connections after it', async () => {
    const c = createRedisConnections({ mode: 'single', url: server.url, keyPrefix: 't:', timeoutMs: 2000 }, logger);
    await c.ready(5000);
    const bullQueue = c.bullmq('queue');
    await Promise.all([c.close(), c.close()]);
    await c.close();
    await expect(c.reads.ping()).rejects.toThrow();
    await expect(c.background.ping()).rejects.toThrow();
    expect(bullQueue.status).toBe('end');
    expect(() => c.bullmq('worker')).toThrow(/closed/);
  });
});
